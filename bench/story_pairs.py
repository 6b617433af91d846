"""A labelled set of text pairs for story matching, generated from real articles.

Sources: the article bodies of the extraction dev set and the seed articles,
both in ``tests/data/``.

Positives (``expected`` is the relation :func:`storage.stories.compare.compare`
should report): verbatim copy (with page furniture), edited (cuts, an added
sentence, typos), truncated (first half), re-headlined, paraphrased
(sentences reordered, clauses rewritten, a few synonyms) and spun (30–60 %
of replaceable words swapped through :data:`SYNONYMS`).

Negatives (``expected`` is ``None``): different articles on the same topic,
different articles inside one outlet's ~100-word boilerplate block, and
follow-up stories that keep the original's names and two of its sentences
around new content.

Everything is seeded, so a run is reproducible: ``build_pairs(seed=7)``.
Run ``python bench/story_pairs.py`` to print counts per kind.
"""

from __future__ import annotations

import logging
import random
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.helpers.datasets import dev_truth, seed_articles  # noqa: E402

logger = logging.getLogger(__name__)

MIN_WORDS = 150

_SYNONYM_TEXT = """
about: regarding, concerning | above: over | accept: take on | accuse: blame | achieve: attain, accomplish
act: deed | action: step, move | add: append | added: noted, remarked | address: tackle | admit: concede
advance: progress | affect: influence | afraid: fearful | after: following | again: once more
agree: concur | agreement: accord, deal | aim: goal, objective | allow: permit, let | almost: nearly
already: previously | also: additionally, as well | although: though | always: constantly | amount: quantity
announce: declare | announced: declared, revealed | answer: reply, response | anxious: worried | appear: seem
area: region, zone | argue: contend | around: about, roughly | arrive: come | ask: request | asked: requested, queried
attack: assault, strike | attempt: try, effort | attention: notice | avoid: evade | away: off
bad: poor, negative | basic: fundamental | beat: defeat | beautiful: lovely | because: since, as
become: turn into | before: prior to | begin: start, commence | beginning: start | believe: think
benefit: advantage | best: finest | better: superior | big: large, huge | bill: measure | border: frontier
both: each | break: pause | brief: short | bring: carry | broad: wide | build: construct | building: structure
business: firm, company | buy: purchase | call: phone | called: named, termed | calm: quiet | campaign: drive
care: concern | careful: cautious | carry: convey | case: instance | cause: reason | center: centre, hub
certain: sure | chance: opportunity | change: alteration, shift | changes: alterations, shifts | charge: fee
cheap: inexpensive | check: verify | chief: head, leader | child: kid | children: kids, youngsters
choose: pick, select | city: town | claim: assertion | clear: evident, obvious | clearly: plainly, evidently
close: near | common: usual, widespread | community: neighbourhood | company: firm, business | complete: full, total
concern: worry | concerns: worries | condition: state | conflict: clash | consider: contemplate
continue: carry on, proceed | control: command | cost: price | could: might | country: nation
countries: nations | course: path | create: make, produce | crisis: emergency | critical: crucial
current: present | currently: presently | customer: client | damage: harm | danger: risk | dangerous: risky, hazardous
deal: agreement | death: passing | decide: determine | decision: ruling, choice | declare: state | decline: drop, fall
deep: profound | defend: protect | demand: call | demands: calls, requests | describe: depict | despite: in spite of
develop: build | difference: distinction | differences: distinctions, divisions | different: distinct, various
difficult: hard, tough | direct: straight | discuss: talk about | discussion: talk | disease: illness
do: perform | doctor: physician | done: finished | during: throughout | early: premature | earn: make
easy: simple | economic: financial | economy: market | effect: impact | effort: attempt | election: vote
else: besides | employee: worker | end: finish, conclusion | ended: finished, concluded | enemy: foe | enough: sufficient
ensure: make sure | enter: go into | entire: whole | especially: particularly | event: occasion
eventually: ultimately | every: each | evidence: proof | exactly: precisely | example: instance
expect: anticipate | expected: anticipated | expensive: costly | experience: expertise | expert: specialist
explain: clarify | face: confront | fact: reality | fail: flop | failure: collapse | fair: just | fall: drop
family: household | famous: well-known | far: distant | fast: quick, rapid | fear: dread | feel: sense
few: handful of | fight: battle, fight | figure: number | final: last | finally: eventually, at last | find: discover
finish: complete | firm: company | first: initial | focus: concentrate | follow: pursue | following: after
force: power | forces: troops | foreign: overseas | form: shape | former: previous, ex | forward: ahead
free: unpaid | fresh: new | friend: pal | full: complete | fund: finance | funds: money | future: coming
gain: increase | get: obtain, receive | give: provide, offer | given: provided | goal: aim, target
good: fine, great | government: administration | great: excellent | group: team, band | grow: increase, expand
growth: expansion | guarantee: assurance | happen: occur | happy: glad, pleased | hard: difficult
head: chief | health: wellness | hear: listen to | heavy: weighty | help: assist, aid | high: elevated
hit: strike | hold: keep | home: house | hope: wish | huge: enormous, massive | idea: notion, concept
important: significant, essential | improve: enhance | include: contain | including: together with, among them
increase: rise, boost | indeed: in fact | industry: sector | information: data, details | instead: rather
interest: curiosity | issue: matter, problem | issues: matters, problems | job: position, role | join: be part of
keep: retain | key: essential, main | kill: slay | kind: sort, type | know: realise | large: big, sizeable
last: final, previous | late: belated | later: afterwards, subsequently | launch: start | law: statute
lead: guide | leader: chief | learn: find out | leave: depart | level: degree | likely: probable | limit: cap
limits: caps, restrictions | little: small | live: reside | local: regional | long: lengthy | look: appear
lose: misplace | loss: defeat | lot: great deal | low: small | main: chief, primary | maintain: keep
major: key, big | make: create, produce | manage: handle | many: numerous, lots of | market: marketplace
massive: huge, enormous | matter: issue | mean: imply | measure: step | meet: encounter | meeting: assembly, gathering
meetings: gatherings, sessions | member: participant | members: participants | message: note | method: approach
middle: centre | might: could | military: armed forces | million: million | mind: thoughts | minister: secretary
moment: instant | money: cash, funds | month: month | most: majority of | move: step | much: a lot
must: has to | near: close to | nearly: almost | necessary: needed | need: require | needed: required
new: fresh, novel | news: information | next: following | nothing: nil | notice: note | number: figure
offer: supply, provide | office: workplace | official: officer | officials: authorities, officers | often: frequently
old: aged | open: public | opinion: view | opportunity: chance | order: sequence | other: different
outcome: result | own: personal | part: portion | particular: specific | party: celebration | pass: go by
past: previous | pay: remunerate | peace: calm | people: folks, individuals | percent: per cent | perhaps: maybe
period: time | person: individual | place: location, spot | plan: scheme, strategy | plans: schemes, strategies
play: perform | point: level | policy: strategy | political: governmental | position: stance | possible: feasible
possibility: prospect | power: energy | pressure: strain | pretty: fairly | prevent: avert, stop
price: cost | private: personal | probably: most likely | problem: issue, drawback | process: procedure
produce: generate | program: programme | project: undertaking | promise: pledge | proposal: plan, offer
protect: guard | prove: show | provide: supply, offer | public: general public | pull: draw | push: press
put: place | question: query | quick: fast | quickly: rapidly, swiftly | quite: rather | raise: elevate
rather: somewhat | reach: attain | ready: prepared | real: actual | really: truly | reason: cause
receive: get | received: got | recent: latest | recently: lately | reduce: lower, cut | refuse: decline
region: area | reject: turn down | rejected: dismissed, turned down | release: launch | remain: stay
remains: stays | remove: take away | report: account | reported: stated | reporters: journalists
require: need | research: analysis | response: reply | result: outcome | return: come back | reveal: disclose
right: correct | rise: increase | risk: threat, danger | role: part | rule: regulation | run: operate
safe: secure | safety: security | same: identical | save: rescue | say: state | second: subsequent
security: safety, protection | see: observe | seek: look for | seem: appear | sell: offer | send: dispatch
senior: high-ranking | series: collection | serious: grave, severe | serve: serve | service: service
set: established | several: a number of | share: portion | short: brief | show: present | showed: demonstrated
side: facet | sign: indication | significant: substantial, considerable | similar: comparable | simple: easy
simply: merely | since: because | single: sole | situation: state of affairs | small: little, tiny
social: societal | soon: shortly | source: supply | space: room | speak: talk | special: particular
spend: devote | staff: workers | stage: phase | stand: stand | start: begin, commence | started: began
state: say | statement: assertion | stay: remain | step: move | still: nonetheless | stop: halt, cease
story: tale | strategy: plan | strong: powerful, robust | student: pupil | study: examine | success: achievement
suggest: propose | suggested: advised, proposed | support: help, back | sure: certain | system: network
take: get, grab | talk: discuss | talks: discussions, negotiations | target: goal | task: job | team: group
tell: inform | term: time period | test: check | think: believe | threat: menace | threaten: menace
through: by way of | time: period | today: nowadays | together: jointly | told: informed | top: high
total: whole | tough: hard | toward: towards | towards: toward | trade: commerce | trouble: bother
true: accurate | trust: belief | try: attempt | turn: flip | under: beneath | understand: perceive
unit: device | until: till | upon: on | use: utilise, employ | used: employed | usually: normally
value: worth | various: numerous | very: extremely | victim: sufferer | view: perspective | vote: poll
wait: await | want: desire | wants: desires | war: conflict, struggle | warn: caution | warned: cautioned
watch: observe | way: method | weak: feeble | weapon: arm | weapons: arms | week: week | well: properly
whether: if | while: whereas | whole: entire | wide: broad | win: victory | without: with out
woman: lady | women: ladies | word: phrase | work: job, labour | worker: employee | world: globe
worry: fret | worse: poorer | write: compose | wrong: incorrect | year: yr | young: younger
"""


def _parse_synonyms(text: str) -> dict[str, list[str]]:
    table = {}
    for entry in text.replace("\n", "|").split("|"):
        if ":" in entry:
            word, alternatives = entry.split(":", 1)
            options = [a.strip() for a in alternatives.split(",") if a.strip() and a.strip() != word.strip()]
            if options:
                table[word.strip()] = options
    return table


SYNONYMS: dict[str, list[str]] = _parse_synonyms(_SYNONYM_TEXT)
_TOKEN = re.compile(r"[A-Za-z]+|[^A-Za-z]+")


@dataclass(frozen=True, slots=True)
class Pair:
    kind: str
    expected: str | None  # the relation compare() should give, None for "not the same story"
    a: str
    b: str
    source: str


def load_articles() -> dict[str, str]:
    """Article bodies by id: the dev set's ground truth plus the seed articles."""
    articles = {key[:12]: value["articleBody"] for key, value in sorted(dev_truth().items())}
    articles.update({f"seed-{number}": text for number, text in seed_articles().items()})
    return articles


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def sentences(text: str) -> list[str]:
    return [s for p in paragraphs(text) for s in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", p) if s.strip()]


# --- positives ---------------------------------------------------------------

def spin(text: str, rng: random.Random, rate: float) -> str:
    """Swap about ``rate`` of the words found in :data:`SYNONYMS`, keeping capitalisation."""
    out = []
    for token in _TOKEN.findall(text):
        options = SYNONYMS.get(token.lower())
        if options and rng.random() < rate:
            choice = rng.choice(options)
            token = choice[0].upper() + choice[1:] if token[0].isupper() else choice
        out.append(token)
    return "".join(out)


def verbatim_copy(text: str, rng: random.Random) -> str:
    furniture = ["Advertisement", "Share this article", "Read more"]
    parts = paragraphs(text)
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(furniture))
    return "\n\n".join(parts + ["Leave a Reply"])


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def edit(text: str, rng: random.Random) -> str:
    """Drop a sentence or two, add an editor's sentence, put typos in ~2% of words."""
    sents = sentences(text)
    for _ in range(min(2, len(sents) // 8)):
        sents.pop(rng.randrange(len(sents)))
    sents.insert(rng.randrange(len(sents) + 1), "This article has been updated with additional reporting from our correspondents.")
    words = " ".join(sents).split(" ")
    return " ".join(_typo(w, rng) if rng.random() < 0.02 else w for w in words)


def truncate(text: str, rng: random.Random) -> str:
    sents = sentences(text)
    return " ".join(sents[: max(2, len(sents) // 2)])


def reheadline(text: str, rng: random.Random) -> str:
    words = [w for w in re.findall(r"[A-Za-z]+", text) if len(w) > 4]
    headline = " ".join(rng.sample(words, min(6, len(words)))).title()
    return f"{headline}\n\nBy Staff Reporter\n\n{text}"


_CLAUSE = re.compile(r"^(?P<head>[^,]{12,}?), (?P<tail>[^,]{12,})\.$")
_SAID = re.compile(r"^(?P<quote>\".+[,.]\") (?P<who>[A-Z][\w .'-]+?) said\.?$")


_LOWER_STARTS = frozenset("the a an in on at for but and as with after while when this it he she they we".split())


def rewrite_clause(sentence: str) -> str:
    """Turn 'A, B.' into 'B, A.' and '"Q," X said.' into 'X said: "Q."'."""
    said = _SAID.match(sentence)
    if said:
        quote = said["quote"].rstrip(',."')
        return f'{said["who"]} said: {quote}."'
    clause = _CLAUSE.match(sentence)
    if clause:
        tail, head = clause["tail"], clause["head"]
        if head.split()[0].lower() in _LOWER_STARTS:
            head = head[0].lower() + head[1:]
        return f"{tail[0].upper()}{tail[1:]}, {head}."
    return sentence


def paraphrase(text: str, rng: random.Random) -> str:
    """Reorder neighbouring sentences, rewrite clauses, swap a few words."""
    sents = [rewrite_clause(s) for s in sentences(text)]
    for i in range(0, len(sents) - 1, 2):
        if rng.random() < 0.5:
            sents[i], sents[i + 1] = sents[i + 1], sents[i]
    return spin(" ".join(sents), rng, 0.2)


_QUOTED = re.compile(r"([\"“][^\"”]{8,}[\"”])")
_NUMBER = re.compile(r"\d[\d,.]*")
_CLAUSE_SPLIT = re.compile(r",\s+|\s+and\s+|\s+but\s+|;\s+")


def _vocabulary(donors: list[str]) -> list[str]:
    """Lower-case content words of other articles: stand-ins for a rewriter's own wording."""
    return [w for d in donors for w in re.findall(r"\b[a-z]{5,}\b", d)]


def _reword_plain(text: str, rng: random.Random, vocabulary: list[str]) -> str:
    """Reword outside quotes: capitalised words and numbers stay, other words are mostly replaced."""
    out = []
    for token in _TOKEN.findall(text):
        if not token[0].isalpha() or token[0].isupper() or len(token) < 4:
            out.append(token)
            continue
        options = SYNONYMS.get(token.lower())
        if rng.random() < 0.25:
            pass  # a few words survive any rewrite
        elif options:
            token = rng.choice(options)
        else:
            token = rng.choice(vocabulary)
        out.append(token)
    return "".join(out)


def _reword_sentence(sentence: str, rng: random.Random, vocabulary: list[str]) -> str:
    """Clauses in a new order and new wording; quoted speech kept verbatim."""
    parts = _QUOTED.split(sentence)
    if len(parts) > 1:
        return "".join(p if _QUOTED.fullmatch(p) else _reword_plain(p, rng, vocabulary) for p in parts)
    clauses = [c.strip(" .") for c in _CLAUSE_SPLIT.split(sentence) if c.strip(" .")]
    rng.shuffle(clauses)
    body = ", ".join(_reword_plain(c, rng, vocabulary) for c in clauses)
    return body[:1].upper() + body[1:] + "."


def heavy_rewrite(text: str, rng: random.Random, donors: list[str]) -> str:
    """A human-style rewrite, like the NewsWeb's: every sentence reworded, clauses moved, a few sentences
    dropped or swapped, an outlet's own closing line added; names, numbers and quotes kept.

    Sentences keep their order roughly (neighbours swap), so the facts come in the original order.
    """
    vocabulary = _vocabulary(donors) or ["matter"]
    own = sentences(text)
    kept = [s for i, s in enumerate(own) if i == 0 or rng.random() > 0.2]
    for i in range(0, len(kept) - 1, 2):
        if rng.random() < 0.3:
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
    out = [_reword_sentence(s, rng, vocabulary) for s in kept]
    out.append("Analysts said the coming weeks would show whether anything had really changed.")
    return " ".join(out)


# --- negatives ---------------------------------------------------------------

_BOILERPLATE = (
    "The Daily Courier is an independent newspaper serving readers across the region since 1921. "
    "Subscribe today for unlimited access to local news, sport, business and culture, delivered to your inbox "
    "every morning. Our journalists follow the editorial code of the press standards organisation; to report "
    "an error or complain about coverage, write to the readers' editor. Follow us on social media for breaking "
    "news alerts, podcasts and newsletters. Copyright The Daily Courier Media Group. All rights reserved. "
    "Reproduction of this material without written permission is prohibited."
)

_FOLLOW_UP = [
    "{a} returned to the spotlight on {day}, days after the events first drew attention.",
    "In an interview published on {day}, {a} said the situation had changed considerably since then.",
    "Critics including {b} questioned whether the original account had left out important details.",
    "A spokesperson for {a} declined to comment on the new claims when contacted by phone.",
    "Documents reviewed this week suggest the costs could reach {n} million, far above earlier estimates.",
    "Local residents held a meeting on {day} evening and demanded an independent inquiry.",
    "{b} announced a separate review that is expected to report back before the end of the year.",
    "Lawyers for several of those involved filed new papers in court, seeking to delay any decision.",
    "Polling released on {day} showed public opinion had shifted, with {n} percent now opposed.",
    "The dispute has since widened, drawing in regulators and at least {n} other organisations.",
    "{a} is due to appear before a parliamentary committee next month to answer questions.",
    "Analysts warned that the fallout could last for years and reshape the wider debate.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _names(text: str) -> list[str]:
    counts = Counter(re.findall(r"(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*", text))
    return [name for name, _ in counts.most_common(6)] or ["The company", "Officials"]


_MID_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")


def follow_up(text: str, rng: random.Random, donors: list[str]) -> str:
    """A new story on the same event: the original's names and two of its sentences, new content around them.

    The new content is a few sentences from each donor article with their
    names replaced by this article's, plus a few stock follow-up lines.
    """
    names = _names(text)
    own = sentences(text)
    new = []
    for donor in donors:
        picked = sentences(donor)[:12]
        for sentence in rng.sample(picked, min(3, len(picked))):
            new.append(_MID_NAME.sub(lambda _: rng.choice(names), sentence))
    for template in rng.sample(_FOLLOW_UP, 3):
        new.append(template.format(a=rng.choice(names), b=rng.choice(names), day=rng.choice(_DAYS), n=rng.randint(3, 90)))
    rng.shuffle(new)
    for sentence in rng.sample(own, min(2, len(own))):
        new.insert(rng.randrange(len(new) + 1), sentence)
    return " ".join(new)


def _renumber(sentence: str, rng: random.Random) -> str:
    return _NUMBER.sub(lambda m: str(rng.randint(2, 900)), sentence)


def close_follow_up(text: str, rng: random.Random, donors: list[str]) -> str:
    """The hardest follow-up: the original's names in the original's order, new quotes and new numbers.

    Two of the original's sentences come back reworded as a recap; the rest
    are donor sentences (their own quotes, fresh numbers) with their names
    replaced, in turn, by the original's names in order of appearance.
    """
    names = list(dict.fromkeys(_MID_NAME.findall(text))) or ["Officials"]
    vocabulary = _vocabulary(donors) or ["matter"]
    cursor = 0

    def next_name(_: re.Match) -> str:
        nonlocal cursor
        cursor += 1
        return names[(cursor - 1) % len(names)]

    new = []
    for donor in donors:
        picked = sentences(donor)[:15]
        for sentence in rng.sample(picked, min(4, len(picked))):
            new.append(_renumber(_MID_NAME.sub(next_name, sentence), rng))
    own = sentences(text)
    for sentence in rng.sample(own[:6], min(2, len(own[:6]))):
        new.insert(rng.randrange(len(new) + 1), _reword_sentence(sentence, rng, vocabulary))
    template = rng.choice(_FOLLOW_UP)
    new.append(template.format(a=names[0], b=names[-1], day=rng.choice(_DAYS), n=rng.randint(3, 90)))
    return " ".join(new)


def _topic_words(text: str) -> set[str]:
    words = [w.lower() for w in re.findall(r"[A-Za-z]{6,}", text)]
    return {w for w, _ in Counter(words).most_common(25)}


# Seed texts 000 (wire copy) and 001 (its paraphrase) are the same story: never a negative.
KNOWN_COPIES = frozenset({frozenset({"seed-000", "seed-001"})})


def same_topic_pairs(articles: dict[str, str], limit: int) -> list[tuple[str, str]]:
    """Different articles sharing the most topic words."""
    topics = {key: _topic_words(text) for key, text in articles.items()}
    keys = sorted(topics)
    scored = [
        (len(topics[a] & topics[b]), a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]
        if topics[a] & topics[b] and frozenset({a, b}) not in KNOWN_COPIES
    ]
    scored.sort(reverse=True)
    return [(a, b) for _, a, b in scored[:limit]]


def with_template(text: str) -> str:
    return f"{_BOILERPLATE}\n\n{text}\n\n{_BOILERPLATE}"


# --- the set -----------------------------------------------------------------

POSITIVES = {
    "verbatim": ("verbatim", verbatim_copy),
    "edited": ("edited", edit),
    "truncated": ("edited", truncate),
    "reheadlined": ("edited", reheadline),
    "paraphrased": ("rewrite", paraphrase),
    "spun": ("rewrite", lambda text, rng: spin(text, rng, rng.uniform(0.3, 0.6))),
}


def usable(articles: dict[str, str]) -> dict[str, str]:
    """Articles long enough (≥ MIN_WORDS words) to make copies of; seed texts kept as they are."""
    return {k: t for k, t in articles.items() if len(t.split()) >= MIN_WORDS}


def is_english(text: str) -> bool:
    words = re.findall(r"\w+", text.lower())
    return sum(w in SYNONYMS or w in ("the", "and", "of") for w in words) > 0.1 * max(1, len(words))


def build_pairs(seed: int = 7, articles: dict[str, str] | None = None) -> list[Pair]:
    """The whole labelled set, deterministic for a given seed."""
    rng = random.Random(seed)
    articles = usable(articles if articles is not None else load_articles())
    keys = sorted(articles)
    pairs = []
    for key in keys:
        text = articles[key]
        for kind, (expected, make) in POSITIVES.items():
            if expected == "rewrite" and not is_english(text):
                continue  # the synonym table and clause rules are English
            pairs.append(Pair(kind, expected, text, make(text, rng), key))
        donors = rng.sample([k for k in keys if k != key and is_english(articles[k])], 3)
        pairs.append(Pair("follow-up", None, text, follow_up(text, rng, [articles[d] for d in donors]), key))
        if is_english(text):
            donor_texts = [articles[d] for d in donors]
            pairs.append(Pair("rewritten", "rewrite", text, heavy_rewrite(text, rng, donor_texts), key))
            pairs.append(Pair("follow-up-close", None, text, close_follow_up(text, rng, donor_texts), key))
    for a, b in same_topic_pairs(articles, limit=len(keys)):
        pairs.append(Pair("same-topic", None, articles[a], articles[b], f"{a}/{b}"))
    shuffled = keys[:]
    rng.shuffle(shuffled)
    for a, b in zip(shuffled, shuffled[1:] + shuffled[:1]):
        pairs.append(Pair("same-template", None, with_template(articles[a]), with_template(articles[b]), f"{a}/{b}"))
    return pairs


def main() -> None:
    pairs = build_pairs()
    counts = Counter((p.kind, p.expected) for p in pairs)
    for (kind, expected), n in sorted(counts.items(), key=lambda item: item[0][0]):
        print(f"{kind:14} expected={expected!s:9} pairs={n}")
    print(f"total {len(pairs)} pairs from {len(usable(load_articles()))} articles")


if __name__ == "__main__":
    main()
