"""Correction, clarification and update notes in many languages: in the change summary, the reading
room's diff and the ``correction`` watch event (record path, SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from storage.archive import Archive
from storage.versions.changes import notes
from storage.web.views.diff import summarize as room_summary
from tests.helpers.captures import article, capture, hours
from tests.newsweb.languages import STORIES

NOTES = [
    ("de", "Korrektur: In einer früheren Version dieses Artikels hieß es, die Linie solle im April eröffnet werden.",
     "correction"),
    ("de", "Klarstellung: Die Stadtwerke gehören zu 100 Prozent der Stadt, nicht dem Land.", "clarification"),
    ("de", "Nachtrag (14:30 Uhr): Die Stadtwerke haben inzwischen einen Ersatzverkehr angekündigt.", "update"),
    ("ja", "【訂正】先に配信した記事で、増便の開始時期を「今月」としましたが、「来月」の誤りでした。", "correction"),
    ("ja", "【追記】交通局は運転手の追加採用も発表した。", "update"),
    ("ko", "[바로잡습니다] 이전 기사에서 요금 인상 시기를 이번 달로 잘못 표기했습니다.", "correction"),
    ("ko", "정정: 주차 요금은 30분당 1500원이 아니라 2000원입니다.", "correction"),
    ("ru", "Исправление: в предыдущей версии статьи говорилось, что сад откроется в октябре.", "correction"),
    ("ru", "Уточнение: строительство финансировал городской бюджет.", "clarification"),
    ("ru", "Обновление: мэрия сообщила дату открытия.", "update"),
    ("tr", "Düzeltme: Haberin önceki versiyonunda hattın açılışının üç ay ertelendiği yazıyordu.", "correction"),
    ("tr", "Güncelleme: Belediye yeni açılış tarihini açıkladı.", "update"),
    ("es", "Fe de erratas: una versión anterior de esta noticia indicaba que el horario se ampliaría en abril.",
     "correction"),
    ("es", "Aclaración: las bibliotecas de barrio no están incluidas en la medida.", "clarification"),
    ("es", "Actualización: el ayuntamiento ha confirmado la fecha de inicio.", "update"),
    ("fr", "Rectificatif : dans une précédente version de cet article, nous indiquions que le pont ouvrirait en été.",
     "correction"),
    ("fr", "Précision : le chantier est financé par la métropole et non par la région.", "clarification"),
    ("fr", "Mise à jour : la métropole a confirmé la date d'ouverture.", "update"),
    ("zh", "更正：本文此前版本称延长运营从本月开始，实际为下个月。", "correction"),
    ("ar", "تصحيح: ذكرت نسخة سابقة من هذا الخبر أن أعمال البناء استمرت ثلاثة أعوام.", "correction"),
    ("hi", "सुधार: इस खबर के पिछले संस्करण में बसों की संख्या गलत बताई गई थी।", "correction"),
    ("pl", "Sprostowanie: we wcześniejszej wersji artykułu podaliśmy błędnie, że tramwaje kupi województwo.",
     "correction"),
    ("uk", "Уточнення: ремонт фінансує міський бюджет, а не державний фонд.", "clarification"),
    ("it", "Aggiornamento: l'azienda ha confermato che la stazione riaprirà il 3 giugno.", "update"),
]


@pytest.mark.parametrize("language, note, kind", NOTES)
def test_a_note_is_recognised_with_its_kind(language: str, note: str, kind: str) -> None:
    assert notes([note]) == [{"kind": kind, "text": note}]


@pytest.mark.parametrize("paragraph", [
    "Korrektur der Prognose: Die Stadt erwartet nun mehr Fahrgäste als im Vorjahr, sagte der Sprecher.",  # no note
    "Die Korrektur der Fahrpläne soll im Herbst folgen, sagte ein Sprecher der Stadtwerke am Dienstag.",
    "訂正の必要はないと交通局は説明した。",
    "Обновление парка автобусов завершится в следующем году, сообщили в мэрии.",
])
def test_a_paragraph_that_only_uses_the_word_is_no_note(paragraph: str) -> None:
    assert notes([paragraph]) == []


@pytest.mark.parametrize("language", ["de", "ja", "ko", "ru", "tr", "es", "fr"])
def test_notes_reach_the_summary_the_reading_room_and_the_correction_watch(archive: Archive, language: str) -> None:
    story = STORIES[language]
    url = f"https://daily.example/{language}/story"
    archive.add_watch("fix", '"' + story.title + '"', events=["correction"])
    archive.record_captures([(capture(url, hours(0)), article("\n\n".join(story.paragraphs), title=story.title))])
    later = "\n\n".join([*story.paragraphs, story.note])
    archive.record_captures([(capture(url, hours(1)), article(later, title=story.title))])
    summary = archive.versions(url)[-1].change_summary
    assert summary["notes"] == [{"kind": story.note_kind, "text": story.note}]
    old, new = archive.versions(url)
    assert room_summary(archive.diff(url), old, new).notes == summary["notes"]
    alerts = archive.alerts(watch="fix")
    if story.note_kind in ("correction", "clarification"):
        assert [(a.event, a.version, a.excerpt) for a in alerts] == [("correction", 2, story.note)]
    else:
        assert alerts == []
