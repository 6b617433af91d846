"""Finding articles: RSS/Atom feeds (``feeds``) and sitemaps, sitemap indexes and Google News
sitemaps (``sitemaps``). Seed files are read by :mod:`storage.outlets.seeds`, which ingest shares.
"""
