"""Walls an article can answer with instead of itself: the pages of tests/data/walls/ with their statuses and headers.

``NewsWeb.wall_article(url, kind)`` puts one up, ``kind=None`` takes it down.
Each is served the way the real ones are: a consent wall with 200, Cloudflare's
challenge with 403 and ``cf-mitigated: challenge``, AWS WAF's with 202 and
``x-amzn-waf-action: challenge``, Akamai's "Access Denied" with 403, a login
wall with 200 and a maintenance page with 503.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).resolve().parents[1] / "data" / "walls"


class Wall(NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    file: str  # in tests/data/walls/
    kind: str  # what extract.walls should call it


WALLS: dict[str, Wall] = {
    "consent": Wall(200, [], "consent-en.html", "consent"),
    "consent-de": Wall(200, [], "consent-de.html", "consent"),
    "cloudflare": Wall(403, [("cf-mitigated", "challenge"), ("Server", "cloudflare"),
                             ("CF-RAY", "8fd2a1b2c3d4e5f6-LHR")], "cloudflare-challenge.html", "challenge"),
    "aws-waf": Wall(202, [("x-amzn-waf-action", "challenge")], "aws-waf-challenge.html", "challenge"),
    "akamai": Wall(403, [("Server", "AkamaiGHost"), ("Mime-Version", "1.0")], "akamai-denied.html", "denied"),
    "login": Wall(200, [], "login-wall.html", "login"),
    "maintenance": Wall(503, [], "maintenance.html", "maintenance"),
}


def wall_page(name: str) -> bytes:
    return (DATA / WALLS[name].file).read_bytes()
