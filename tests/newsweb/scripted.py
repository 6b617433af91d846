"""Outlets whose pages need JavaScript (issue 38), served like the rest of the news web: a proxy-style server on 127.0.0.1.

* ``apitext.example``: an article page is a shell that declares itself an
  article (JSON-LD ``NewsArticle``, ``og:type``) and shows only a teaser; its
  script fetches the text from ``/api/story/SLUG.json`` (gzipped, as most
  servers send JSON) and writes it into the page.
* ``spa.example``: a single-page app. Every path answers the same shell; the
  script reads ``location.pathname``, draws the front page's links from
  ``/api/index.json`` or an article from ``/api/news/SLUG.json``, and follows
  links with ``history.pushState`` (client-side routing).
* ``plain.example``: an ordinary outlet, its text in its HTML (it never needs the browser).
* ``nihon.example``: an ordinary Japanese outlet running a script, whose one article is a complete brief
  of fewer characters than an English teaser threshold counts: it never needs the browser either.
* ``liveblog.example``: ``/live/storm`` is a live blog (JSON-LD
  ``LiveBlogPosting``) whose script shows the newest three posts from
  ``/api/live/storm?page=N`` and a "Load more" button for each older page;
  :meth:`ScriptedWeb.post`, :meth:`ScriptedWeb.edit_post` and
  :meth:`ScriptedWeb.delete_post` change it between crawls.
* ``leaky.rebind.test``: a page whose image and script lie on another
  address, :attr:`ScriptedWeb.leak_to` (a :class:`Listener` on a second
  loopback address, counting every request that reaches it): a private address
  a browser must never be led to.
* ``hang.example``: ``/story/poll`` polls ``/api/tick`` for ever (the network
  never falls quiet; its text is there after the first answer);
  ``/story/loop`` runs a script that never returns; ``/story/oom`` one that
  takes more memory than a renderer is allowed.

Text is edited between crawls with :meth:`ScriptedWeb.edit`.
"""

from __future__ import annotations

import gzip
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import random

from tests.newsweb.prose import generate_story

# A complete news brief in Japanese (written for these tests): 228 characters, under 400.
JAPANESE_TITLE = "港大橋の建て替え、市議会が賛成多数で可決"
JAPANESE_BRIEF = [
    "市議会は十二日、老朽化が進む港大橋の建て替え計画を賛成多数で可決した。工事は来年春に始まり、完成までおよそ四年かかる見通しだ。",
    "計画では、現在の二車線を四車線に広げ、歩行者と自転車のための専用道も設ける。総事業費は約百八十億円で、国の補助金を充てる。",
    "工事の間は仮設の橋で通行を確保する。漁業関係者からは船の出入りへの影響を心配する声も上がっており、市は説明会を重ねる方針だ。",
    "市長は記者会見で「市民の安全を守るために欠かせない事業だ。丁寧に進めたい」と述べた。",
]
SHELL_STYLE = "body{font-family:sans-serif;max-width:46em;margin:2em auto}h1{color:#123}"
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cfc0000003010100c9fe92ef0000000049454e44ae426082")


def paragraphs_for(key: str, count: int) -> list[str]:
    """``count`` paragraphs of news prose, the same for the same ``key``."""
    rng = random.Random(key)
    found: list[str] = []
    while len(found) < count:
        found += [text for text in generate_story(rng).paragraphs if len(text) > 80]
    return found[:count]


@dataclass
class Story:
    slug: str
    title: str
    paragraphs: list[str]


@dataclass
class ScriptedWeb:
    """The scripted outlets' state and server; ``with ScriptedWeb() as web:`` serves them on a free port."""

    stories: dict[str, dict[str, Story]] = field(default_factory=dict)  # host → slug → story
    hits: list[str] = field(default_factory=list)  # every URL asked for, in order

    articles: int = 2  # per outlet
    leak_to: str = "http://127.0.0.2:9"  # where leaky.rebind.test's page sends its image and script requests

    def __post_init__(self) -> None:
        for host, prefix in (("apitext.example", "api"), ("spa.example", "spa"), ("plain.example", "plain")):
            self.stories[host] = {}
            for number in range(self.articles):
                slug = f"{prefix}-story-{number + 1}"
                self.stories[host][slug] = Story(slug, f"{prefix.upper()} story {number + 1}: the harbour bridge "
                                                 f"vote", paragraphs_for(f"{host}/{slug}", 5))
        self.stories["nihon.example"] = {"minato-bridge": Story("minato-bridge", JAPANESE_TITLE, JAPANESE_BRIEF)}
        self.stories["hang.example"] = {"poll": Story("poll", "The council meets again tonight",
                                                      paragraphs_for("hang.example/poll", 4))}
        rng = random.Random("liveblog")
        self.posts: list[dict[str, str]] = []  # newest first
        for number in range(7, 0, -1):
            self.posts.append({"id": f"post-{number}", "time": f"2026-12-01T{8 + number:02d}:00:00Z",
                               "author": rng.choice(["Ann Lee", "Bo Chan", "Cy Moss"]),
                               "text": paragraphs_for(f"liveblog/{number}", 1)[0]})
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    # -- control --------------------------------------------------------------

    def __enter__(self) -> ScriptedWeb:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.web = self  # type: ignore[attr-defined]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def proxy_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def seed_toml(self, render: dict[str, str] | None = None, only: tuple[str, ...] | None = None,
                  screenshots: dict[str, str] | None = None) -> str:
        """Seed entries for the outlets (``only`` these); ``render`` and ``screenshots`` give an outlet's
        ``render`` and ``screenshots`` (default: none)."""
        render, screenshots = render or {}, screenshots or {}
        entries = [("apitext", "apitext.example", "/story/"), ("spa", "spa.example", "/news/"),
                   ("hang", "hang.example", "/story/"), ("plain", "plain.example", "/story/"),
                   ("liveblog", "liveblog.example", "/live/"), ("nihon", "nihon.example", "/story/")]
        lines = []
        for name, host, pattern in entries:
            if only is not None and name not in only:
                continue
            lines += ["[[outlet]]", f'name = "{name}"', f'domains = ["{host}"]', f'start_urls = ["http://{host}/"]',
                      f"article_pattern = '{pattern}'"]
            if name in render:
                lines.append(f'render = "{render[name]}"')
            if name in screenshots:
                lines.append(f'screenshots = "{screenshots[name]}"')
            lines.append("")
        return "\n".join(lines)

    def story(self, host: str, slug: str) -> Story:
        return self.stories[host][slug]

    def url(self, host: str, slug: str) -> str:
        return f"http://{host}{'/news/' if host == 'spa.example' else '/story/'}{slug}"

    def post(self, number: int, author: str, text: str) -> None:
        """A new post on top of the live blog."""
        with self._lock:
            self.posts.insert(0, {"id": f"post-{number}", "time": f"2026-12-01T{8 + number:02d}:00:00Z",
                                  "author": author, "text": text})

    def edit_post(self, post_id: str, text: str) -> None:
        with self._lock:
            next(post for post in self.posts if post["id"] == post_id)["text"] = text

    def delete_post(self, post_id: str) -> None:
        with self._lock:
            self.posts = [post for post in self.posts if post["id"] != post_id]

    def edit(self, host: str, slug: str, append: str) -> None:
        with self._lock:
            self.stories[host][slug].paragraphs.append(append)

    # -- pages ----------------------------------------------------------------

    def answer(self, host: str, path: str) -> tuple[int, str, bytes, bool]:
        """(status, content type, body, gzip it) for ``host`` and ``path``."""
        self.hits.append(f"http://{host}{path}")
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n", False
        if path == "/static/pic.png":
            return 200, "image/png", PNG_1PX, False
        with self._lock:
            if host == "apitext.example":
                return self._apitext(path)
            if host == "spa.example":
                return self._spa(path)
            if host == "hang.example":
                return self._hang(path)
            if host == "plain.example":
                return self._plain(path)
            if host == "nihon.example":
                return self._plain(path, host, lang="ja")
            if host == "liveblog.example":
                return self._liveblog(path)
            if host == "leaky.rebind.test" and path == "/":
                return self._leaky()
        return 404, "text/plain", b"no such host\n", False

    def _leaky(self) -> tuple[int, str, bytes, bool]:
        text = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs_for("leaky", 3))
        return _html(f'<html><head><title>Leaky</title><script src="{self.leak_to}/track.js"></script></head>'
                     f'<body><article><h1>The page that calls home</h1>{text}'
                     f'<img src="{self.leak_to}/pixel.png" alt=""></article></body></html>')

    def _apitext(self, path: str) -> tuple[int, str, bytes, bool]:
        stories = self.stories["apitext.example"]
        if path == "/":
            links = "".join(f'<li><a href="/story/{slug}">{story.title}</a></li>' for slug, story in stories.items())
            return _html(f"<html><head><title>API Text</title></head><body><h1>API Text</h1><ul>{links}</ul>"
                         "</body></html>")
        if path.startswith("/api/story/") and path.endswith(".json"):
            story = stories.get(path.removeprefix("/api/story/").removesuffix(".json"))
            if story is None:
                return 404, "application/json", b"{}", False
            return 200, "application/json", json.dumps({"paragraphs": story.paragraphs}).encode(), True
        if path == "/static/story.js":
            return 200, "application/javascript", STORY_JS.encode(), True
        story = stories.get(path.removeprefix("/story/"))
        if story is None:
            return 404, "text/html", b"<html><body>not found</body></html>", False
        return _html(_article_shell(story, "apitext.example", "/static/story.js", teaser=story.paragraphs[0][:80]))

    def _spa(self, path: str) -> tuple[int, str, bytes, bool]:
        stories = self.stories["spa.example"]
        if path == "/api/index.json":
            return 200, "application/json", json.dumps(
                [{"slug": slug, "title": story.title} for slug, story in stories.items()]).encode(), True
        if path.startswith("/api/news/"):
            story = stories.get(path.removeprefix("/api/news/").removesuffix(".json"))
            if story is None:
                return 404, "application/json", b"{}", False
            return 200, "application/json", json.dumps({"title": story.title,
                                                        "paragraphs": story.paragraphs}).encode(), True
        if path == "/static/app.js":
            return 200, "application/javascript", SPA_JS.encode(), True
        return _html("<!doctype html><html><head><title>SPA News</title>"
                     f"<style>{SHELL_STYLE}</style><script src=\"/static/app.js\" defer></script></head>"
                     "<body><div id=\"app\">Loading…</div></body></html>")

    def _liveblog(self, path: str) -> tuple[int, str, bytes, bool]:
        if path == "/":
            return _html('<html><head><title>Live</title></head><body><a href="/live/storm">Storm live</a>'
                         "</body></html>")
        if path.startswith("/api/live/storm"):
            page = int(path.rsplit("page=", 1)[-1]) if "page=" in path else 1
            chunk = self.posts[(page - 1) * LIVE_PAGE:page * LIVE_PAGE]
            more = len(self.posts) > page * LIVE_PAGE
            return 200, "application/json", json.dumps({"posts": chunk, "more": more}).encode(), True
        if path == "/static/live.js":
            return 200, "application/javascript", LIVE_JS.encode(), True
        if path != "/live/storm":
            return 404, "text/html", b"<html><body>not found</body></html>", False
        ld = json.dumps({"@context": "https://schema.org", "@type": "LiveBlogPosting",
                         "headline": "Storm live: the coast braces for the worst",
                         "coverageStartTime": "2026-12-01T08:00:00Z"})
        return _html("<!doctype html><html><head><title>Storm live: the coast braces for the worst</title>"
                     f'<meta property="og:type" content="article"><script type="application/ld+json">{ld}</script>'
                     f"<style>{SHELL_STYLE}</style></head><body><h1>Storm live: the coast braces for the worst</h1>"
                     '<div class="live" id="posts"></div><button id="more" hidden>Load more</button>'
                     '<script src="/static/live.js"></script></body></html>')

    def _plain(self, path: str, host: str = "plain.example", lang: str = "en") -> tuple[int, str, bytes, bool]:
        stories = self.stories[host]
        if path == "/":
            links = "".join(f'<li><a href="/story/{slug}">{story.title}</a></li>' for slug, story in stories.items())
            return _html(f"<html lang='{lang}'><head><title>Plain</title></head><body><ul>{links}</ul></body></html>")
        story = stories.get(path.removeprefix("/story/"))
        if story is None:
            return 404, "text/html", b"<html><body>not found</body></html>", False
        text = "".join(f"<p>{paragraph}</p>" for paragraph in story.paragraphs)
        return _html(f'<html lang="{lang}"><head><title>{story.title}</title><meta property="og:type" content="article">'
                     f'<script>window.analytics = [];</script></head><body><article><h1>{story.title}</h1>'
                     f'{text}</article></body></html>')

    def _hang(self, path: str) -> tuple[int, str, bytes, bool]:
        story = self.stories["hang.example"]["poll"]
        if path == "/":
            return _html("<html><head><title>Hang</title></head><body><ul><li><a href=\"/story/poll\">Poll</a></li>"
                         "<li><a href=\"/story/loop\">Loop</a></li><li><a href=\"/story/oom\">Memory</a></li>"
                         "</ul></body></html>")
        if path.startswith("/api/tick"):
            return 200, "application/json", json.dumps({"paragraphs": story.paragraphs}).encode(), False
        if path == "/static/poll.js":
            return 200, "application/javascript", POLL_JS.encode(), False
        if path == "/story/poll":
            return _html(_article_shell(story, "hang.example", "/static/poll.js", teaser=""))
        if path == "/story/oom":  # more memory than BROWSER_JS_HEAP_MB allows: the tab crashes
            return _html("<html><head><title>Memory</title></head><body><p>Before the leak.</p><script>"
                         "const kept = []; for (;;) { kept.push(new Array(1e6).fill(kept.length)); }"
                         "</script></body></html>")
        if path == "/story/loop":
            return _html("<html><head><title>Loop</title></head><body><p>Before the loop.</p>"
                         "<script>for(;;){}</script><p>Never reached.</p></body></html>")
        return 404, "text/html", b"<html><body>not found</body></html>", False


def _html(text: str) -> tuple[int, str, bytes, bool]:
    return 200, "text/html; charset=utf-8", text.encode("utf-8"), True


def _article_shell(story: Story, host: str, script: str, teaser: str) -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": story.title,
                     "datePublished": "2026-11-30T08:00:00Z", "author": {"@type": "Person", "name": "R. Writer"}})
    return (f"<!doctype html><html><head><title>{story.title}</title>"
            f'<meta property="og:type" content="article"><meta property="og:title" content="{story.title}">'
            f'<script type="application/ld+json">{ld}</script><style>{SHELL_STYLE}</style></head>'
            f'<body><article><h1>{story.title}</h1><img src="/static/pic.png" alt="">'
            f'<div id="body" data-slug="{story.slug}"><p>{teaser}</p></div></article>'
            f'<script src="{script}"></script></body></html>')


STORY_JS = """
(async function () {
  const box = document.getElementById('body');
  const reply = await fetch('/api/story/' + box.dataset.slug + '.json');
  const story = await reply.json();
  box.innerHTML = '';
  for (const text of story.paragraphs) { const p = document.createElement('p'); p.textContent = text; box.appendChild(p); }
})();
"""

LIVE_PAGE = 3  # posts per page of the live blog's API

LIVE_JS = """
let page = 0;
const list = document.getElementById('posts');
const more = document.getElementById('more');
async function load() {
  page += 1;
  const reply = await (await fetch('/api/live/storm?page=' + page)).json();
  for (const post of reply.posts) {
    const item = document.createElement('article'); item.className = 'post'; item.dataset.postId = post.id;
    const time = document.createElement('time'); time.setAttribute('datetime', post.time); time.textContent = post.time.slice(11, 16);
    const author = document.createElement('span'); author.className = 'author'; author.textContent = post.author;
    const text = document.createElement('p'); text.textContent = post.text;
    item.append(time, author, text); list.appendChild(item);
  }
  more.hidden = !reply.more;
}
more.addEventListener('click', load);
load();
"""

SPA_JS = """
async function draw() {
  const app = document.getElementById('app');
  const path = location.pathname;
  if (path.startsWith('/news/')) {
    const slug = path.slice('/news/'.length);
    const story = await (await fetch('/api/news/' + slug + '.json')).json();
    document.title = story.title;
    app.innerHTML = '<article><h1></h1><div class="text"></div></article><p><a href="/" data-route>Home</a></p>';
    app.querySelector('h1').textContent = story.title;
    for (const text of story.paragraphs) {
      const p = document.createElement('p'); p.textContent = text; app.querySelector('.text').appendChild(p);
    }
    return;
  }
  const index = await (await fetch('/api/index.json')).json();
  app.innerHTML = '<h1>SPA News</h1><ul></ul>';
  for (const item of index) {
    const li = document.createElement('li'); const a = document.createElement('a');
    a.href = '/news/' + item.slug; a.textContent = item.title; a.dataset.route = '';
    li.appendChild(a); app.querySelector('ul').appendChild(li);
  }
}
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-route]');
  if (!link) return;
  event.preventDefault(); history.pushState({}, '', link.href); draw();
});
window.addEventListener('popstate', draw);
draw();
"""

POLL_JS = """
const box = document.getElementById('body');
async function tick() {
  const story = await (await fetch('/api/tick?' + Date.now())).json();
  box.innerHTML = '';
  for (const text of story.paragraphs) { const p = document.createElement('p'); p.textContent = text; box.appendChild(p); }
}
tick(); setInterval(tick, 200);
"""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ScriptedWeb/1.0"

    def do_GET(self) -> None:
        if self.path.startswith("http://"):
            parts = urlsplit(self.path)
            host, path = (parts.hostname or "").lower(), (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        else:
            host, path = (self.headers.get("Host") or "").split(":")[0].lower(), self.path
        status, content_type, body, compressible = self.server.web.answer(host, path)  # type: ignore[attr-defined]
        headers = [("Content-Type", content_type), ("Cache-Control", "no-store")]
        if compressible and "gzip" in (self.headers.get("Accept-Encoding") or ""):
            body = gzip.compress(body, mtime=0)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class Listener:
    """A server on ``address`` (a loopback alias such as 127.0.0.2) that answers 204 and records every path asked."""

    def __init__(self, address: str) -> None:
        self.hits: list[str] = []
        self._server = ThreadingHTTPServer((address, 0), _Counting)
        self._server.daemon_threads = True
        self._server.hits = self.hits  # type: ignore[attr-defined]

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Listener:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class _Counting(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.server.hits.append(self.path)  # type: ignore[attr-defined]
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass
