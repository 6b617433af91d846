"""Version rules in many languages: stamps, counters and read-also lines are no change; edits and notes are.

Pure functions of :mod:`storage.versions.changes` over the stories of
``tests/newsweb/languages.py`` (written for these tests), and the pairs issue 34
measured.
"""

from __future__ import annotations

import random

import pytest

from storage.versions.changes import Snapshot, stable_hash, summarize
from storage.versions.diffing import DELETE, EQUAL, INSERT, word_diff
from storage.versions.phrases import LANGUAGES
from storage.versions.phrases.counters import COUNTERS
from storage.versions.phrases.notes import LABELS
from storage.versions.phrases.read_also import READ_ALSO
from storage.versions.phrases.stamps import STAMPS
from tests.newsweb.languages import STORIES, clutter, edited


def text_of(paragraphs: list[str] | tuple[str, ...]) -> str:
    return "\n\n".join(paragraphs)


def with_clutter(paragraphs: tuple[str, ...], lines: list[str], after: int = 1) -> str:
    return text_of([*paragraphs[:after], *lines, *paragraphs[after:]])


@pytest.mark.parametrize("before, after", [
    ("Aktualisiert vor 12 Minuten", "Aktualisiert vor 37 Minuten"),
    ("1.234 Mal gelesen", "4.567 Mal gelesen"),
    ("Mis à jour il y a 12 minutes", "Mis à jour il y a 37 minutes"),
    ("Actualizado hace 12 minutos", "Actualizado hace 37 minutos"),
    ("12分前に更新", "37分前に更新"),
    ("あわせて読みたい：市議会が予算案を可決", "あわせて読みたい：川沿いに新しい自転車道"),
])
def test_the_pairs_the_issue_measured_read_the_same(before: str, after: str) -> None:
    body = STORIES["de"].paragraphs
    assert stable_hash("T", with_clutter(body, [before])) == stable_hash("T", with_clutter(body, [after]))
    assert stable_hash("T", with_clutter(body, [after])) == stable_hash("T", text_of(body))


@pytest.mark.parametrize("language", sorted(STORIES))
def test_fresh_clutter_inside_the_article_is_no_change(language: str) -> None:
    story, rng = STORIES[language], random.Random(language)
    plain = stable_hash(story.title, text_of(story.paragraphs))
    for after in (1, 2):
        cluttered = with_clutter(story.paragraphs, clutter(story, rng), after)
        assert stable_hash(story.title, cluttered) == plain, cluttered


@pytest.mark.parametrize("line", [
    "Обновлено 3 часа назад", "Оновлено 2 години тому", "Обновено преди 5 минути", "Ажурирано пре 4 сата",
    "Päivitetty 15 minuuttia sitten", "Cập nhật 20 phút trước", "Actualizat acum 12 minute",
    "Frissítve 15 perce", "עודכן לפני 10 דקות", "آخر تحديث منذ 3 ساعات", "5 घंटे पहले अपडेट",
    "更新于3小时前", "2時間前に配信", "3시간 전 입력", "Opublikowano 2 godziny temu · 1 234 wyświetlenia",
    "Stand: 14:30 Uhr", "Aktualisiert am 03.05.2024, 14:35 Uhr", "Güncelleme: 14.05.2024 10:22",
    "1,2K views", "阅读量 1.2万", "조회 3,421", "Просмотров: 12 345", "1.204 kali dibaca", "1 234 zobrazení",
    "نشر منذ ساعتين", "浏览量：1,234", "Publicerad för 2 timmar sedan", "2시간 전 게시", "Közzétéve 2 órája",
    "Läs också: Ny cykelbana längs ån", "Lue myös: Helle jatkuu koko viikon", "Xem thêm: Giá xăng tăng mạnh",
    "Читайте также: Жара продлится до выходных", "【関連記事】市議会が予算案を可決", "相关阅读：高温天气持续",
    "यह भी पढ़ें: गर्मी से राहत", "اقرأ أيضا: موجة حر جديدة", "קראו גם: גל חום חדש", "Citește și: Caniculă în weekend",
])
def test_stamps_counters_and_read_also_lines_in_other_languages_are_set_aside(line: str) -> None:
    body = STORIES["es"].paragraphs
    assert stable_hash("T", with_clutter(body, [line])) == stable_hash("T", text_of(body))


def test_every_table_covers_the_25_most_common_news_languages() -> None:
    assert len(LANGUAGES) >= 26
    for table in (STAMPS, COUNTERS, READ_ALSO, LABELS):
        assert set(table) == set(LANGUAGES), table


@pytest.mark.parametrize("language", sorted(STORIES))
def test_a_real_edit_is_found_with_clutter_around_it(language: str) -> None:
    story, rng = STORIES[language], random.Random(language)
    before = with_clutter(story.paragraphs, clutter(story, rng))
    after = with_clutter(edited(story), clutter(story, rng))
    assert stable_hash(story.title, before) != stable_hash(story.title, after)


# -- rules that need no phrase table -------------------------------------------------------------

@pytest.mark.parametrize("before, after", [
    ("Imesomwa mara 1,234", "Imesomwa mara 4,567"),  # Swahili: no table knows these words
    ("Dakika 12 zilizopita", "Dakika 37 zilizopita"),
    ("อัปเดต 12 นาทีที่แล้ว", "อัปเดต 37 นาทีที่แล้ว"),  # Thai
    ("Aktualisiert vor 12 Minuten · 1.234 Leser", "Aktualisiert vor 37 Minuten · 9.876 Leser"),
])
def test_a_short_line_whose_only_change_is_a_count_or_a_relative_time_is_no_change(before: str, after: str) -> None:
    body = STORIES["de"].paragraphs
    assert stable_hash("T", with_clutter(body, [before])) == stable_hash("T", with_clutter(body, [after]))


PROSE = ("Das Feuer brach nach Angaben der Feuerwehr vor 20 Minuten im Keller eines Wohnhauses in der Altstadt aus, "
         "drei Menschen wurden verletzt.")


@pytest.mark.parametrize("edit", [
    ("im Keller", "im Dachgeschoss"),  # the prose around a relative time is text
    ("vor 20 Minuten", "vor 40 Minuten"),  # and so is the time itself, inside a sentence
    ("drei Menschen", "fünf Menschen"),
])
def test_a_relative_time_in_prose_is_still_text(edit: tuple[str, str]) -> None:
    body = STORIES["de"].paragraphs
    before = text_of([*body, PROSE])
    assert stable_hash("T", before) != stable_hash("T", text_of([*body, PROSE.replace(*edit)]))


@pytest.mark.parametrize("before, after", [
    ("Police said 3 people died when the roof of the market hall collapsed on Tuesday morning.",
     "Police said 5 people died when the roof of the market hall collapsed on Tuesday morning."),
    ("3 dead.", "5 dead."),  # short, but a sentence
    ("Bei dem Unfall gab es 3 Tote.", "Bei dem Unfall gab es 5 Tote."),
    ("事故で3人が死亡した。", "事故で5人が死亡した。"),
    ("3 Kevin Harvick 5033 4 6 15 26", "3 Kevin Harvick 5071 4 6 16 26"),  # a row of a table
    ("Bayern 2:1 Dortmund", "Bayern 2:2 Dortmund"),  # a score
    ("Wahlbeteiligung 54,3 %", "Wahlbeteiligung 61,2 %"),  # a share
    ("Powerbeats3 Wireless Earphones", "Powerbeats4 Wireless Earphones"),  # a name with a number in it
    ("4. Stay hydrated", "5. Stay hydrated"),  # a list item
    ("Eintritt: 12 Euro", "Eintritt: 15 Euro"),
    ("据统计，事故共造成3人死亡，另有12人受伤，目前伤者已被送往附近医院救治。", "据统计，事故共造成5人死亡，另有12人受伤，目前伤者已被送往附近医院救治。"),
])
def test_a_number_edited_in_prose_is_a_new_version(before: str, after: str) -> None:
    body = STORIES["de"].paragraphs
    assert stable_hash("T", text_of([*body, before])) != stable_hash("T", text_of([*body, after]))


# -- Chinese, Japanese, Korean: characters, not space-separated words ------------------------------

@pytest.mark.parametrize("language", ["ja", "zh", "ko"])
def test_a_one_or_two_character_edit_is_an_edited_paragraph_of_that_size(language: str) -> None:
    story = STORIES[language]
    after = edited(story)
    summary = summarize(Snapshot(story.title, text_of(story.paragraphs)), Snapshot(story.title, text_of(after)))
    assert (summary["paragraphs_edited"], summary["paragraphs_added"], summary["paragraphs_removed"]) == (1, 0, 0)
    old, new = story.edit
    assert summary["chars_added"] <= len(new) and summary["chars_removed"] <= len(old)


def test_one_kanji_changed_is_a_new_version_shown_as_that_kanji() -> None:
    before = "市交通局は来月から、中心部と郊外の住宅地を結ぶ深夜バスを増便すると発表した。"
    after = before.replace("来月", "今月")
    assert stable_hash("T", before) != stable_hash("T", after)
    assert word_diff(before, after) == [(EQUAL, "市交通局は"), (DELETE, "来"), (INSERT, "今"),
                                        (EQUAL, "月から、中心部と郊外の住宅地を結ぶ深夜バスを増便すると発表した。")]


def test_a_chinese_number_edit_is_a_new_version() -> None:
    before = "据交通部门介绍，延长运营后每天将增加约36个班次。"
    assert stable_hash("T", before) != stable_hash("T", before.replace("36", "38"))
    assert word_diff(before, before.replace("36", "38")) == [
        (EQUAL, "据交通部门介绍，延长运营后每天将增加约"), (DELETE, "36"), (INSERT, "38"), (EQUAL, "个班次。")]


def test_spaces_between_chinese_or_japanese_characters_are_no_change() -> None:
    text = "市交通局は来月から深夜バスを増便すると発表した。"
    assert stable_hash("T", "市交通局は 来月から 深夜バスを増便すると 発表した。") == stable_hash("T", text)
    assert stable_hash("T", "시는 다음 달부터 요금을 올린다") != stable_hash("T", "시는 다음달부터 요금을 올린다")
