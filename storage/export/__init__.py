"""The archive out: versions as JSON lines, CSV or Parquet (``files``), captures as a WACZ
package for replay tools (``wacz``), the whole index into another database (``to_database``).
"""

FORMATS = ("jsonl", "csv", "parquet")  # what ``newsarchive export --format`` writes
COPY_BATCH = 2000  # rows per transaction when copying an archive to another database
