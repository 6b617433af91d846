"""Settings given with ``-s NAME=VALUE``, checked before the crawl starts.

A number or switch that does not parse is a mistake in the command, refused in
one line (exit 2) rather than a traceback from whichever component reads it
first. A name that is not a setting but is close to one (``ARCHIV_DIR``) is
most likely a typo that would silently crawl with the default: it is warned
about, with the closest real name.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings
from scrapy.settings import default_settings as scrapy_defaults

from crawler import settings as project_defaults

OUR_PREFIXES = ("ARCHIVE_", "NEWSARCHIVE_", "WARC_", "RECHECK_", "EXTRACT_", "ALERTS_", "BOILERPLATE_")
# Read by scrapy-redis (crawler/distributed/), not declared in either defaults module.
OTHER_KNOWN = {"SCHEDULER_PERSIST", "SCHEDULER_FLUSH_ON_START", "SCHEDULER_IDLE_BEFORE_CLOSE", "DUPEFILTER_DEBUG"}


def typed_defaults() -> dict[str, type]:
    """Every known setting whose default is a bool, a whole number or a number, with that type.

    Scrapy reads some settings with whole-number defaults as floats
    (``CLOSESPIDER_TIMEOUT``), so only our own whole-number settings must be whole.
    """
    found: dict[str, type] = {}
    ours = set(vars(project_defaults)) - set(vars(scrapy_defaults))
    for module in (scrapy_defaults, project_defaults):
        for name, value in _uppercase(module):
            if isinstance(value, bool):
                found[name] = bool
            elif isinstance(value, int) and name in ours:
                found[name] = int
            elif isinstance(value, (int, float)):
                found[name] = float
    return found


def bad_setting(settings: BaseSettings) -> str | None:
    """The one-line error for the first given setting whose value does not parse, or None."""
    getters = {bool: (settings.getbool, "true or false"), int: (settings.getint, "a whole number"),
               float: (settings.getfloat, "a number")}
    for name, kind in typed_defaults().items():
        if name not in settings or settings.get(name) is None:
            continue
        getter, expected = getters[kind]
        try:
            getter(name)
        except (TypeError, ValueError):
            return f"-s {name}={settings.get(name)}: expected {expected}"
    return None


def unknown_settings(settings: BaseSettings) -> Iterator[str]:
    """A warning line for each setting given on the command line that no component reads."""
    known = {name for module in (scrapy_defaults, project_defaults) for name, _ in _uppercase(module)} | OTHER_KNOWN
    cmdline = SETTINGS_PRIORITIES["cmdline"]
    for name in settings:
        if name in known or settings.getpriority(name) != cmdline:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.8)
        if close:
            yield f"-s {name} is not a setting: did you mean {close[0]}? It is ignored"
        elif name.startswith(OUR_PREFIXES):
            yield f"-s {name} is not a setting of newsarchive (crawler/settings.py lists them): it is ignored"


def _uppercase(module: ModuleType) -> Iterator[tuple[str, Any]]:
    return ((name, getattr(module, name)) for name in dir(module) if name.isupper())
