"""Synthetic outlet pages for the extraction tests and benchmarks: one outlet template, many stories."""

from __future__ import annotations

import html
import random
from pathlib import Path

WORDS = (
    "council budget river bridge school hospital election minister harbour police court museum "
    "festival railway tenants workers inquiry climate drought vaccine market factory union mayor "
    "village coastline parliament report funding residents station airport library research"
).split()
VERBS = "approved rejected announced delayed reviewed debated criticised expanded closed opened".split()


def sentence(rng: random.Random) -> str:
    subject, obj = rng.choice(WORDS), rng.choice(WORDS)
    extra = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 14)))
    return f"The {subject} {rng.choice(VERBS)} the {obj} plan on {rng.choice(VERBS)} {extra} {rng.randint(2, 999)}."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))


def story(seed: int, paragraphs: int = 6) -> list[str]:
    """The body of one article: distinct paragraphs (the ground truth)."""
    rng = random.Random(seed)
    return [paragraph(rng) for _ in range(paragraphs)]


def news_page(
    title: str,
    body: list[str],
    *,
    site: str = "The Daily Courier",
    clutter: list[str] = (),
    head: str = "",
    byline: str = "By Jane Doe | Staff Writer",
) -> str:
    """An article page in a typical outlet template, ``clutter`` lines after every second paragraph."""
    parts, pending = [], list(clutter)
    for index, text in enumerate(body):
        parts.append(f"<p>{html.escape(text)}</p>")
        if pending and index % 2 == 1:
            parts.append(f"<p>{html.escape(pending.pop(0))}</p>")
    parts.extend(f"<p>{html.escape(line)}</p>" for line in pending)
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{html.escape(title)} | {html.escape(site)}</title>
<meta property="og:site_name" content="{html.escape(site)}">
{head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a> <a href="/weather">Weather</a></nav></header>
<main><article>
<h1>{html.escape(title)}</h1>
<p class="byline">{html.escape(byline)}</p>
{''.join(parts)}
</article></main>
<footer><p>© 2024 Courier Media Group. All rights reserved.</p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></footer>
</body></html>"""


def seed_clutter_lines(seed_dir: Path) -> list[str]:
    """Short non-sentence lines of the seed articles: the prompts and labels outlets wrap stories in."""
    lines: list[str] = []
    for path in sorted(seed_dir.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and len(line.split()) <= 15 and not line.endswith((".", "”", '"', "’")) and line not in lines:
                lines.append(line)
    return lines


def outlet_pages(name: str, clutter_pool: list[str], count: int, *, first_seed: int = 0) -> list[tuple[str, str, str]]:
    """``count`` pages of one synthetic outlet as (url, html, true body text).

    The outlet picks six recurring lines from ``clutter_pool``; each page shows
    each of them with a fixed per-outlet probability, plus one quote of its own.
    """
    rng = random.Random(name)
    recurring = rng.sample(clutter_pool, min(6, len(clutter_pool)))
    odds = {line: rng.uniform(0.5, 0.95) for line in recurring}
    pages = []
    for index in range(first_seed, first_seed + count):
        page_rng = random.Random(f"{name}/{index}")
        body = story(page_rng.getrandbits(32), page_rng.randint(4, 9))
        body.insert(page_rng.randrange(1, len(body)), f"“{sentence(page_rng)[:-1]},” {page_rng.choice(['she', 'he'])} said.")
        clutter = [line for line in recurring if page_rng.random() < odds[line]]
        html_page = news_page(f"{name.title()} story {index}", body, site=name.title(), clutter=clutter)
        pages.append((f"https://{name}.example/news/{index}", html_page, "\n\n".join(body)))
    return pages
