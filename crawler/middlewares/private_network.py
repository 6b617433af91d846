"""Refuse fetches to loopback, private, link-local and other non-public addresses.

A page, a redirect or a DNS answer can point the crawler at internal services
(``http://169.254.169.254/``, ``http://localhost:6379/``). This downloader
middleware resolves each request's host before it is fetched and drops the
request when any address is not globally routable, and drops a response whose
connection landed on such an address all the same (a DNS answer that changed
between the check and the connection). It sits nearer the network than the
WARC middleware (890 against 880), so a refused response is never archived.
Requests sent through a configured proxy are the proxy's business and pass.

Setting: ``ARCHIVE_ALLOW_PRIVATE_NETWORKS`` (default False) turns the guard off
(the tests crawl 127.0.0.1). Stats: ``private_network/blocked``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

logger = logging.getLogger(__name__)


def is_public_address(address: str) -> bool:
    """True when ``address`` (IPv4 or IPv6) is globally routable."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PrivateNetworkGuard:
    def __init__(self, crawler: Any) -> None:
        if crawler.settings.getbool("ARCHIVE_ALLOW_PRIVATE_NETWORKS"):
            raise NotConfigured("ARCHIVE_ALLOW_PRIVATE_NETWORKS is on")
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> PrivateNetworkGuard:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get("proxy"):
            return
        host = urlsplit(request.url).hostname or ""
        addresses = await resolve(host)
        blocked = [a for a in addresses if not is_public_address(a)]
        if blocked:
            self._refuse(request, f"{host} resolves to non-public address {blocked[0]}")

    def process_response(self, request: Request, response: Response) -> Response:
        # The address actually connected to: catches DNS answers that changed since the check.
        address = getattr(response, "ip_address", None)
        if address is not None and not request.meta.get("proxy") and not is_public_address(str(address)):
            self._refuse(request, f"connected to non-public address {address}")
        return response

    def _refuse(self, request: Request, why: str) -> None:
        self.stats.inc_value("private_network/blocked")
        logger.warning("refused %s: %s (set ARCHIVE_ALLOW_PRIVATE_NETWORKS=1 to allow)", request.url, why)
        raise IgnoreRequest(why)


async def resolve(host: str) -> list[str]:
    """The addresses ``host`` resolves to (itself when it is one); [] when it does not resolve."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return [host.strip("[]")]
    except ValueError:
        pass
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []  # unresolvable: the download itself reports the DNS error
    return sorted({info[4][0] for info in infos})
