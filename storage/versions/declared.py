"""Did the outlet declare a change, or make it in silence (a *stealth edit*)?

A change is declared when the page says it was changed: its modified date
moved forward, a correction, clarification or update note came with it, or a
visible "updated" stamp (an absolute one: "Last updated: 11:05", "Updated 12
May 2024") now reads differently. A relative stamp ("updated 5 minutes ago")
moves on every capture, edit or none, so it declares nothing. Every other
change of a version's text or title is a stealth edit. The verdict rides in
the version's change summary: ``declared`` (true or false) and
``declared_by`` (``modified``, ``note``, ``stamp``).
"""

from __future__ import annotations

from typing import Any

from storage.db.times import utc
from storage.versions.diffing import split_paragraphs
from storage.versions.normalize import normalize_text

# Words that make a short line an "updated" stamp, and those that make one relative (it moves by itself).
STAMP_WORDS = ("updated", "last modified", "modified", "edited", "aktualisiert", "mis à jour", "actualizado",
               "aggiornato", "atualizado", "bijgewerkt", "zaktualizowano", "обновлено", "güncellendi", "更新",
               "업데이트", "수정")
RELATIVE_WORDS = ("ago", "just now", "vor ", "il y a", "hace ", " fa", "há ", "geleden", "temu", "назад", "önce",
                  "前", "전")
STAMP_LINE = 80  # characters: a stamp is a short line of its own


def declaration(before: Any, after: Any, summary: dict[str, Any]) -> dict[str, Any]:
    """``{"declared": bool, "declared_by": [...]}`` for the change from ``before`` to ``after``.

    ``before`` and ``after`` have ``text`` and ``modified``; ``summary`` is the
    change's summary (:func:`storage.versions.changes.summarize`), whose notes it reads.
    """
    reasons = []
    if after.modified is not None and (before.modified is None or utc(after.modified) > utc(before.modified)):
        reasons.append("modified")
    if summary.get("notes"):
        reasons.append("note")
    if stamps(after.text) - stamps(before.text):
        reasons.append("stamp")
    return {"declared": bool(reasons), "declared_by": reasons}


def stamps(text: str | None) -> set[str]:
    """The absolute "updated" stamps of ``text``: short lines with a stamp word and no relative time."""
    found = set()
    for line in split_paragraphs(text):
        folded = line.casefold()
        if len(line) <= STAMP_LINE and any(word in folded for word in STAMP_WORDS) \
                and not any(word in folded for word in RELATIVE_WORDS):
            found.add(normalize_text(line))
    return found


def is_stealth(summary: dict[str, Any] | None) -> bool:
    """Whether a version's change summary says it is an undeclared change."""
    return bool(summary) and summary.get("declared") is False


def edit_word(summary: dict[str, Any] | None) -> str:
    """"stealth", "declared (modified, note)" or "" (a first version, a removal, or one recorded before this)."""
    if not summary or "declared" not in summary:
        return ""
    if not summary["declared"]:
        return "stealth"
    return f"declared ({', '.join(summary.get('declared_by') or [])})"
