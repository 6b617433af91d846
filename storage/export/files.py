"""Write a stream of versions as JSON lines, CSV or Parquet, in constant memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import fields
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from storage.versions.results import VersionView

PARQUET_ROWS_PER_GROUP = 1000
FIELDS = [f.name for f in fields(VersionView)]
_STRUCTURED = {"authors", "tags", "change_summary"}

_INTEGERS = {"version": pa.int32(), "status": pa.int32(), "warc_offset": pa.int64(), "warc_length": pa.int64(),
             "chars_added": pa.int32(), "chars_removed": pa.int32()}
_TIMES = {"first_seen", "last_seen", "published", "modified"}
_LISTS = {"authors", "tags"}


def _arrow_type(name: str) -> pa.DataType:
    if name in _INTEGERS:
        return _INTEGERS[name]
    if name in _TIMES:
        return pa.timestamp("us", tz="UTC")
    if name in _LISTS:
        return pa.list_(pa.string())
    return pa.string()


PARQUET_SCHEMA = pa.schema([(name, _arrow_type(name)) for name in FIELDS])


def write_versions(fmt: str, versions: Iterable[VersionView], out: IO[Any] | Path) -> int:
    """Write ``versions`` in format ``fmt`` (one of :data:`FORMATS`) to a stream or a file path."""
    if fmt == "parquet":
        return write_parquet(versions, str(out) if isinstance(out, Path) else out)
    writer = write_jsonl if fmt == "jsonl" else write_csv
    if not isinstance(out, Path):
        return writer(versions, out)
    with out.open("w", encoding="utf-8", newline="") as stream:
        return writer(versions, stream)


def write_jsonl(versions: Iterable[VersionView], out: IO[str]) -> int:
    count = 0
    for count, view in enumerate(versions, 1):
        out.write(json.dumps(view.to_json(), ensure_ascii=False) + "\n")
    return count


def write_csv(versions: Iterable[VersionView], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    count = 0
    for count, view in enumerate(versions, 1):
        row = view.to_json()
        for key in _STRUCTURED:
            if row[key] is not None:
                row[key] = json.dumps(row[key], ensure_ascii=False)
        writer.writerow(row)
    return count


def write_parquet(versions: Iterable[VersionView], out: Any) -> int:
    """Write row groups of :data:`PARQUET_ROWS_PER_GROUP` versions to a path or binary file."""
    count = 0
    with pq.ParquetWriter(out, PARQUET_SCHEMA) as writer:
        for batch in _batches(versions, PARQUET_ROWS_PER_GROUP):
            writer.write_table(pa.Table.from_pylist([_parquet_row(v) for v in batch], schema=PARQUET_SCHEMA))
            count += len(batch)
    return count


def _parquet_row(view: VersionView) -> dict[str, Any]:
    row = {name: getattr(view, name) for name in FIELDS}
    if row["change_summary"] is not None:
        row["change_summary"] = json.dumps(row["change_summary"], ensure_ascii=False)
    return row


def _batches(items: Iterable[VersionView], size: int) -> Iterator[list[VersionView]]:
    batch: list[VersionView] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
