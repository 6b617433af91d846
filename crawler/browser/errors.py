"""Why a rendered fetch failed: one page, one line (``errors/browser_<kind>``), never the crawl."""


class RenderFailed(Exception):
    """A page the browser could not render within its bounds; ``kind`` names why (``timeout``, ``crash``, …)."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
