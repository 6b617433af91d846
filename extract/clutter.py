"""Generic clutter rules applied to extracted text, line by line.

A line goes only when the *whole* line is clutter: an ad label (alone, or
leading an ad's text: "Sponsored: …", "Anzeige | …"), a share,
subscribe or comment prompt, an image credit, or a trailing "Related stories"
heading with its list. Matching whole lines (never substrings) is what keeps
short article lines — a one-line paragraph, a quote — safe.
"""

from __future__ import annotations

import re

AD_LABELS = frozenset({
    "advertisement", "advertisements", "advertising", "advertisment", "advert", "adverts", "ad", "ads",
    "sponsored", "sponsored content", "sponsored links", "paid content", "paid post", "promoted",
    "promoted content", "anzeige", "anzeigen", "werbung", "publicité", "publicite", "publicidad",
    "publicidade", "pubblicità", "pubblicita", "annonce", "annonse", "advertentie", "reklama",
    "reklame", "reclame", "mainos", "hirdetés", "διαφήμιση", "реклама", "广告", "廣告", "広告",
    "광고", "إعلان", "פרסומת", "विज्ञापन", "quảng cáo", "iklan",
    "story continues below advertisement", "article continues below advertisement",
    "continue reading below advertisement", "content continues below ad", "scroll to continue with content",
})
_PROMPTS = [
    r"share (?:this|the) (?:article|story|post|page)(?: on \w+)?",
    r"share (?:on|via) (?:facebook|twitter|x|whatsapp|linkedin|email|reddit|pinterest)",
    r"(?:share|tweet|email|print|save|copy link|pin it|whatsapp|facebook|twitter|linkedin|reddit)"
    r"(?:\s*(?:,|/|\|)?\s*(?:share|tweet|email|print|save|copy link|pin it|whatsapp|facebook|twitter|linkedin|reddit))*",
    r"like this (?:story|article)\?? share it with a friend!?",
    r"leave a (?:reply|comment)(?: cancel reply)?",
    r"(?:\d+ )?comments?(?: \(\d+\))?",
    r"(?:be the first to|post a|add a|view|show|read|see|load) (?:comment|comments)(?: on this (?:post|article|story))?",
    r"comment on this (?:post|article|story)",
    r"your email address will not be published\.?(?: required fields are marked\s*\*?)?",
    r"required fields are marked\s*\*?",
    r"read more (?:news |stories )?(?:on|from|about)(?: [\w .'’-]{1,40})?",
    r"(?:author|written by|posted by|reporting by)\s*:\s*[\w .'’-]{2,60}",
    r"(?:subscribe|sign up) (?:to|for) (?:our|the) (?:[\w’'-]+ ){0,3}(?:newsletter|newsletters|mailing list)s?",
    r"most (?:read|popular|viewed|shared|watched)(?: (?:in|on|from) [\w .'’-]{1,40})?",
    r"(?:order reprints|print (?:this )?(?:article|story|page)|reprints? (?:&|and) permissions)",
    r"(?:copyright|©|\(c\))\s*.{0,150}",
    r"write to [\w .'’-]{2,60} at \S+@\S+",
    r"(?:source|quelle|fuente|fonte|źródło|bron)\s*:\s*[\w .,&'’/()-]{2,80}",
    r"(?:reading time|read time|tempo de leitura|lesezeit|temps de lecture|tiempo de lectura)\s*:?\s*\d+\s*\w{0,10}",
    r"\d+\s*(?:min|mins|minutes?)\s+read",
    r"to be informed of the latest articles, subscribe",
    r"subscribe(?: now| today| here)?",
    r"source link",
    r"show (?:more|less)",
    r"read (?:more|less|full (?:story|article))(?: here)?",
    r"continue reading(?: the (?:main )?(?:story|article))?",
    r"click here(?: to .{0,80})?",
    r"(?:also read|read also|see also|don['’]?t miss|see more|more on this(?: story)?|recommended(?: for you)?|trending(?: now)?)",
    r"tell us what you think(?:\.\.\.)?",
    r"follow (?:us|me|him|her|them|[\w .'’-]{1,60}) on (?:twitter|facebook|instagram|linkedin|tiktok|youtube|x|google news)\b.{0,80}",
    r"(?:back to top|skip to (?:main )?content|next story|previous story|end of article|advertise with us)",
    r"we use cookies.{0,200}",
    r"filed under:?.{0,80}",
    # the cookie-consent placeholder of an embedded map or video (a WordPress plugin's wording)
    r"(?:klicken sie auf den (?:unteren )?button, um den inhalt von|click (?:on )?the button below to load the content of)"
    r" .{1,80}",
    r"(?:you must|du musst|sie müssen) (?:be )?(?:logged in|eingeloggt|angemeldet)(?: sein)?\b.{0,120}",
    r"sie sind (?:aktuell |derzeit )?nicht (?:eingeloggt|angemeldet)",
    # a numeric date alone on its line: "23.10.2018", "2019-02-14 10:30"
    r"(?:\d{1,2}\.\s?\d{1,2}\.\s?(?:\d{4}|\d{2})|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{4})(?:,?\s*\d{1,2}[:.]\d\d(?:\s*uhr|\s*h)?)?",
]
# A newsletter sign-up line: the word and a sign-up verb in one short line. Not "this newsletter":
# then the page is the newsletter, and its own sign-up line is part of it.
_NEWSLETTER = re.compile(r"(?<!this )(?<!diesen )newsletter", re.IGNORECASE)
_SIGN_UP = re.compile(r"sign(?:ing)? up|subscribe|abonnier|anmelden|melde dich|inscri|suscr[íi]b|zapisz|iscriviti|registr",
                      re.IGNORECASE)
_MAX_PROMPT = 250
_CREDITS = [
    r"\(?(?:photo|photos|image|images|picture|pictures|foto|fotos|bild|illustration|video|graphic|credit)"
    r"(?: credit| courtesy| source)?s?\s*[:：].{0,80}\)?",
    r"\(?(?:photo|image|picture|illustration|video)\s+(?:by|courtesy of|via)\s+.{0,80}\)?",
    r"(?:getty images|afp(?: via getty images)?|ap photo|reuters|shutterstock|istock(?:photo)?|epa|alamy)"
    r"(?:\s*/\s*[\w .]+)?",
    r"[\w .'-]{2,60}/(?:getty images|afp|ap|reuters|shutterstock|epa|bloomberg)(?: via getty images)?",
    r"(?:crédits? photos?|photo credits?|titelbild|bildquelle|fot\.|zdjęcie|foto ?credits?)\s*[:：]?\s+.{1,100}",
    # a wire agency's sign-off under the story: "aja/PAP", "dpa/lnw"
    r"(?:\w{1,5}/)?(?:pap|dpa|afp|apa|kna|epd|efe|ansa|reuters|ap)(?:/\w{1,5})?",
]
# An ad creative under its label: "Sponsored: Brand — 20% off", "Anzeige | …", "Publicidad: …".
# The label must lead the line and be followed by ":" or "|" — prose never starts that way.
_SPONSOR_LABELS = (
    r"sponsored(?: content| post| links?| by [\w .&'’-]{1,40})?|promoted(?: content| post| by [\w .&'’-]{1,40})?|"
    r"advertisement|advertising|advertiser content|advertorial|paid (?:content|post|partnership|promotion)|partner content|"
    r"ad|ads|anzeige|werbung|gesponsert|publicité|publicite|sponsorisé|sponsorise|contenu sponsorisé|publicidad|"
    r"patrocinado|contenido patrocinado|publicidade|pubblicità|pubblicita|sponsorizzato|gesponsord|advertentie|"
    r"sponsoreret|annonce|sponsrad|annons|reklama|sponsorowane|reklame|реклама|спонсор|спонсорский материал|"
    r"広告|スポンサー|广告|赞助|廣告|贊助|광고|إعلان|ممول|प्रायोजित|reklam|sponsorlu"
)
_SPONSORED = re.compile(r"[\[(]?(?:" + _SPONSOR_LABELS + r")[\])]?\s*[:：|]\s*\S.{0,200}", re.IGNORECASE)
# An in-text link to another story: "READ MORE: headline", "Also on rt.com headline", "Lea también: …",
# ">> Headline <<". The lead must be followed by ":", "|" or "»": prose never starts that way.
_LINK_WORDS = (
    r"related(?: (?:post|story|article|link|content)s?)?|read more|see more|more|read also|also read|watch|listen"
    r"|also on [\w.-]+\.[a-z]{2,}"
    # German, French, Spanish, Portuguese, Italian, Polish, Dutch
    r"|lesen sie (?:auch|hier|mehr|dazu)|lies auch|auch interessant|mehr dazu|mehr zum thema|siehe auch|zum thema"
    r"|(?:à )?lire aussi|à lire(?: également)?|voir aussi|lire la suite|sur le même sujet"
    r"|lea(?: (?:también|además|más))?|lee(?: (?:también|además|más))?|vea(?: también)?|mira|mire|puedes ver"
    r"|(?:le |te )?puede interesar|también te puede interesar|te recomendamos|relacionad[oa]s?|ver también|noticia relacionada"
    r"|leia (?:também|mais)|veja (?:também|mais)|saiba mais|leggi anche|leggi(?: di)? più|vedi anche"
    r"|czytaj (?:też|także|więcej)|zobacz (?:też|także)|dowiedz się więcej|przeczytaj (?:też|także)|lees ook|zie ook"
)
_LINK_LEAD = re.compile(
    r"(?:" + _LINK_WORDS + r")\s*[:|»]\s*\S.{0,150}"
    r"|also on [\w-]+\.[a-z]{2,}\s.{0,150}"
    r"|(?:>>|»)\s*\S.{0,150}\s(?:<<|«)",
    re.IGNORECASE,
)
_RELATED_LEAD = re.compile(
    r"(?:related(?: (?:stories|articles|posts|news|coverage|content|links|reading))?|more (?:stories|articles|news|from [\w .'-]{1,40})|"
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)|recommended (?:stories|articles|for you)|"
    r"read (?:next|also)|also read|see also|more on this (?:story|topic)|what to read next|"
    # the same headings in other languages
    r"(?:weitere|ähnliche|verwandte|empfohlene|passende|beliebte|neueste) (?:beiträge|artikel|themen|nachrichten|news)|"
    r"mehr (?:themen|zum thema|artikel|beiträge|news)|das könnte (?:dich|sie) auch interessieren|zum weiterlesen|"
    r"lesen sie auch(?: die folgenden beiträge)?|"
    r"(?:articles?|sujets?) (?:similaires|liés|associés|recommandés)|à lire aussi|sur le même sujet|"
    r"(?:notas|noticias|artículos|contenidos?|entradas) relacionad[oa]s|contenido relacionado|te puede interesar|"
    r"(?:notícias|artigos|matérias) relacionad[oa]s|leia também|articoli correlati|potrebbe interessarti|"
    r"podobne (?:artykuły|wpisy)|czytaj (?:też|także)|zobacz (?:też|także)|gerelateerde artikelen)\s*:?",
    re.IGNORECASE,
)
# A WordPress shortcode the theme failed to render: "[button link=...]Send us[/button]".
_SHORTCODE = re.compile(r"\[\w+(?:\s[^\]]*)?\].{0,200}\[/\w+\]")
# "Posted on January 13 2022, 01:03am", "Updated 12:30 GMT": a time stamp alone on its line.
_STAMP = re.compile(
    r"(?:posted|published|updated|last updated|last modified|veröffentlicht|aktualisiert|zuletzt aktualisiert"
    r"|letzte änderung|stand|publié|mis à jour|publicado|actualizado|pubblicato|aggiornato|opublikowano|aktualizacja)"
    r"(?: on| at| am| le| el| il)?\s*:?\s+(?P<rest>.{1,50})",
    re.IGNORECASE)
_DATE_HINT = re.compile(r"\b(?:\d{1,2}[:.]\d\d|\d{4}|\d{1,2}/\d{1,2}|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?"
                        r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b",
                        re.IGNORECASE)
_PROMPT_RE = re.compile(r"(?:" + "|".join(_PROMPTS) + r")\s*[.:!»›>…→]*", re.IGNORECASE)
_CREDIT_RE = re.compile(r"(?:" + "|".join(_CREDITS) + r")\s*[.]?", re.IGNORECASE)
_MAX_RELATED_ITEM = 160
_MAX_RELATED_ITEMS = 20


def _label(line: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", line.lower()).split())


def is_clutter_line(line: str) -> bool:
    """True when the whole line is an ad label, a prompt or an image credit."""
    if not line.strip():
        return False
    stripped = line.strip().strip("-–—•*|·").strip()
    if not stripped:
        return len(line.strip()) <= 3  # a lone "*" or "—", not a drawn rule of a table
    label = _label(stripped)
    if not label:
        return not any(ch.isalnum() for ch in stripped) and len(stripped) <= 3
    if label in AD_LABELS or _is_stamp(stripped) or _is_sign_up(stripped):
        return True
    return any(rule.fullmatch(stripped) for rule in (_PROMPT_RE, _CREDIT_RE, _LINK_LEAD, _SHORTCODE, _SPONSORED))


def _is_sign_up(line: str) -> bool:
    return len(line) <= _MAX_PROMPT and bool(_NEWSLETTER.search(line)) and bool(_SIGN_UP.search(line))


def _is_stamp(line: str) -> bool:
    match = _STAMP.fullmatch(line)
    if not match or len(match["rest"].split()) > 7 or not any(ch.isdigit() for ch in match["rest"]):
        return False
    return bool(_DATE_HINT.search(match["rest"]))


def strip_related(lines: list[str]) -> list[str]:
    """Cut a trailing "Related stories" heading and the short list of links after it."""
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index].strip()
        if not line or not _RELATED_LEAD.fullmatch(line):
            continue
        tail = [item.strip() for item in lines[index + 1 :] if item.strip()]
        if len(tail) <= _MAX_RELATED_ITEMS and all(len(item) <= _MAX_RELATED_ITEM for item in tail):
            return lines[:index]
        return lines
    return lines


def strip_clutter(text: str) -> str:
    """The text without clutter lines; paragraphs stay separated by one blank line."""
    lines = [line for line in text.splitlines() if not is_clutter_line(line)]
    lines = strip_related(lines)
    return tidy_paragraphs(strip_link_list_headings(lines))


def strip_link_list_headings(lines: list[str]) -> list[str]:
    """Drop a "Related stories" heading inside the text when what follows it is short (headlines, not prose)."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _RELATED_LEAD.fullmatch(line.strip()):
            following = next((later.strip() for later in lines[index + 1 :] if later.strip()), "")
            if len(following) <= _MAX_RELATED_ITEM:
                continue
        kept.append(line)
    return kept


def tidy_paragraphs(lines: list[str]) -> str:
    """Join lines back into text, collapsing runs of blank lines into one."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line.strip() or (out and out[-1]):
            out.append(line if line.strip() else "")
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
