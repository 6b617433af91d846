"""What a live blog's new version changed, post by post: "3 new posts, 1 edited, 1 deleted".

Posts are matched by the id the page gives them (:mod:`extract.liveblog`); a
post whose text or author changed under the same id is edited. A deleted or
edited post stays in the older versions, as paragraphs do.
"""

from __future__ import annotations

from typing import Any


def post_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and ids of the posts ``after`` added, edited and deleted against ``before``."""
    old = {post["id"]: post for post in before}
    new = {post["id"]: post for post in after}
    added = [key for key in new if key not in old]
    deleted = [key for key in old if key not in new]
    edited = [key for key in new if key in old and _content(new[key]) != _content(old[key])]
    return {"added": len(added), "edited": len(edited), "deleted": len(deleted),
            "added_ids": added, "edited_ids": edited, "deleted_ids": deleted}


def posts_words(changes: dict[str, Any]) -> str:
    """``3 new posts, 1 edited, 1 deleted`` (the parts that are not zero)."""
    parts = []
    if changes.get("added"):
        parts.append(f"{changes['added']} new post{'s' if changes['added'] != 1 else ''}")
    if changes.get("edited"):
        parts.append(f"{changes['edited']} edited")
    if changes.get("deleted"):
        parts.append(f"{changes['deleted']} deleted")
    return ", ".join(parts)


def _content(post: dict[str, Any]) -> tuple[str, str]:
    return " ".join(str(post.get("text", "")).split()), str(post.get("author", ""))
