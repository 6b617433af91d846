"""WARC files into the archive: ``ingest`` (files from any tool, indexed in place), ``reindex``
(the whole database rebuilt from ``ARCHIVE_DIR/warcs/``) and ``reextract`` (archived records
through the current extractor).
"""
