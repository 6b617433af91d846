"""A live blog's posts: each post's text, time and author, from JSON-LD or a recognisable post list.

A page is a live blog when its JSON-LD declares a ``LiveBlogPosting`` with
``liveBlogUpdate`` entries, or when it holds a list of posts the way live-blog
software marks them up: elements with a ``data-post-id`` (or an ``id`` of
``post-…``/``update-…``) that carry a ``<time datetime>``. The list wins when
it holds more posts than the JSON-LD (a rendered page whose "load more"
buttons were clicked holds older posts than its JSON-LD names). A post keeps
its id, so a later version can tell added, edited and deleted posts apart
(:mod:`storage.versions.posts`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

_SPACE = re.compile(r"\s+")
_POST_XPATH = ("//*[@data-post-id or starts-with(@id, 'post-') or starts-with(@id, 'update-')]"
               "[.//time[@datetime]]")
_AUTHOR_XPATH = (".//*[@rel='author' or @itemprop='author' or contains(concat(' ', normalize-space(@class), ' '),"
                 " ' author ') or contains(concat(' ', normalize-space(@class), ' '), ' byline ')]")
MAX_POSTS = 2000


def live_posts(tree: Any, objects: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """The page's posts, newest first as the page lists them; ``[]`` when it is no live blog."""
    declared = _json_ld_posts(objects)
    listed = _listed_posts(tree)
    return (listed if len(listed) > len(declared) else declared)[:MAX_POSTS]


def post_paragraph(post: dict[str, str]) -> str:
    """A post as one paragraph of the version's text: ``[TIME · AUTHOR] text``."""
    head = " · ".join(part for part in (post.get("time"), post.get("author")) if part)
    return f"[{head}] {post['text']}" if head else post["text"]


def _json_ld_posts(objects: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    for node in objects:
        kinds = node.get("@type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "LiveBlogPosting" not in kinds:
            continue
        updates = node.get("liveBlogUpdate") or []
        updates = updates if isinstance(updates, list) else [updates]
        posts = [post for post in map(_json_ld_post, updates) if post is not None]
        if posts:
            return posts
    return []


def _json_ld_post(update: Any) -> dict[str, str] | None:
    if not isinstance(update, dict):
        return None
    text = _clean(str(update.get("articleBody") or update.get("text") or update.get("headline") or ""))
    if not text:
        return None
    time = str(update.get("datePublished") or "")
    author = _author_name(update.get("author"))
    key = str(update.get("@id") or update.get("url") or "") or _key(time, text)
    return {"id": key, "time": time, "author": author, "text": text}


def _author_name(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(filter(None, (_author_name(item) for item in value)))
    if isinstance(value, dict):
        return _clean(str(value.get("name") or ""))
    return _clean(str(value or ""))


def _listed_posts(tree: Any) -> list[dict[str, str]]:
    if tree is None:
        return []
    posts, seen = [], set()
    for node in tree.xpath(_POST_XPATH):
        if any(parent in seen for parent in node.iterancestors()):
            continue  # a post inside a post is part of it
        seen.add(node)
        time = node.xpath(".//time[@datetime]/@datetime")[0].strip()
        authors = node.xpath(_AUTHOR_XPATH)
        author = _clean(authors[0].text_content()) if authors else ""
        text = _clean(" ".join(_body_parts(node)))
        if text:
            key = node.get("data-post-id") or node.get("id") or _key(time, text)
            posts.append({"id": key, "time": time, "author": author, "text": text})
    return posts


def _body_parts(node: Any) -> list[str]:
    """The post's text without its time and author lines."""
    skip = set(node.xpath(".//time")) | set(node.xpath(_AUTHOR_XPATH))
    paragraphs = node.xpath(".//p | .//blockquote")
    if not paragraphs:
        text = node.text_content()
        for element in skip:
            text = text.replace(element.text_content(), " ", 1)
        return [text]
    return [p.text_content() for p in paragraphs
            if p not in skip and not any(parent in skip for parent in p.iterancestors())]


def _key(time: str, text: str) -> str:
    return "sha1:" + hashlib.sha1(f"{time}\n{text[:200]}".encode()).hexdigest()[:16]


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
