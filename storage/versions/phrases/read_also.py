"""Labels of a line that points to another story: "Lesen Sie auch: …", "あわせて読みたい：…".

A line is a read-also line when one of these labels leads it, followed by a
colon, a bar, an arrow or a dash and another headline, or stands in brackets
before it ("【関連記事】…", "[관련기사] …").
"""

from __future__ import annotations

READ_ALSO: dict[str, tuple[str, ...]] = {
    "en": ("read also", "also read", "read more", "see also", "related", "related story", "related article",
           "recommended", "you may also like", "don't miss", "more on this", "read next"),
    "de": ("lesen sie auch", "lies auch", "auch lesenswert", "mehr zum thema", "zum thema", "siehe auch",
           "das könnte sie auch interessieren", "weiterlesen", "passend dazu", "empfehlung der redaktion"),
    "fr": ("lire aussi", "à lire aussi", "a lire aussi", "voir aussi", "à lire également", "sur le même sujet",
           "à voir aussi", "lire la suite", "notre sélection"),
    "es": ("lea también", "lee también", "leer también", "ver también", "te puede interesar", "le puede interesar",
           "noticia relacionada", "relacionado", "relacionada", "te recomendamos"),
    "it": ("leggi anche", "vedi anche", "potrebbe interessarti", "approfondisci", "correlato", "leggi di più"),
    "pt": ("leia também", "veja também", "leia mais", "saiba mais", "relacionado", "relacionada", "você pode gostar"),
    "nl": ("lees ook", "zie ook", "lees meer", "meer over dit onderwerp", "gerelateerd"),
    "sv": ("läs också", "läs även", "läs mer", "se även", "relaterat"),
    "no": ("les også", "les mer", "se også", "relatert"),
    "da": ("læs også", "læs mere", "se også", "relateret"),
    "fi": ("lue myös", "katso myös", "lue lisää", "aiheesta lisää", "aiheesta muualla"),
    "pl": ("czytaj też", "czytaj także", "czytaj również", "czytaj więcej", "zobacz też", "zobacz także",
           "przeczytaj też", "przeczytaj także", "polecamy"),
    "cs": ("čtěte také", "čtěte též", "přečtěte si také", "přečtěte si", "související", "mohlo by vás zajímat"),
    "tr": ("ayrıca okuyun", "bunu da okuyun", "şunu da okuyun", "ilgili haber", "ilginizi çekebilir",
           "okumadan geçmeyin", "ayrıca bakınız", "ilgili"),
    "id": ("baca juga", "simak juga", "lihat juga", "berita terkait", "artikel terkait", "baca selengkapnya"),
    "vi": ("xem thêm", "đọc thêm", "tin liên quan", "bài liên quan", "có thể bạn quan tâm"),
    "el": ("διαβάστε επίσης", "διαβάστε ακόμη", "διαβάστε ακόμα", "δείτε επίσης", "σχετικό άρθρο", "σχετικά"),
    "ro": ("citește și", "citeşte şi", "citiți și", "vezi și", "vezi şi", "articol similar", "citește mai mult"),
    "hu": ("olvassa el ezt is", "ezt is olvassa el", "olvasd el ezt is", "kapcsolódó", "ajánljuk", "lásd még"),
    "he": ("קראו גם", "קרא גם", "ראו גם", "עוד בנושא", "כתבות נוספות"),
    "ru": ("читайте также", "читайте еще", "читайте ещё", "смотрите также", "по теме", "см. также", "подробнее",
           "также читайте"),
    "uk": ("читайте також", "дивіться також", "по темі", "на тему", "також читайте"),
    "bg": ("прочетете още", "прочетете също", "вижте още", "вижте също", "още по темата", "свързани"),
    "sr": ("прочитајте још", "прочитајте и", "погледајте и", "pročitajte još", "pročitajte i", "pogledajte i",
           "povezano", "повезано"),
    "ar": ("اقرأ أيضا", "اقرأ أيضاً", "اقرأ ايضا", "اقرأ المزيد", "شاهد أيضا", "ذات صلة", "مواضيع ذات صلة"),
    "hi": ("यह भी पढ़ें", "ये भी पढ़ें", "और पढ़ें", "इसे भी पढ़ें", "संबंधित खबर", "संबंधित ख़बर"),
    "zh": ("延伸阅读", "延伸閱讀", "相关阅读", "相關閱讀", "相关新闻", "相關新聞", "推荐阅读", "推薦閱讀", "阅读更多",
           "你可能也喜欢", "更多报道", "相关报道", "相關報導"),
    "ja": ("あわせて読みたい", "合わせて読みたい", "あわせて読む", "関連記事", "関連ニュース", "こちらもおすすめ",
           "こちらも読まれています", "続きを読む", "おすすめ記事"),
    "ko": ("관련기사", "관련 기사", "함께 보면 좋은 기사", "같이 보기", "추천 기사", "더 읽기", "이 기사도 읽어보세요"),
}
