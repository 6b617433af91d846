"""Phrase tables of the version rules, one module per concern, keyed by language.

Each table is plain data written for this project: stamps (:mod:`.stamps`),
view counters (:mod:`.counters`), read-also lines (:mod:`.read_also`) and
correction, clarification and update notes (:mod:`.notes`).
:mod:`storage.versions.meta_lines` compiles them into the rules that
:mod:`storage.versions.changes` applies. A template's ``{n}`` is a number,
``{unit}`` a time unit of that language, a space any run of whitespace (or
none: CJK writes without), ``:`` an optional colon of either width.
"""

LANGUAGES = (
    "en", "de", "fr", "es", "it", "pt", "nl", "sv", "no", "da", "fi", "pl", "cs", "tr", "id", "vi", "el", "ro",
    "hu", "he", "ru", "uk", "bg", "sr", "ar", "hi", "zh", "ja", "ko",
)
