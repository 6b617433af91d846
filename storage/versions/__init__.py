"""Article versions: what makes a new one (``rules``, ``changes``, ``normalize``), what a reader
sees as the difference (``diffing``, ``history``), an article gone, moved or walled off (``removals``),
the write path that turns each capture into rows (``recorder``, fed ``captures.CaptureInput``), when
each article is re-checked for its next version (``recheck``), finding a page by a pasted URL
(``lookup``), and the read side's listings (``results``, ``activity``, ``capture_log``).
"""
