"""Scrapy extensions: the end-of-run summary (``summary``), the run's record in the archive
(``run_record``), the one-line network errors (``log_filters``) and the delivery of the
watches' alerts when a crawl ends (``alerts``).
"""
