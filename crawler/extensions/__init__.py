"""Scrapy extensions: the end-of-run summary (``summary``), the run's record in the archive
(``run_record``) and the one-line network errors (``log_filters``).
"""
