"""View, read and share counters a page rewrites on every visit: "1.234 Mal gelesen", "閲覧数 1,234".

Templates per language; ``{n}`` is a number ("1.234", "1,2K", "1.2万").
"""

from __future__ import annotations

COUNTERS: dict[str, tuple[str, ...]] = {
    "en": ("{n} views", "{n} view", "{n} reads", "{n} shares", "{n} plays", "{n} likes", "views: {n}",
           "viewed {n} times", "read {n} times", "{n} comments"),
    "de": ("{n} mal gelesen", "{n}x gelesen", "{n} aufrufe", "{n} views", "gelesen: {n}", "aufrufe: {n}",
           "{n} mal angesehen", "{n} leser", "{n} kommentare", "{n} mal geteilt"),
    "fr": ("{n} vues", "{n} lectures", "lu {n} fois", "vu {n} fois", "{n} partages", "{n} commentaires"),
    "es": ("{n} visitas", "{n} vistas", "{n} lecturas", "leído {n} veces", "visto {n} veces", "{n} comentarios",
           "{n} compartidos"),
    "it": ("{n} visualizzazioni", "{n} letture", "letto {n} volte", "{n} commenti", "{n} condivisioni"),
    "pt": ("{n} visualizações", "{n} leituras", "lido {n} vezes", "{n} comentários", "{n} compartilhamentos"),
    "nl": ("{n} keer gelezen", "{n} keer bekeken", "{n} weergaven", "{n} views", "{n} reacties"),
    "sv": ("{n} visningar", "läst {n} gånger", "{n} läsare", "{n} kommentarer"),
    "no": ("{n} visninger", "lest {n} ganger", "{n} lesere", "{n} kommentarer"),
    "da": ("{n} visninger", "læst {n} gange", "{n} læsere", "{n} kommentarer"),
    "fi": ("{n} katselukertaa", "luettu {n} kertaa", "{n} lukukertaa", "{n} kommenttia"),
    "pl": ("{n} wyświetleń", "{n} wyświetlenia", "{n} odsłon", "odsłony: {n}", "przeczytano {n} razy",
           "{n} komentarzy"),
    "cs": ("{n} zobrazení", "přečteno {n}krát", "přečteno {n} krát", "{n} přečtení", "{n} komentářů"),
    "tr": ("{n} görüntülenme", "{n} okunma", "{n} kez okundu", "okunma: {n}", "{n} yorum"),
    "id": ("{n} kali dibaca", "dibaca {n} kali", "{n} views", "{n} komentar", "dilihat {n} kali"),
    "vi": ("{n} lượt xem", "{n} lượt đọc", "lượt xem: {n}", "{n} bình luận"),
    "el": ("{n} προβολές", "{n} αναγνώσεις", "διαβάστηκε {n} φορές", "{n} σχόλια"),
    "ro": ("{n} vizualizări", "{n} afișări", "citit de {n} ori", "{n} comentarii"),
    "hu": ("{n} megtekintés", "{n} olvasás", "{n} alkalommal olvasták", "{n} hozzászólás"),
    "he": ("{n} צפיות", "{n} קוראים", "נקרא {n} פעמים", "{n} תגובות"),
    "ru": ("{n} просмотров", "{n} просмотра", "{n} просмотр", "просмотров: {n}", "прочитано {n} раз",
           "{n} комментариев", "{n} комментария", "{n} прочтений"),
    "uk": ("{n} переглядів", "{n} перегляди", "{n} перегляд", "переглядів: {n}", "{n} коментарів"),
    "bg": ("{n} прочитания", "{n} преглеждания", "прочетена {n} пъти", "{n} коментара", "видяна {n} пъти"),
    "sr": ("{n} прегледа", "{n} pregleda", "прочитано {n} пута", "pročitano {n} puta", "{n} коментара",
           "{n} komentara"),
    "ar": ("{n} مشاهدة", "{n} قراءة", "عدد القراءات: {n}", "عدد المشاهدات: {n}", "{n} تعليق"),
    "hi": ("{n} बार देखा गया", "{n} बार पढ़ा गया", "{n} व्यूज", "{n} व्यूज़", "{n} टिप्पणियां"),
    "zh": ("阅读 {n}", "閱讀 {n}", "阅读量 {n}", "閱讀量 {n}", "阅读数 {n}", "浏览 {n}", "瀏覽 {n}", "浏览量 {n}",
           "{n}次阅读", "{n}次閱讀", "{n}次浏览", "{n}人阅读", "{n}人已读", "点击 {n}", "評論 {n}", "评论 {n}"),
    "ja": ("閲覧数 {n}", "{n}回閲覧", "{n}回表示", "{n} pv", "{n}views", "{n}件のコメント", "コメント {n}",
           "{n}人が読みました"),
    "ko": ("조회수 {n}", "조회 {n}", "{n}회 조회", "댓글 {n}", "공감 {n}", "추천 {n}", "{n}명이 읽음"),
}
