"""An article written to attack whatever displays the archive (``NewsWeb(hostile=True)`` only).

Its title, byline and text carry script tags, event-handler attributes and
``javascript:`` URLs as *text* (escaped in the page, so extraction keeps them
verbatim); its URL carries ``javascript:`` and an encoded script tag; and its
page carries the same things as live markup (``unsafe_html``), so a view of
the raw capture would run them if it let any script run. Every script sets
``window.__pwned``, marks the document (``data-pwned``) and alerts: a
test asserts none of it happened.
"""

from __future__ import annotations

import random
from datetime import timedelta

from tests.newsweb.model import Article, Outlet
from tests.newsweb.prose import generate_story

def _mark(where: str) -> str:
    """What each hostile script does: set a global and mark the document, so a test can see it ran."""
    return f"window.__pwned='{where}';document.documentElement.setAttribute('data-pwned','{where}')"


HOSTILE_TITLE = f"Harbour vote <script>{_mark('title')};alert('title')</script> <img src=x onerror=\"{_mark('title-img')}\">"
HOSTILE_AUTHOR = f"<b onmouseover=\"{_mark('author')}\">Eve Mallory</b>"
HOSTILE_PARAGRAPHS = [
    f"Minutes of the meeting quoted <script>{_mark('text')};alert('text')</script> in full.",
    f"A reader sent <img src=x onerror=\"{_mark('text-img')}\"> and "
    f"<a href=\"javascript:{_mark('text-link')}\">this link</a> to the harbour office.",
]
UNSAFE_HTML = (
    f"<script>{_mark('capture')};alert('capture')</script>"
    f"<img id=\"hostile-img\" src=\"x\" onerror=\"{_mark('capture-img')}\">"
    f"<a id=\"hostile-link\" href=\"javascript:{_mark('capture-link')}\">harbour office</a>"
    "<iframe src=\"javascript:parent.__pwned='capture-frame'\"></iframe>"
)
HOSTILE_PATH = "/article/javascript:alert('url')-%22%3E%3Cscript%3Ewindow.__pwned=1%3C%2Fscript%3E.html"


def hostile_article(outlet: Outlet, published) -> Article:
    """The hostile article of ``outlet``: real prose around the hostile lines, so it extracts as an article."""
    story = generate_story(random.Random("hostile"))
    paragraphs = [story.paragraphs[0], *HOSTILE_PARAGRAPHS, *story.paragraphs[1:]]
    return Article(
        outlet.url(HOSTILE_PATH),
        outlet.name,
        HOSTILE_TITLE,
        paragraphs,
        [HOSTILE_AUTHOR],
        published - timedelta(hours=1),
        published - timedelta(hours=1),
        outlet.sections[0][1],
        story.description,
        unsafe_html=UNSAFE_HTML,
    )
