"""``make demo`` / ``python -m demo``: newsarchive offline, on the simulated news web.

It serves the simulated web (``tests/newsweb``, on 127.0.0.1), crawls it twice
with a round of edits between the crawls (so some articles have two versions,
one is removed and one moves), then opens the reading room on the archive.
The simulated web stays in ``tests/`` because most tests build on it; the
demo runs from a clone, where it is.
"""
