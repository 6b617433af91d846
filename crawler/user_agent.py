"""The crawler's User-Agent, naming its operator: built from ``NEWSARCHIVE_CONTACT`` when a run starts.

``USER_AGENT_TEMPLATE`` (default in :mod:`crawler.settings`) says how; its
``{contact}`` is ``NEWSARCHIVE_CONTACT``, so ``-s NEWSARCHIVE_CONTACT=ops@example.org``
is enough to identify a run. A ``USER_AGENT`` given on the command line
(``-s USER_AGENT=…``) wins. The :class:`OperatorUserAgent` add-on
(``ADDONS`` in :mod:`crawler.settings`) does this before any component reads it.
"""

from __future__ import annotations

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from crawler import settings as defaults


def user_agent(settings: BaseSettings) -> str:
    """The User-Agent of a run with ``settings``."""
    template = settings.get("USER_AGENT_TEMPLATE", defaults.USER_AGENT_TEMPLATE)
    return template.format(contact=settings.get("NEWSARCHIVE_CONTACT", defaults.NEWSARCHIVE_CONTACT))


class OperatorUserAgent:
    """Add-on: sets ``USER_AGENT`` from the template unless it was given on the command line."""

    def update_settings(self, settings: BaseSettings) -> None:
        if (settings.getpriority("USER_AGENT") or 0) < SETTINGS_PRIORITIES["cmdline"]:
            settings.set("USER_AGENT", user_agent(settings), priority="project")
