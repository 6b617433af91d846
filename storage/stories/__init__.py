"""Stories: copies of one article across pages and outlets.

A text is cut into words, sentences and anchors (``text``), fingerprinted into MinHash band keys
(``fingerprint``), compared with candidates (``compare``), joined to a story whose origin is
re-elected (``origin``) by the one matcher (``matcher``), and read back (``results``).
``standalone`` runs the same matcher on texts alone, for tests and benchmarks.
"""

MIN_OUTLETS = 2
"""A story is listed (``newsarchive stories``, ``/stories``) when it spans at least this many outlets by default."""
