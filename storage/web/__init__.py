"""The reading room: a read-only web app over the archive (``newsarchive serve``).

:func:`storage.web.app.create_app` builds the ASGI app over an open
:class:`storage.Archive`; :mod:`storage.web.views` has one module per kind of
page, ``templates/`` one template each, ``static/`` the stylesheet.
"""

from storage.web.app import create_app

__all__ = ["create_app"]
