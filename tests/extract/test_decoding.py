"""Decoding real pages: each legacy encoding declared rightly, and UTF-8 bytes still declaring a legacy one.

Pages re-saved as UTF-8 by other tools and proxies often keep their original
``<meta charset>``; their bytes win over the declaration. The pages are real
(tests/data/extraction-wide/ and tests/data/encodings/, the latter saved in
their legacy encodings as published); a UTF-8 page is put in a legacy
encoding by declaring it and encoding it so, characters the encoding lacks as
character references, which a browser reads alike.
"""

from __future__ import annotations

import gzip
import re

import pytest

from extract import extract_article
from tests.helpers.datasets import DATA, EXTRACTION_WIDE

ENCODINGS = DATA / "encodings"
_META_CHARSET = re.compile(r"""(<meta[^>]+charset\s*=\s*["']?\s*)([A-Za-z0-9._:-]+)""", re.IGNORECASE)

# (page, the encoding it is published in, a phrase of its text)
SAVED_IN_LEGACY = [
    (ENCODINGS / "badische-zeitung.de-Wohnungssuche.html.gz", "cp1252", "für"),  # declared iso-8859-1
    (ENCODINGS / "winfuture.de-NASA.html.gz", "cp1252", "Weltraum"),  # declared iso-8859-1
    (ENCODINGS / "gazeta.pl-ziemniaki.html.gz", "iso-8859-2", "niewidomej"),
    (EXTRACTION_WIDE / "html" / "Unijne fundusze coraz bliżej. Sejm zagłosował _za_ - Polityka - rp.pl.html.gz",
     "cp1250", "przełomowy"),
]
# (UTF-8 page, the legacy label to declare, a phrase of its text)
SAVED_IN_UTF8 = [
    ("xinhuanet.com.c_1125597921.html.gz", "gb2312", "妈妈"),
    ("banyuetan.org.1000200033136171577956287380194268_1.html.gz", "gbk", "的"),
    ("nhk.or.jp.k100.html.gz", "shift_jis", "の"),
    ("nhk.or.jp.k100.html.gz", "euc-jp", "の"),
    ("xinhuanet.com.c_1125597921.html.gz", "euc-kr", "妈妈"),
    ("spiegel.de.albtraum.html.gz", "windows-1252", "ü"),
    ("spiegel.de.albtraum.html.gz", "iso-8859-15", "ü"),
    ("mindmegette.hu.levagott.html.gz", "iso-8859-2", "ő"),
    ("mindmegette.hu.levagott.html.gz", "windows-1251", "ő"),
]


def declare(html: str, label: str) -> str:
    """``html`` with every ``<meta>`` charset declaration saying ``label`` (one added when it has none)."""
    declared, count = _META_CHARSET.subn(lambda m: m.group(1) + label, html)
    return declared if count else re.sub(r"(<head[^>]*>)", rf'\1<meta charset="{label}">', html, count=1)


def text_of(html: str, url: str = "https://news.example/a") -> str:
    return extract_article(html, url).text


@pytest.mark.parametrize(("path", "encoding", "phrase"), SAVED_IN_LEGACY, ids=lambda v: getattr(v, "name", v))
def test_a_page_published_in_a_legacy_encoding_decodes_right(path, encoding: str, phrase: str) -> None:
    body = gzip.decompress(path.read_bytes())
    expected = text_of(body.decode(encoding))
    assert phrase in expected
    assert extract_article(body, "https://news.example/a").text == expected


@pytest.mark.parametrize(("path", "encoding", "phrase"), SAVED_IN_LEGACY, ids=lambda v: getattr(v, "name", v))
def test_the_same_page_resaved_as_utf8_keeping_its_declaration_decodes_right(path, encoding: str,
                                                                            phrase: str) -> None:
    html = gzip.decompress(path.read_bytes()).decode(encoding)
    assert _META_CHARSET.search(html)  # it still declares its legacy encoding
    assert extract_article(html.encode("utf-8"), "https://news.example/a").text == text_of(html)


@pytest.mark.parametrize(("name", "label", "phrase"), SAVED_IN_UTF8)
def test_a_page_declared_and_encoded_in_a_legacy_encoding_decodes_right(name: str, label: str, phrase: str) -> None:
    html = declare(gzip.decompress((EXTRACTION_WIDE / "html" / name).read_bytes()).decode("utf-8"), label)
    expected = text_of(html)
    assert phrase in expected
    assert extract_article(html.encode(label, errors="xmlcharrefreplace"), "https://news.example/a").text == expected


@pytest.mark.parametrize(("name", "label", "phrase"), SAVED_IN_UTF8)
def test_utf8_bytes_under_a_legacy_declaration_decode_as_utf8(name: str, label: str, phrase: str) -> None:
    html = declare(gzip.decompress((EXTRACTION_WIDE / "html" / name).read_bytes()).decode("utf-8"), label)
    text = extract_article(html.encode("utf-8"), "https://news.example/a").text
    assert text == text_of(html)
    assert phrase in text and "\ufffd" not in text
