"""Filler markup that brings article pages up to real-world sizes for benchmarks.

Real article pages weigh 50–200 KB, most of it inline scripts, styles and
mega-menus. ``NewsWeb(page_padding_kb=N)`` adds such markup (built once per
outlet, the same on every request) so a page is roughly N KB.
"""

from __future__ import annotations

import logging
import random

logger = logging.getLogger(__name__)

BASE_PAGE_BYTES = 9_000  # an unpadded article page, roughly
WORDS = ["promo", "widget", "carousel", "banner", "sticky", "header", "consent", "tracker", "video", "grid"]


def _script(rng: random.Random, index: int) -> str:
    keys = ", ".join(f'"{rng.choice(WORDS)}_{index}_{n}": {rng.randint(0, 9999)}' for n in range(12))
    return (
        f"<script>window.__cfg{index} = {{{keys}}};\n"
        f"(function(w,d){{var s=d.createElement('script');s.async=true;s.src='/static/js/chunk-{index:04d}.js';"
        f"d.head.appendChild(s);w.dataLayer=w.dataLayer||[];w.dataLayer.push({{event:'chunk{index}'}});}})"
        "(window,document);</script>\n"
    )


def _style(rng: random.Random, index: int) -> str:
    rules = "".join(
        f".{rng.choice(WORDS)}-{index}-{n}{{margin:{rng.randint(0, 24)}px;color:#{rng.randint(0, 0xFFFFFF):06x};"
        f"font-size:{rng.randint(10, 22)}px}}"
        for n in range(10)
    )
    return f"<style>{rules}</style>\n"


def _menu(rng: random.Random, index: int) -> str:
    links = "".join(f'<li><a href="#{rng.choice(WORDS)}-{index}-{n}">Topic {index}.{n}</a></li>' for n in range(15))
    return f'<ul class="mega-menu-col" data-col="{index}">{links}</ul>\n'


def build_padding(outlet_name: str, target_kb: int) -> tuple[str, str]:
    """(head markup, footer markup) adding up to about ``target_kb`` KB minus the page's own size."""
    if target_kb <= 0:
        return "", ""
    rng = random.Random(f"padding:{outlet_name}")
    budget = max(0, target_kb * 1024 - BASE_PAGE_BYTES)
    head, foot = [], []
    head_size = foot_size = 0
    index = 0
    while head_size + foot_size < budget:
        if foot_size < budget * 0.3:
            chunk = _menu(rng, index)
            foot.append(chunk)
            foot_size += len(chunk)
        chunk = _script(rng, index) if index % 2 else _style(rng, index)
        head.append(chunk)
        head_size += len(chunk)
        index += 1
    return "".join(head), f'<nav class="mega-menu">{"".join(foot)}</nav>'
