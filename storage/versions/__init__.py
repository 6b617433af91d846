"""Article versions: what makes a new one (``rules``, ``changes``, ``normalize``), what a reader
sees as the difference (``diffing``, ``history``), an article gone, moved or walled off (``removals``),
and the write path that turns each capture into rows (``recorder``, fed ``captures.CaptureInput``).
"""
