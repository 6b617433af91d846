"""The archive out: versions as JSON lines, CSV or Parquet (``files``), captures as a WACZ
package for replay tools (``wacz``), the whole index into another database (``to_database``).
"""
