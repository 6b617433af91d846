"""Seed file text (the DESIGN.md TOML format) for the simulated outlets."""

from __future__ import annotations

import json
import logging

from tests.newsweb.model import Outlet

logger = logging.getLogger(__name__)


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(json.dumps(value) for value in values) + "]"


def seed_toml(outlets: list[Outlet]) -> str:
    """One ``[[outlet]]`` table per outlet, in the order given."""
    blocks = ["# Seed file for the simulated news web (tests/newsweb); crawl it through its proxy.\n"]
    for outlet in outlets:
        lines = [
            "[[outlet]]",
            f"name = {json.dumps(outlet.name)}",
            f"domains = {_toml_list(outlet.domains)}",
            f"feeds = {_toml_list(outlet.feeds)}",
            f"sitemaps = {_toml_list(outlet.sitemaps)}",
            f"start_urls = {_toml_list(outlet.start_urls)}",
        ]
        if outlet.article_pattern is not None:
            # a TOML literal string keeps regex backslashes as they are
            lines.append(f"article_pattern = '{outlet.article_pattern}'")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
