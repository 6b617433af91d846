"""A small evolving news web in many languages: one outlet per language of ``languages.STORIES``.

Served like the main simulated web (proxy-style: ``http_proxy`` at
:attr:`PolyglotWeb.proxy_url`, hosts ``www.<language>.polyglot.test``). Each
outlet's home page links its story; the story page is rendered afresh on every
request in the current :attr:`PolyglotWeb.round`:

1. as published;
2. with clutter inside the article, right after a paragraph (a stamp, a
   read-also line with another headline, a view counter), new values every
   request;
3. with fresh clutter, the story's real edit and its note appended.
"""

from __future__ import annotations

import random
import threading
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from tests.newsweb.languages import STORIES, Story, clutter, edited, page

PUBLISHED, CLUTTERED, EDITED = 1, 2, 3
PATH = "/news/2024/05/01/story.html"


def host(language: str) -> str:
    return f"www.{language}.polyglot.test"


def article_url(language: str) -> str:
    return f"http://{host(language)}{PATH}"


class PolyglotWeb:
    """The outlets, their current round, and the server; a context manager."""

    def __init__(self, languages: list[str] | None = None, seed: int = 0) -> None:
        self.stories = {code: STORIES[code] for code in (languages or sorted(STORIES))}
        self.round = PUBLISHED
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def seed_toml(self) -> str:
        blocks = []
        for code in self.stories:
            blocks.append(f'[[outlet]]\nname = "polyglot-{code}"\ndomains = ["{host(code)}"]\n'
                          f'start_urls = ["http://{host(code)}/"]\narticle_pattern = \'/news/\'\n')
        return "\n".join(blocks)

    def html(self, language: str, path: str) -> str | None:
        story = self.stories.get(language)
        if story is None:
            return None
        if path == "/":
            return _home(story)
        if path != PATH:
            return None
        if self.round == PUBLISHED:
            return _article(story, story.paragraphs, [])
        with self._lock:  # one generator for every request thread
            lines = clutter(story, self._rng)
            after = self._rng.randint(1, len(story.paragraphs) - 1)
        if self.round == CLUTTERED:
            return _article(story, story.paragraphs, lines, after)
        return _article(story, (*edited(story), story.note), lines, after)

    @property
    def proxy_url(self) -> str:
        assert self._server is not None, "not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> PolyglotWeb:
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                name = parts.hostname or (self.headers.get("Host") or "").split(":")[0]
                language = name.split(".")[1] if name.count(".") >= 2 else ""
                html = web.html(language, parts.path or "/")
                body = (html or "<html><body><h1>Not found</h1></body></html>").encode("utf-8")
                self.send_response(200 if html is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, name="polyglot", daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _home(story: Story) -> str:
    links = f'<li><a href="{PATH}">{escape(story.title)}</a></li>'
    links += "".join(f"<li>{escape(h)}</li>" for h in story.headlines)
    return (f'<!DOCTYPE html><html lang="{story.language}"><head><meta charset="utf-8"><title>Home</title></head>'
            f"<body><main><ul>{links}</ul></main></body></html>")


def _article(story: Story, paragraphs: tuple[str, ...], lines: list[str], after: int = 1) -> str:
    meta = ('<meta property="og:type" content="article">'
            '<meta property="article:published_time" content="2024-05-01T08:00:00Z">')
    return page(story, paragraphs, lines, after).replace("</head>", meta + "</head>", 1)
