"""The phrase tables (:mod:`storage.versions.phrases`) compiled into the rules version comparison uses.

- :func:`is_meta_line`: a short line that is only a stamp, a counter or a
  read-also line, in any language of the tables ("Aktualisiert vor 12 Minuten ·
  1.234 Mal gelesen", "あわせて読みたい：…"). Matched on the whole line, never
  inside prose.
- :func:`note_kind`: whether a paragraph is a correction, clarification,
  update or editor's note, in any language of the tables.
- :func:`counts_masked`: a short line with its numbers masked, so that a line
  whose only difference between two captures is a count or a relative time
  compares equal in any language. Prose (a sentence, or a long line) keeps its
  numbers: "3 dead" becoming "5 dead" there is an edit.
- :func:`cjk_joined`: spaces between two CJK characters dropped (they carry
  no meaning there, and extraction puts them in or leaves them out).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from storage.versions.normalize import CHINESE_JAPANESE, CJK
from storage.versions.phrases.counters import COUNTERS
from storage.versions.phrases.notes import KINDS, LABELS, PHRASES
from storage.versions.phrases.read_also import READ_ALSO
from storage.versions.phrases.stamps import ONE, STAMPS

_CJK_CHAR = re.compile(f"[{CJK}]")
_NUMBER = (r"(?:\d[\d.,'\u00a0\u202f ]*\d|\d)"
           r"(?:\s?(?:[kmb]|mio\.?|mil|tys\.?|тыс\.?|млн\.?|万|萬|千|億|亿|천|만|억)(?![^\W\d_]))?")
SHORT_LINE = 60  # characters: a line this short without a sentence's end is a label, not prose
_SENTENCE_END = tuple(".!?。！？।؟…\"'”’»")
LABEL_WORDS = 5  # a count's label is a few words ("Mal gelesen", "kali dibaca")
# Shares, prices, scores, dates, list items ("4. Stay hydrated"), addresses: not a count.
_NOT_A_COUNT = re.compile(r"[%‰$€£¥₹₽:@]|,\s|\d\s*[:/-]\s*\d|\d\.\d+\.\d|^\W*\d+[.)]\s")


def _phrase(text: str) -> str:
    """A table phrase as a pattern: a space is any whitespace or none (CJK writes without)."""
    return r"\s*".join(re.escape(word) for word in text.split())


def _bounded(text: str) -> str:
    """``text`` as a whole word, unless it is CJK (no spaces mark words there)."""
    if _CJK_CHAR.search(text):
        return _phrase(text)
    return r"(?<!\w)" + _phrase(text) + r"(?!\w)"


def _any(phrases: Iterable[str], form=_bounded) -> str:
    return "(?:" + "|".join(form(p) for p in sorted(set(phrases), key=len, reverse=True)) + ")"


def _unit(stem: str) -> str:
    return _phrase(stem) if _CJK_CHAR.search(stem) else _phrase(stem) + r"[^\W\d_]*\.?"


def _template(template: str, number: str, unit: str = "") -> str:
    parts = re.split(r"(\{n\}|\{unit\}|:|\s+)", template)
    out = []
    for part in parts:
        if part == "{n}":
            out.append(number)
        elif part == "{unit}":
            out.append(unit)
        elif part == ":":
            out.append(r"\s*[:：]?\s*")
        elif not part or part.isspace():
            out.append(r"[\s:：]*")  # "浏览量：1,234" as well as "浏览量 1,234"
        else:
            out.append(re.escape(part))
    return "".join(out)


# Numbers are masked as "0" before the stamp and counter rules run, so their patterns stay small.
_MASKED_NUMBER = re.compile(_NUMBER)
_ZERO = "(?<![0-9])0(?![0-9])"


def _relative_times() -> str:
    number = "(?:" + _ZERO + "|" + _any(ONE) + r")?\s*"
    forms = []
    for table in STAMPS.values():
        unit = "(?:" + "|".join(_unit(stem) for stem in sorted(table["units"], key=len, reverse=True)) + ")"
        forms += [_template(t, number, unit) for t in table["ago"]]
    nows = [now for table in STAMPS.values() for now in table["now"]]
    return "(?:" + "|".join(forms) + "|" + _any(nows) + ")"


@dataclass(frozen=True, slots=True)
class _Rules:
    relative: re.Pattern[str]
    lead: re.Pattern[str]
    stamp: re.Pattern[str]
    counter: re.Pattern[str]
    read_also: re.Pattern[str]
    note_label: re.Pattern[str]
    note_phrase: re.Pattern[str]


@functools.cache  # compiled on first use: the tables make big patterns (0.4 s), and most commands never compare
def _rules() -> _Rules:
    read_also_label = _any((label for table in READ_ALSO.values() for label in table), _phrase)
    relative = _relative_times()
    leads = _any(lead for t in STAMPS.values() for lead in t["leads"])
    glue = _any(glue for t in STAMPS.values() for glue in t["glue"])
    return _Rules(
        relative=re.compile(relative, re.IGNORECASE),
        lead=re.compile(leads, re.IGNORECASE),
        # matched on the whole part (anchored: searching every position with these alternatives is slow)
        stamp=re.compile(r"[\W_]*(?:(?:" + relative + "|" + leads + "|" + glue + r")[\W_]*)+", re.IGNORECASE),
        counter=re.compile("(?:" + "|".join(_template(t, _ZERO) for table in COUNTERS.values() for t in table) + ")",
                           re.IGNORECASE),
        read_also=re.compile(
            r"[^\w\[【(「《]{0,3}\s*(?:" + read_also_label + r"\s*(?:[:：|｜»>›→–—-]|\.\.\.|…)"
            r"|[\[【(「《]\s*" + read_also_label + r"\s*[\]】)」》])\s*\S.{0,200}",
            re.IGNORECASE),
        note_label=_note_labels(),
        note_phrase=_note_phrases(),
    )


_CLOCK_OR_DATE = re.compile(
    r"\d{1,4}[./-]\s?\d{1,2}[./-]\s?\d{2,4}\.?|(?:\d{4}\s?年\s?)?\d{1,2}\s?月\s?\d{1,2}\s?日|\d{4}년\s?\d{1,2}월\s?\d{1,2}일"
    r"|\d{1,2}[:.h時]\s?\d{2}(?:\s?(?:uhr|h|hrs|[ap]\.?m\.?|utc|gmt|cet|cest|mez|msk|分))?",
    re.IGNORECASE)
_PARTS = re.compile(r"\s+[|·•/]\s+|\s*[·•|｜]\s*")
_EDGE = "\"'“”‘’«»()[]【】「」*•·|:：-–—▶►■●👁 "


def _is_stamp(part: str) -> bool:
    """A relative time, or a lead ("updated") with a clock time or date, and nothing else but small words."""
    rules = _rules()
    timeless = _CLOCK_OR_DATE.sub(" ", part)
    masked = _MASKED_NUMBER.sub("0", timeless)
    if not rules.stamp.fullmatch(masked):
        return False
    return bool(rules.relative.search(masked) or (timeless != part and rules.lead.search(masked)))


def _is_counter(part: str) -> bool:
    return bool(_rules().counter.fullmatch(_MASKED_NUMBER.sub("0", part.strip(_EDGE))))


def is_meta_line(line: str) -> bool:
    """Whether the whole of ``line`` is a stamp, a counter or a read-also line (or several, "·"-separated)."""
    line = line.strip()
    if not line:
        return False
    if _rules().read_also.fullmatch(line):
        return True
    parts = [part for part in _PARTS.split(line) if part.strip(_EDGE)]
    return bool(parts) and all(_is_stamp(part) or _is_counter(part) for part in parts)


def _note_labels() -> re.Pattern[str]:
    def label(form: str) -> str:
        groups = []
        for kind in KINDS:
            labels = [label for table in LABELS.values() for label in table.get(kind, ())]
            groups.append(f"(?P<{_group(kind)}{form}>{_any(labels, _phrase)})")
        return "(?:" + "|".join(groups) + ")"

    return re.compile(
        r"[^\w\[【(「《]{0,3}\s*(?:[\[【(「《]\s*" + label("_bracketed") + r"\s*[\]】)」》]"
        r"|" + label("") + r"\s*(?:\(\s*[^)]{0,40}\))?\s*[:：—–-])",
        re.IGNORECASE)


def _note_phrases() -> re.Pattern[str]:
    groups = []
    for kind in KINDS:
        phrases = [p for table in PHRASES.values() for p in table.get(kind, ())]
        if phrases:
            groups.append(f"(?P<{_group(kind)}>{_any(phrases, _phrase)})")
    return re.compile("|".join(groups), re.IGNORECASE)


def _group(kind: str) -> str:
    return re.sub(r"\W", "_", kind)


NOTE_WINDOW = 200  # characters: a note says what it is in its first sentence


def note_kind(paragraph: str) -> str | None:
    """``paragraph``'s kind of note (correction, clarification, update, editor's note), or None."""
    rules = _rules()
    match = rules.note_label.match(paragraph) or rules.note_phrase.search(paragraph[:NOTE_WINDOW])
    if match is None:
        return None
    found = {name for name, value in match.groupdict().items() if value}
    return next(kind for kind in KINDS if found & {_group(kind), _group(kind) + "_bracketed"})


# A number standing alone, or next to Chinese or Japanese script ("12分前"): not a model name ("Solo3").
_STANDALONE_NUMBER = re.compile(f"(?<![^\\W{CHINESE_JAPANESE}]){_NUMBER}(?![^\\W{CHINESE_JAPANESE}])")


def counts_masked(line: str) -> str:
    """``line`` with its count as "#" when it is a short label line ("Imesomwa mara 1,234"); else unchanged.

    Only a label with one number, in each "·"-separated part: a row of a table
    ("3 Kevin Harvick 5033 4 6 15 26"), a score ("2:1"), a share ("54.3%") or
    a price stays as it is, and so does a sentence.
    """
    if len(line) > SHORT_LINE or line.endswith(_SENTENCE_END) or not any(ch.isdigit() for ch in line):
        return line
    return _PARTS.sub(" · ", " · ".join(map(_count_masked, _PARTS.split(line))))


def _count_masked(part: str) -> str:
    numbers = _MASKED_NUMBER.findall(part)
    if len(numbers) != 1 or len(part.split()) > LABEL_WORDS or _NOT_A_COUNT.search(part):
        return part
    return _STANDALONE_NUMBER.sub("#", part)


_CJK_SPACE = re.compile(f"(?<=[{CHINESE_JAPANESE}])\\s+(?=[{CHINESE_JAPANESE}])")  # Korean spaces its words


def cjk_joined(text: str) -> str:
    """``text`` without the spaces between two Chinese or Japanese characters."""
    if text.isascii():
        return text
    return _CJK_SPACE.sub("", text)
