"""An article's language: detected from its extracted text, the page's declaration beside it.

Pages declare a language (``<html lang>``, Content-Language, ``og:locale``),
but many declare none and many declare the wrong one: a template's ``en`` on a
German blog, a CMS default. The text itself is the better witness, so it is
read by py3langid (a Naive Bayes model over byte n-grams, shipped inside the
package: nothing is downloaded, ever).

The rule for :attr:`Article.language <extract.article.Article.language>`, the
archive's best value:

* the **detected** language when the detection is confident: at least
  :data:`MIN_LETTERS` letters of text and a probability of at least
  :data:`MIN_CONFIDENCE` (:data:`MIN_CONFIDENCE_UNDECLARED` when the page
  declares nothing, as any fair guess beats none);
* else the **declared** one (:attr:`Article.declared_language`), which may be
  ``None``.

Both are ISO 639-1 codes (``de``, ``en``, ``zh``). A detected label with no
two-letter code (py3langid also knows e.g. ``pcm``, Nigerian Pidgin) counts as
unconfident, except the regional forms folded into their macrolanguage below.
"""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this many letters a guess is little better than chance on menus and captions.
MIN_LETTERS = 40
# The model's normalised probability. On the dev sets nearly every detection sits above 0.99;
# overruling a declaration below 0.95 went wrong on a German text quoting a long English speech.
MIN_CONFIDENCE = 0.95
MIN_CONFIDENCE_UNDECLARED = 0.5
# The first 500 characters give the same answers as the first 2,000 on both dev sets
# (bench/languages.py), for a third of the time.
SAMPLE_CHARS = 500
_MACROLANGUAGE = {"ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz"}


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model, loaded once per process (about 0.2 s)."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """``(ISO 639-1 code, probability)`` of ``text``; ``(None, 0.0)`` when it is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return None, 0.0
    label, probability = _identifier().classify(sample)
    code = _MACROLANGUAGE.get(label, label)
    return (code, probability) if len(code) == 2 else (None, 0.0)


def best_language(text: str, declared: str | None) -> str | None:
    """The archive's language: the confident detection, else the declaration."""
    detected, probability = detect_language(text)
    needed = MIN_CONFIDENCE if declared else MIN_CONFIDENCE_UNDECLARED
    if detected is not None and probability >= needed:
        return detected
    return declared


@cache
def _codes_by_name() -> dict[str, str]:
    """ISO 639-1 codes by their English and native names, lower case (CLDR's tables, through babel)."""
    from babel import Locale, UnknownLocaleError

    english = Locale("en").languages
    codes = {code for code in english if len(code) == 2}
    names = {english[code].lower(): code for code in codes}
    for code in codes:
        try:
            native = Locale(code).get_display_name(code)
        except (UnknownLocaleError, ValueError):
            continue
        if native:
            names.setdefault(native.lower(), code)
    return names


def language_code(typed: str) -> str | None:
    """The ISO 639-1 code a user means by ``typed`` (``en``, ``EN``, ``English``, ``Deutsch``), or ``None``."""
    wanted = typed.strip().lower()
    if len(wanted) == 2 and wanted.isalpha():
        return wanted if wanted in _codes_by_name().values() else None
    return _codes_by_name().get(wanted)
