"""Articles in many languages, with the clutter their outlets rewrite on every visit, real edits and notes.

Written for these tests (no outside text): a short local-news story per
language, the stamp, view counter and read-also line an outlet of that language
puts inside the article, one real edit (a changed number or word; one
character for Chinese and Japanese) and a correction, clarification or update
note with its kind. :func:`page` renders one capture of an article as HTML,
with fresh clutter after a paragraph each time.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Story:
    language: str
    title: str
    paragraphs: tuple[str, ...]
    stamp: str  # "{n}": a number of minutes or hours
    counter: str  # "{n}": a view count
    read_also: str  # "{h}": another headline
    headlines: tuple[str, ...]  # other stories of the outlet
    edit: tuple[str, str]  # a real edit: this text becomes that, in the first paragraph that has it
    note: str
    note_kind: str


STORIES: dict[str, Story] = {s.language: s for s in [
    Story("de", "Neue Straßenbahnlinie verzögert sich",
          ("Die neue Straßenbahnlinie zwischen Hauptbahnhof und Messe wird nicht wie geplant im Mai eröffnet, "
           "teilten die Stadtwerke am Dienstag mit.",
           "Bei einer Prüfung der Oberleitung seien an drei Stellen Mängel festgestellt worden, sagte ein Sprecher. "
           "Die Reparatur werde mindestens sechs Wochen dauern.",
           "Fahrgastverbände kritisierten die Verzögerung und forderten einen Ersatzverkehr mit Bussen für die "
           "betroffenen Stadtteile."),
          "Aktualisiert vor {n} Minuten", "{n} Mal gelesen", "Lesen Sie auch: {h}",
          ("Hitzewelle: Stadt öffnet Kühlräume", "Neuer Radweg am Kanal eröffnet", "Gemeinderat beschließt Haushalt"),
          ("an drei Stellen", "an fünf Stellen"),
          "Korrektur: In einer früheren Version dieses Artikels hieß es, die Linie solle im April eröffnet werden.",
          "correction"),
    Story("fr", "Le nouveau pont sur la Loire ouvrira en retard",
          ("Le nouveau pont sur la Loire n'ouvrira pas avant l'automne, a annoncé mardi la métropole, "
           "qui évoque des difficultés sur le chantier.",
           "Selon le maire adjoint chargé des transports, 12 poutres doivent être remplacées après un contrôle "
           "de sécurité effectué en mars.",
           "Les commerçants du quai regrettent ce nouveau retard et demandent une aide pour compenser la baisse "
           "de leur chiffre d'affaires."),
          "Mis à jour il y a {n} minutes", "{n} vues", "À lire aussi : {h}",
          ("Canicule : les parcs restent ouverts la nuit", "Le marché de Noël change de place",
           "Grève des bus lundi prochain"),
          ("12 poutres", "14 poutres"),
          "Précision : le chantier est financé par la métropole et non par la région, contrairement à ce que "
          "nous avons écrit.",
          "clarification"),
    Story("es", "El ayuntamiento amplía el horario de las bibliotecas",
          ("El ayuntamiento ampliará el horario de las bibliotecas municipales durante la época de exámenes, "
           "según anunció este lunes la concejala de Cultura.",
           "Las cinco bibliotecas abrirán hasta las dos de la madrugada a partir del próximo 15 de mayo y "
           "contarán con personal de seguridad adicional.",
           "Las asociaciones de estudiantes celebraron la medida, aunque pidieron que se mantenga durante todo "
           "el curso académico."),
          "Actualizado hace {n} minutos", "{n} visitas", "Lee también: {h}",
          ("La ola de calor dispara el consumo de agua", "Nuevo carril bici en la avenida del puerto",
           "Huelga de limpieza el próximo viernes"),
          ("Las cinco bibliotecas", "Las siete bibliotecas"),
          "Fe de erratas: una versión anterior de esta noticia indicaba que el horario se ampliaría en abril.",
          "correction"),
    Story("it", "Chiude per lavori la stazione centrale della metropolitana",
          ("La stazione centrale della metropolitana resterà chiusa per tre settimane a partire da lunedì, "
           "ha comunicato l'azienda dei trasporti.",
           "I lavori riguardano le scale mobili e l'impianto di ventilazione, installati più di trent'anni fa, "
           "ha spiegato il direttore tecnico.",
           "Durante la chiusura saranno attivati bus sostitutivi ogni dieci minuti tra le fermate vicine."),
          "Aggiornato {n} minuti fa", "{n} visualizzazioni", "Leggi anche: {h}",
          ("Caldo record, aperti i centri climatizzati", "Nuova pista ciclabile sul lungofiume",
           "Il consiglio comunale approva il bilancio"),
          ("ogni dieci minuti", "ogni quindici minuti"),
          "Aggiornamento: l'azienda ha confermato che la stazione riaprirà il 3 giugno.",
          "update"),
    Story("pt", "Prefeitura anuncia nova linha de ônibus noturna",
          ("A prefeitura anunciou nesta segunda-feira uma nova linha de ônibus noturna que ligará o centro "
           "aos bairros da zona norte.",
           "Segundo a secretaria de transportes, os ônibus vão circular a cada 30 minutos entre meia-noite e "
           "cinco da manhã.",
           "Moradores da zona norte dizem que a linha atende a um pedido antigo de quem trabalha à noite."),
          "Atualizado há {n} minutos", "{n} visualizações", "Leia também: {h}",
          ("Calor faz consumo de energia bater recorde", "Feira do livro começa no sábado",
           "Obras fecham avenida do porto"),
          ("a cada 30 minutos", "a cada 20 minutos"),
          "Correção: uma versão anterior deste texto informava que a linha ligaria o centro à zona sul.",
          "correction"),
    Story("nl", "Gemeente sluit brug voor groot onderhoud",
          ("De gemeente sluit de brug over de rivier vanaf maandag voor groot onderhoud, zo maakte een "
           "woordvoerder dinsdag bekend.",
           "Fietsers en voetgangers kunnen tijdens de werkzaamheden gebruikmaken van een tijdelijke pont die "
           "elke tien minuten vaart.",
           "Ondernemers aan de kade maken zich zorgen over de bereikbaarheid van hun winkels in de drukke "
           "zomermaanden."),
          "Bijgewerkt {n} minuten geleden", "{n} keer gelezen", "Lees ook: {h}",
          ("Hittegolf: zwembaden langer open", "Nieuwe fietsenstalling bij het station",
           "Gemeenteraad stemt in met begroting"),
          ("elke tien minuten", "elke twintig minuten"),
          "Correctie: in een eerdere versie van dit artikel stond dat de brug in juni dichtgaat.",
          "correction"),
    Story("sv", "Kommunen bygger ny skola i centrum",
          ("Kommunen ska bygga en ny grundskola i centrum för omkring 600 elever, beslutade fullmäktige på "
           "måndagskvällen.",
           "Bygget väntas starta nästa vår och skolan ska stå klar till höstterminen om tre år, enligt "
           "kommunens planer.",
           "Föräldrar i området har länge klagat på trånga klassrum och långa resor till skolor i andra "
           "stadsdelar."),
          "Uppdaterad för {n} minuter sedan", "Läst {n} gånger", "Läs också: {h}",
          ("Värmebölja: badplatser får fler livräddare", "Ny cykelbana längs ån",
           "Bussar ställs in under strejken"),
          ("omkring 600 elever", "omkring 800 elever"),
          "Rättelse: I en tidigare version av artikeln stod det att bygget startar i höst.",
          "correction"),
    Story("no", "Kommunen stenger svømmehallen for oppussing",
          ("Svømmehallen i sentrum stenger i fire måneder fra neste uke for å få nytt ventilasjonsanlegg, "
           "opplyser kommunen.",
           "Ifølge kommunen er anlegget over 40 år gammelt, og det har vært flere driftsstans det siste året.",
           "Svømmeklubbene får låne bassenget på nabokommunens skole mens arbeidet pågår, melder idrettsrådet."),
          "Oppdatert for {n} minutter siden", "{n} visninger", "Les også: {h}",
          ("Hetebølge: flere badeplasser åpner", "Ny sykkelvei langs elva", "Bystyret vedtar budsjettet"),
          ("over 40 år gammelt", "over 50 år gammelt"),
          "Rettelse: I en tidligere versjon av saken sto det at hallen stenger i seks måneder.",
          "correction"),
    Story("da", "Kommunen forlænger åbningstiden på genbrugspladsen",
          ("Genbrugspladsen får længere åbningstid i weekenderne fra næste måned, oplyser kommunen i en "
           "pressemeddelelse.",
           "Pladsen vil fremover være åben til klokken 18 lørdag og søndag, efter at mange borgere har "
           "klaget over lange køer.",
           "Kommunen ansætter samtidig to nye medarbejdere til at hjælpe borgerne med at sortere affaldet."),
          "Opdateret for {n} minutter siden", "Læst {n} gange", "Læs også: {h}",
          ("Hedebølge: flere strande får livreddere", "Ny cykelsti langs havnen", "Byrådet vedtager budgettet"),
          ("til klokken 18", "til klokken 19"),
          "Opdatering: Kommunen oplyser nu, at ordningen også gælder på helligdage.",
          "update"),
    Story("pl", "Miasto wymieni tramwaje na nowe",
          ("Miasto kupi 20 nowych tramwajów niskopodłogowych, które od przyszłego roku zastąpią najstarsze "
           "wagony, poinformował we wtorek prezydent.",
           "Pierwsze pojazdy mają trafić na linie prowadzące do szpitala i na dworzec, gdzie pasażerów jest "
           "najwięcej.",
           "Koszt zakupu wyniesie ponad 300 milionów złotych, z czego połowę pokryją fundusze unijne."),
          "Aktualizacja: {n} minut temu", "{n} wyświetleń", "Czytaj też: {h}",
          ("Upały: miasto otwiera kurtyny wodne", "Nowa ścieżka rowerowa nad rzeką", "Rada miasta przyjęła budżet"),
          ("20 nowych tramwajów", "25 nowych tramwajów"),
          "Sprostowanie: we wcześniejszej wersji artykułu podaliśmy błędnie, że tramwaje kupi województwo.",
          "correction"),
    Story("cs", "Radnice opraví most přes řeku",
          ("Radnice letos v létě opraví most přes řeku, který je v havarijním stavu, oznámil v pondělí "
           "náměstek primátora.",
           "Oprava bude stát zhruba 80 milionů korun a most bude po dobu prací uzavřen pro auta i tramvaje.",
           "Chodci budou moci přecházet po provizorní lávce, kterou město postaví vedle mostu."),
          "Aktualizováno před {n} minutami", "Přečteno {n}krát", "Čtěte také: {h}",
          ("Vedra: město otevírá pítka", "Nová cyklostezka podél řeky", "Zastupitelstvo schválilo rozpočet"),
          ("zhruba 80 milionů", "zhruba 95 milionů"),
          "Oprava: V předchozí verzi článku jsme uvedli, že most bude uzavřen jen pro auta.",
          "correction"),
    Story("tr", "Belediye yeni metro hattının açılışını erteledi",
          ("Belediye, yeni metro hattının açılışını test sürüşlerinde çıkan sorunlar nedeniyle iki ay "
           "ertelediğini açıkladı.",
           "Açıklamaya göre 12 istasyondaki sinyal sisteminin yeniden kontrol edilmesi gerekiyor.",
           "Hattın açılmasıyla şehir merkezi ile havalimanı arasındaki yolculuk süresinin yarıya inmesi "
           "bekleniyor."),
          "{n} dakika önce güncellendi", "{n} kez okundu", "Bunu da okuyun: {h}",
          ("Sıcak hava dalgası: parklar gece de açık", "Sahil yoluna yeni bisiklet yolu", "Meclis bütçeyi onayladı"),
          ("12 istasyondaki", "14 istasyondaki"),
          "Düzeltme: Haberin önceki versiyonunda hattın açılışının üç ay ertelendiği yazıyordu.",
          "correction"),
    Story("id", "Pemkot perpanjang jam operasional bus kota",
          ("Pemerintah kota memperpanjang jam operasional bus kota hingga pukul 23.00 mulai pekan depan, "
           "kata kepala dinas perhubungan, Senin.",
           "Menurut dinas perhubungan, sebanyak 45 bus akan melayani tujuh rute utama pada malam hari.",
           "Warga menyambut baik kebijakan itu karena banyak pekerja pulang larut malam dari kawasan industri."),
          "Diperbarui {n} menit lalu", "{n} kali dibaca", "Baca juga: {h}",
          ("Cuaca panas, warga diminta hemat air", "Jalur sepeda baru di tepi sungai", "DPRD sahkan anggaran"),
          ("sebanyak 45 bus", "sebanyak 60 bus"),
          "Ralat: Pada versi sebelumnya tertulis bahwa bus beroperasi hingga pukul 24.00.",
          "correction"),
    Story("ru", "Мэрия откроет новый детский сад",
          ("Новый детский сад на 220 мест откроется в северном районе города в сентябре, сообщили в "
           "мэрии во вторник.",
           "По словам заместителя мэра, строительство обошлось в 350 миллионов рублей и завершено на "
           "месяц раньше срока.",
           "Родители района давно жаловались на нехватку мест и долгие очереди в детские сады."),
          "Обновлено {n} минут назад", "Просмотров: {n}", "Читайте также: {h}",
          ("Жара: в городе открыли пункты охлаждения", "Новая велодорожка вдоль реки",
           "Городская дума приняла бюджет"),
          ("на 220 мест", "на 250 мест"),
          "Исправление: в предыдущей версии статьи говорилось, что сад откроется в октябре.",
          "correction"),
    Story("uk", "Місто відремонтує центральну площу",
          ("Міська рада вирішила відремонтувати центральну площу до кінця літа, повідомив у понеділок "
           "секретар ради.",
           "На роботи планують витратити 40 мільйонів гривень, а площу закриють для транспорту на два місяці.",
           "Підприємці з прилеглих вулиць просять залишити під час ремонту прохід до своїх магазинів."),
          "Оновлено {n} хвилин тому", "{n} переглядів", "Читайте також: {h}",
          ("Спека: у місті відкрили пункти обігріву", "Нова велодоріжка вздовж річки", "Рада ухвалила бюджет"),
          ("40 мільйонів", "45 мільйонів"),
          "Уточнення: ремонт фінансує міський бюджет, а не державний фонд, як ми писали раніше.",
          "clarification"),
    Story("ja", "市営バス、深夜便を増便へ",
          ("市交通局は来月から、中心部と郊外の住宅地を結ぶ深夜バスを増便すると発表した。",
           "交通局によると、平日の午後十一時以降の便を現在の四本から八本に増やす。利用者の要望が多かったという。",
           "市民からは歓迎の声が上がる一方、運転手の確保を心配する意見も出ている。"),
          "{n}分前に更新", "閲覧数 {n}", "あわせて読みたい：{h}",
          ("猛暑で市内のプール開放を延長", "川沿いに新しい自転車道", "市議会が予算案を可決"),
          ("郊外の住宅地", "郊外の団地"),
          "【訂正】先に配信した記事で、増便の開始時期を「今月」としましたが、「来月」の誤りでした。",
          "correction"),
    Story("zh", "市政府宣布延长地铁运营时间",
          ("市政府周一宣布，从下个月起，地铁各线路的末班车时间将延长至午夜十二点。",
           "据交通部门介绍，延长运营后每天将增加约36个班次，预计每天多运送乘客两万人次。",
           "不少市民表示，这一措施方便了晚上下班的上班族，但也有人担心夜间安全问题。"),
          "{n}分钟前更新", "阅读 {n}", "延伸阅读：{h}",
          ("高温天气持续 市内公园延长开放", "河边新建自行车道", "市人大通过预算"),
          ("约36个班次", "约38个班次"),
          "更正：本文此前版本称延长运营从本月开始，实际为下个月。",
          "correction"),
    Story("ko", "시, 공영주차장 요금 인상 발표",
          ("시는 다음 달부터 도심 공영주차장 요금을 30분당 1000원에서 1500원으로 올린다고 밝혔다.",
           "시 관계자는 도심 교통 혼잡을 줄이고 대중교통 이용을 늘리기 위한 조치라고 설명했다.",
           "상인들은 손님이 줄어들 수 있다며 요금 인상 시기를 늦춰 달라고 요청했다."),
          "{n}분 전 업데이트", "조회수 {n}", "[관련기사] {h}",
          ("폭염에 시내 수영장 운영 연장", "강변에 새 자전거 도로", "시의회 예산안 통과"),
          ("1500원으로", "2000원으로"),
          "[바로잡습니다] 이전 기사에서 요금 인상 시기를 이번 달로 잘못 표기했습니다.",
          "correction"),
    Story("ar", "البلدية تفتتح حديقة عامة جديدة",
          ("أعلنت البلدية يوم الاثنين افتتاح حديقة عامة جديدة في الحي الشمالي من المدينة بعد عامين من "
           "أعمال البناء.",
           "وقال رئيس البلدية إن الحديقة تضم 300 شجرة وملعبا للأطفال ومسارا للدراجات.",
           "ورحب السكان بالمشروع وطالبوا بإنشاء حدائق مماثلة في الأحياء الأخرى."),
          "منذ {n} دقائق", "{n} مشاهدة", "اقرأ أيضا: {h}",
          ("موجة حر: البلدية تمدد ساعات عمل المسابح", "مسار جديد للدراجات على ضفة النهر",
           "المجلس البلدي يقر الميزانية"),
          ("300 شجرة", "450 شجرة"),
          "تصحيح: ذكرت نسخة سابقة من هذا الخبر أن أعمال البناء استمرت ثلاثة أعوام.",
          "correction"),
    Story("hi", "नगर निगम ने नई बस सेवा शुरू की",
          ("नगर निगम ने सोमवार को शहर के बाहरी इलाकों को मुख्य बाजार से जोड़ने वाली नई बस सेवा शुरू की।",
           "अधिकारियों के अनुसार पहले चरण में 25 बसें चलाई जाएंगी और हर पंद्रह मिनट में एक बस मिलेगी।",
           "यात्रियों ने सेवा का स्वागत किया, लेकिन कुछ लोगों ने किराया कम करने की मांग भी की।"),
          "{n} मिनट पहले अपडेट किया गया", "{n} बार देखा गया", "यह भी पढ़ें: {h}",
          ("गर्मी से राहत के लिए पार्क देर रात तक खुले", "नदी किनारे नया साइकिल ट्रैक", "नगर परिषद ने बजट पारित किया"),
          ("25 बसें", "30 बसें"),
          "सुधार: इस खबर के पिछले संस्करण में बसों की संख्या गलत बताई गई थी।",
          "correction"),
    Story("el", "Ο δήμος ανακαινίζει την κεντρική πλατεία",
          ("Ο δήμος θα ανακαινίσει την κεντρική πλατεία της πόλης μέσα στο καλοκαίρι, ανακοίνωσε τη Δευτέρα "
           "ο δήμαρχος.",
           "Το έργο θα κοστίσει περίπου 2 εκατομμύρια ευρώ και θα διαρκέσει τέσσερις μήνες, σύμφωνα με τον δήμο.",
           "Οι καταστηματάρχες της περιοχής ζητούν να μείνει ανοιχτή η πρόσβαση στα καταστήματα κατά τη διάρκεια "
           "των εργασιών."),
          "Ενημερώθηκε πριν από {n} λεπτά", "{n} προβολές", "Διαβάστε επίσης: {h}",
          ("Καύσωνας: ανοίγουν κλιματιζόμενες αίθουσες", "Νέος ποδηλατόδρομος στην παραλία",
           "Το δημοτικό συμβούλιο ενέκρινε τον προϋπολογισμό"),
          ("τέσσερις μήνες", "έξι μήνες"),
          "Διόρθωση: Σε προηγούμενη έκδοση του άρθρου αναφερόταν λάθος κόστος του έργου.",
          "correction"),
]}


def stamp(story: Story, rng: random.Random) -> str:
    return story.stamp.format(n=rng.randint(2, 59))


def counter(story: Story, rng: random.Random) -> str:
    count = rng.randint(1200, 98000)
    return story.counter.format(n=f"{count:,}".replace(",", "." if story.language in ("de", "da", "id", "el") else ","))


def read_also(story: Story, rng: random.Random) -> str:
    return story.read_also.format(h=rng.choice(story.headlines))


def clutter(story: Story, rng: random.Random) -> list[str]:
    """Fresh clutter lines for one capture: a stamp, a read-also line and a view counter."""
    return [stamp(story, rng), read_also(story, rng), counter(story, rng)]


def edited(story: Story) -> tuple[str, ...]:
    """The story's paragraphs after its real edit."""
    old, new = story.edit
    index = next(i for i, p in enumerate(story.paragraphs) if old in p)
    return tuple(p.replace(old, new) if i == index else p for i, p in enumerate(story.paragraphs))


def page(story: Story, paragraphs: tuple[str, ...], lines: list[str], after: int = 1) -> str:
    """An article page: ``lines`` (clutter) each in a paragraph of its own, right after paragraph ``after``."""
    body = [f"<p>{escape(p)}</p>" for p in paragraphs]
    body[after:after] = [f"<p>{escape(line)}</p>" for line in lines]
    return (f'<!DOCTYPE html><html lang="{story.language}"><head><meta charset="utf-8">'
            f"<title>{escape(story.title)}</title></head><body>"
            f'<header><nav><a href="/">Home</a></nav></header>'
            f"<main><article><h1>{escape(story.title)}</h1>{''.join(body)}</article></main>"
            f"<footer><p>© Example</p></footer></body></html>")
