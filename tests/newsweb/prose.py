"""Deterministic news prose: headlines, bylines and 5–12 paragraph stories.

Every story is built from a ``random.Random`` seeded by the caller, so the same
seed gives the same web on every run and machine. Sentences are assembled from
small parts (people, places, figures, topic nouns) so two stories on the same
topic share few five-word runs and do not look like copies of each other.
"""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass

logger = logging.getLogger(__name__)

WOMEN = ["Maria", "Zoë", "Aisha", "Helen", "Ingrid", "Chloé", "Priya", "Ruth", "Amélie", "Nadia", "Grace", "Léa"]
MEN = ["José", "Tom", "Samuel", "Jürgen", "Oliver", "Kwame", "André", "Daniel", "Mateo", "Rafael", "Owen", "Björn"]
SURNAMES = [
    "Okafor",
    "Lindqvist",
    "Brennan",
    "Müller",
    "Castillo",
    "Haddad",
    "Novak",
    "Fairweather",
    "Sørensen",
    "Delacroix",
    "Whitcombe",
    "Ibáñez",
    "Kowalczyk",
    "Moreau",
    "Ashdown",
    "Tanaka",
    "Galloway",
    "Petrov",
]
CITIES = ["Port Ellery", "Ashford Bay", "Kingsmere", "Dunmore", "Westhaven", "Callowfield", "Marlow Cross", "Redcliffe"]
DISTRICTS = ["the Old Quay", "Northgate", "St Anne's", "the Riverside estate", "Eastfield", "Harbour Row", "Millbrook"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

TOPICS = [
    {
        "section": "local",
        "thing": ["the tram extension", "the night-bus pilot", "the fare freeze", "the new ferry timetable"],
        "body": ["the regional transit board", "the transport authority", "the city's mobility committee"],
        "concern": ["delays on the eastern line", "overcrowded platforms", "the cost of season tickets"],
        "people": ["commuters", "bus drivers", "shift workers"],
    },
    {
        "section": "local",
        "thing": ["the affordable housing plan", "the rent stabilisation scheme", "the tower block refurbishment"],
        "body": ["the housing department", "the planning committee", "the tenants' federation"],
        "concern": ["rising rents", "damp and mould in older flats", "a waiting list of several thousand families"],
        "people": ["tenants", "first-time buyers", "landlords"],
    },
    {
        "section": "business",
        "thing": ["the shipyard takeover", "the container terminal expansion", "the new logistics hub"],
        "body": ["the port company", "the chamber of commerce", "the dockworkers' union"],
        "concern": ["job losses at the old yard", "lorry traffic through residential streets", "falling cargo volumes"],
        "people": ["dockworkers", "hauliers", "small suppliers"],
    },
    {
        "section": "business",
        "thing": ["the high-street regeneration fund", "the market hall reopening", "the business rates relief"],
        "body": ["the traders' association", "the economic development office", "the town centre partnership"],
        "concern": ["empty shopfronts", "parking charges", "competition from out-of-town retail parks"],
        "people": ["shopkeepers", "market traders", "café owners"],
    },
    {
        "section": "politics",
        "thing": ["the draft budget", "the council tax rise", "the spending review"],
        "body": ["the finance committee", "the opposition group", "the mayor's office"],
        "concern": ["a shortfall in the social care budget", "cuts to library opening hours", "borrowing costs"],
        "people": ["councillors", "residents", "care workers"],
    },
    {
        "section": "politics",
        "thing": ["the boundary review", "the proposed ward changes", "the by-election timetable"],
        "body": ["the electoral commission", "the returning officer", "the standards panel"],
        "concern": ["turnout in poorer wards", "the merging of two rural seats", "postal vote delays"],
        "people": ["voters", "candidates", "polling staff"],
    },
    {
        "section": "environment",
        "thing": ["the flood defence scheme", "the sea wall repairs", "the wetland restoration project"],
        "body": ["the environment agency", "the coastal partnership", "the drainage board"],
        "concern": ["storm surges along the estuary", "sewage overflows after heavy rain", "erosion at the cliffs"],
        "people": ["homeowners near the river", "farmers", "insurers"],
    },
    {
        "section": "health",
        "thing": ["the new maternity unit", "the walk-in clinic", "the ambulance handover plan"],
        "body": ["the hospital trust", "the health board", "the nurses' union"],
        "concern": ["long waits in the emergency department", "staff shortages on night shifts", "bed occupancy"],
        "people": ["patients", "paramedics", "junior doctors"],
    },
    {
        "section": "education",
        "thing": ["the school merger", "the free breakfast programme", "the new sixth-form college"],
        "body": ["the education authority", "the teachers' union", "the board of governors"],
        "concern": ["falling pupil numbers", "crumbling classrooms", "the shortage of maths teachers"],
        "people": ["parents", "teachers", "pupils"],
    },
]

HEADLINES = [
    "{City} {body_short} backs {thing_short} after {n}-hour debate",
    "{Thing} faces fresh delay as {concern} grows",
    "{People} in {district} push back against {thing_short}",
    "Questions mount over {thing_short} in {City}",
    "{City} unveils £{amount}m plan for {thing_short}",
    "{Body} split over {thing_short} as deadline nears",
    "{Thing} to go ahead despite warnings over {concern}",
    "What {thing_short} means for {people} in {district}",
]

LEDES = [
    "{CITY} — {Body} on {day} approved {thing}, ending months of argument over {concern} in {district}.",
    "{CITY} — Plans for {thing} were thrown into doubt on {day} after {body} admitted that {concern} had been underestimated.",
    "{CITY} — {People} packed a public meeting in {district} on {day} evening to demand answers about {thing}.",
    "{CITY} — {Thing} will cost £{amount} million more than first forecast, {body} said on {day}.",
]

SENTENCES = [
    "{Person}, who chairs {body}, [said|told a briefing|insisted] the decision [had been taken|was reached] after {n} weeks of [consultation|public hearings|talks].",
    "According to [figures|survey results|data] published by {body}, {pct} per cent of {people} in {district} [said they had been affected by|reported problems with|blamed their difficulties on] {concern}.",
    "The [proposal|plan|idea], first [floated|put forward|suggested] in {year}, was [revised|redrafted|rewritten] {n2} times after objections from {people}.",
    "[Critics|Opponents|Campaigners] [argue|say|insist] that {thing} does little to [address|tackle|ease] {concern}, which [they say has worsened|has grown|has become worse] since {year}.",
    "A [report|briefing note|draft paper] seen by [this newspaper|reporters|local reporters] puts the [total|overall|final] cost at £{amount} million, spread over {n2} years.",
    "{Person2} said {pron2} had [written to|emailed|telephoned] {body} {n2} times [without receiving a full reply|and was still waiting for answers|over the past year].",
    "[Officials|Engineers|Managers] expect the first phase to be [finished|completed|ready] by the [spring|autumn|end] of {year2}, [although earlier deadlines have slipped|but few are betting on it|if funding is confirmed].",
    "The scheme is funded [partly|largely|mostly] by a government grant and [partly|in part] by borrowing, a mix that has [worried|unsettled|alarmed] {people}.",
    "In {district}, where {people} make up a [large|growing|significant] share of residents, opinion [remains sharply divided|is split|has hardened].",
    "An [independent|external|earlier] review in {year} found that {concern} cost the [local economy|area|region] around £{amount2} million a year.",
    "{Body} said it would publish a [detailed|full|revised] timetable within {n2} weeks and hold [further drop-in sessions|more public meetings|another round of talks].",
    "Some {people} [welcomed|praised|cautiously backed] the announcement, saying it was [long overdue|a step forward|better than nothing], while others called it [a gamble|a mistake|a distraction].",
    "The opposition has asked for the plans to be [examined|scrutinised|checked] by an [outside auditor|independent panel|external reviewer] before any contract is signed.",
    "Of the {n3} responses to the consultation, [roughly|about|just over] {pct2} per cent supported the plan in its current form.",
    "{Person3}, a spokesperson for {body}, [declined to comment on|would not discuss|disputed] the figures but said [talks were continuing|a statement would follow|the plan was on track].",
    "Neighbouring {City2} [abandoned|shelved|scrapped] a similar project in {year} after costs [spiralled|doubled|ran out of control] and contractors withdrew.",
    "Under the revised plan, work in {district} would [start first|begin in {month}|be prioritised], with other areas following over {n2} months.",
    "Residents [will be able to|can] comment on the final design at the library in {district} [until the end of the month|before {day}|for {n2} more weeks].",
    "[Turnout at the meetings|Attendance|Interest] has [been high|surprised organisers|grown steadily], with more than {n4} people signing a petition [since {month}|in {n2} weeks|last year].",
    "{Person2}, who has lived in {district} for {n} years, [said|described how] the [problems|changes|delays] had [made daily life harder|forced {pron2obj} to rethink plans|cost {pron2obj} money].",
]

QUOTES = [
    "We will not back down",
    "This is not over",
    "We have listened and we have changed the plan",
    "People deserve a straight answer",
    "Nobody asked us",
    "The numbers simply do not add up",
    "It is a good day for {district}",
    "We are running out of time",
    "I have never seen anything like it",
    "Every week we wait costs money",
    "We owe it to the next generation",
    "This was the easy part",
]

ONE_LINERS = [
    "A final vote is expected on {day}.",
    "No date has been set.",
    "The meeting lasted {n} hours.",
    "The council did not respond to a request for comment.",
    "Work is due to begin in {month}.",
    "The consultation closes on {day}.",
]

ALTERNATION = re.compile(r"\[([^\]]+)\]")
MONTHS = ["January", "March", "April", "June", "September", "October"]


@dataclass(frozen=True, slots=True)
class Story:
    """A generated story: headline, standfirst, authors, section, paragraphs."""

    title: str
    description: str
    authors: list[str]
    section: str
    paragraphs: list[str]


def person(rng: random.Random) -> tuple[str, str]:
    """A full name and the pronoun to refer to that person."""
    if rng.random() < 0.5:
        return f"{rng.choice(WOMEN)} {rng.choice(SURNAMES)}", "she"
    return f"{rng.choice(MEN)} {rng.choice(SURNAMES)}", "he"


def _slots(rng: random.Random, topic: dict) -> dict[str, str]:
    city, city2 = rng.sample(CITIES, 2)
    p1, _ = person(rng)
    p2, pron2 = person(rng)
    p3, _ = person(rng)
    thing = rng.choice(topic["thing"])
    body = rng.choice(topic["body"])
    year = rng.randint(2015, 2024)
    slots = {
        "city": city,
        "City2": city2,
        "CITY": city.upper(),
        "district": rng.choice(DISTRICTS),
        "day": rng.choice(DAYS),
        "month": rng.choice(MONTHS),
        "thing": thing,
        "thing_short": thing.removeprefix("the "),
        "body": body,
        "body_short": body.split()[-1],
        "concern": rng.choice(topic["concern"]),
        "people": rng.choice(topic["people"]),
        "Person": p1,
        "Person2": p2,
        "pron2": pron2,
        "Person3": p3,
        "n": str(rng.randint(3, 11)),
        "n2": str(rng.randint(2, 9)),
        "n3": f"{rng.randint(1200, 9800):,}",
        "pct": str(rng.randint(18, 74)),
        "pct2": str(rng.randint(21, 68)),
        "amount": str(rng.randint(4, 180)),
        "amount2": str(rng.randint(2, 60)),
        "year": str(year),
        "year2": str(rng.randint(2027, 2030)),
        "n4": f"{rng.randint(300, 4800):,}",
        "pron2obj": "her" if pron2 == "she" else "him",
    }
    slots["City"] = city
    for key in ("thing", "body", "people"):
        slots[key.capitalize()] = slots[key][0].upper() + slots[key][1:]
    return slots


def fill(rng: random.Random, template: str, slots: dict[str, str]) -> str:
    """Fill ``{slot}`` names and pick one option of each ``[a|b|c]`` group."""
    text = ALTERNATION.sub(lambda match: rng.choice(match.group(1).split("|")), template)
    return text.format(**slots)


def _quote_paragraph(rng: random.Random, slots: dict[str, str]) -> str:
    speaker, pronoun = person(rng)
    quote = rng.choice(QUOTES).format(**slots)
    surname = speaker.split()[-1]
    return rng.choice(
        [
            f"“{quote},” {pronoun} said.",
            f"“{quote},” said {surname}.",
            f"“{quote},” {speaker} told reporters.",
        ]
    )


def generate_story(rng: random.Random) -> Story:
    """Build one story from ``rng``: 5–12 paragraphs, one a single short line, one a short quote."""
    topic = rng.choice(TOPICS)
    slots = _slots(rng, topic)
    count = rng.randint(5, 12)
    body_count = count - 3  # lede, one-liner and quote come on top
    sentences = rng.sample(SENTENCES, min(len(SENTENCES), body_count * 2))
    paragraphs = [rng.choice(LEDES).format(**slots)]
    for index in range(body_count):
        chunk = sentences[index * 2 : index * 2 + rng.randint(1, 2)] or sentences[:1]
        paragraphs.append(" ".join(fill(rng, s, slots) for s in chunk))
    paragraphs.insert(rng.randint(2, len(paragraphs)), _quote_paragraph(rng, slots))
    paragraphs.insert(rng.randint(2, len(paragraphs)), rng.choice(ONE_LINERS).format(**slots))
    authors = [person(rng)[0] for _ in range(1 if rng.random() < 0.7 else 2)]
    title = rng.choice(HEADLINES).format(**slots)
    return Story(
        title=title[0].upper() + title[1:],
        description=paragraphs[0].split(" — ", 1)[-1],
        authors=authors,
        section=topic["section"],
        paragraphs=paragraphs,
    )
