"""The one story that travels: a wire original and three outlets' copies of it.

The wire outlet publishes the original; one outlet republishes it word for
word a few hours later, one lightly edits it, one rewrites it in its own words.
A crawler's story grouping should link the first three firmly and the rewrite
at least loosely; the texts here are written for this test web.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

logger = logging.getLogger(__name__)

ORIGINAL_TITLE = "NATO and Russia end Brussels talks with no breakthrough"

ORIGINAL = [
    "BRUSSELS — Envoys from NATO and Russia ended their first full council meeting in more than two years on "
    "Wednesday without narrowing the gap between them, after nearly four hours of talks at the alliance's "
    "headquarters.",
    "Allied ambassadors told the Russian delegation that Moscow could not veto the membership of Ukraine or any "
    "other country, and that an attack on its neighbour would carry a heavy economic price.",
    "Russia has massed around 100,000 troops near the Ukrainian border and wants written guarantees that the "
    "alliance will stop expanding eastwards and pull forces back from countries that joined after the Cold War.",
    "Deputy Foreign Minister Alexander Grushko, who led the Russian side, said the exchange had been frank but had "
    "exposed a long list of fundamental disagreements.",
    "“We are not going to agree that NATO cannot expand,” Wendy Sherman said.",
    "Sherman, the US deputy secretary of state, added that Moscow had neither accepted nor rejected an offer of "
    "further meetings on arms control, military exercises and the placement of missiles in Europe.",
    "NATO Secretary General Jens Stoltenberg said allies were ready to keep talking but would not reopen the "
    "principle that every country chooses its own alliances.",
    "A third round is due in Vienna on Thursday.",
    "The week of diplomacy began on Monday in Geneva, where US and Russian officials met for eight hours without "
    "agreeing on any concrete steps.",
]

EDITED_TITLE = "No breakthrough as NATO and Russia end Brussels talks"

# Light edits: a reworded lede, a trimmed sentence, the last paragraph dropped.
EDITED = [
    "BRUSSELS — Envoys from NATO and Russia ended their first full council meeting in over two years on "
    "Wednesday without narrowing the gap between them, after almost four hours of talks at the alliance's "
    "headquarters.",
    ORIGINAL[1],
    "Russia has massed around 100,000 troops near the Ukrainian border and wants written guarantees that the "
    "alliance will stop expanding eastwards.",
    ORIGINAL[3],
    ORIGINAL[4],
    ORIGINAL[5],
    ORIGINAL[6],
    ORIGINAL[7],
]

REWRITTEN_TITLE = "Allies and Moscow still far apart after council meeting"

REWRITTEN = [
    "Hopes of easing the standoff over Ukraine faded in Brussels this week when a long-awaited session of the "
    "NATO-Russia Council broke up with both sides restating positions they had held for months.",
    "Western diplomats insisted that no outside power gets a say over which countries may join the alliance, "
    "and warned the Kremlin that sanctions would follow any military move against Kyiv.",
    "Moscow, which has stationed an estimated 100,000 soldiers close to the frontier, is pressing for a halt to "
    "enlargement and a rollback of allied deployments in eastern Europe.",
    "Russia's chief negotiator, Alexander Grushko, described the discussion as candid, while conceding that the "
    "disagreements ran deep.",
    "“The door stays open,” Stoltenberg said.",
    "American officials said an invitation to continue talks on arms control and military drills had been left "
    "hanging, with the Russian side asking for time to consult Moscow.",
    "Vienna hosts the next meeting.",
    "Analysts in the city said the absence of a walkout was perhaps the only encouraging sign of the day.",
]


@dataclass(frozen=True, slots=True)
class Copy:
    """How one outlet carries the story."""

    relation: str
    title: str
    paragraphs: list[str]
    delay: timedelta  # after the wire original
    authors: list[str]


COPIES = {
    "original": Copy("original", ORIGINAL_TITLE, ORIGINAL, timedelta(0), ["Example Press staff"]),
    "verbatim": Copy("verbatim", ORIGINAL_TITLE, ORIGINAL, timedelta(hours=3), ["Example Press"]),
    "edited": Copy(
        "edited", EDITED_TITLE, EDITED, timedelta(hours=5, minutes=20), ["Example Press", "Daily Courier staff"]
    ),
    "rewritten": Copy("rewritten", REWRITTEN_TITLE, REWRITTEN, timedelta(hours=9), ["Ruth Galloway"]),
}
