"""A simulated news web for tests: several outlets served by one local proxy-style HTTP server.

with NewsWeb(seed=0) as web:
    ...crawl with http_proxy=web.proxy_url, seeds from web.seed_toml()...
    assert web.article(url).text in extracted
"""

from tests.newsweb.web import NewsWeb

__all__ = ["NewsWeb"]
