"""A Scrapy ``DNS_RESOLVER`` that sends ``*.rebind.test`` to 127.0.0.1, as a DNS-rebinding attacker would.

The private-network guard's own lookup of such a name finds nothing (it is not
in any DNS), so its request-time check lets the fetch through; the connection
then lands on the loopback address, which only the check of the address
actually connected to can catch. Set
``DNS_RESOLVER=tests.helpers.rebinding_resolver.RebindingResolver``.
"""

from __future__ import annotations

from collections.abc import Sequence

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer

REBINDING_DOMAIN = "rebind.test"


class RebindingResolver(CachingThreadedResolver):
    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:
        if name == REBINDING_DOMAIN or name.endswith("." + REBINDING_DOMAIN):
            return defer.succeed("127.0.0.1")
        return super().getHostByName(name, timeout)
