"""Write a stream of versions (or of front-page rows: ``export --frontpages``) as JSON lines, CSV or Parquet,
in constant memory."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from storage.outlets.frontpage_history import FrontPageRow
from storage.versions.results import VersionView

PARQUET_ROWS_PER_GROUP = 1000
FIELDS = [f.name for f in fields(VersionView)]
_STRUCTURED = {"authors", "tags", "change_summary", "moved_from"}

_INTEGERS = {"version": pa.int32(), "status": pa.int32(), "warc_offset": pa.int64(), "warc_length": pa.int64(),
             "chars_added": pa.int32(), "chars_removed": pa.int32()}
_TIMES = {"first_seen", "last_seen", "published", "modified"}
_LISTS = {"authors", "tags", "moved_from"}


def _arrow_type(name: str) -> pa.DataType:
    if name in _INTEGERS:
        return _INTEGERS[name]
    if name in _TIMES:
        return pa.timestamp("us", tz="UTC")
    if name in _LISTS:
        return pa.list_(pa.string())
    return pa.string()


PARQUET_SCHEMA = pa.schema([(name, _arrow_type(name)) for name in FIELDS])


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns of one kind of row: names, those written as JSON text in CSV and Parquet, the Parquet schema."""

    fields: list[str]
    structured: frozenset[str]  # JSON text in CSV
    schema: pa.Schema
    parquet_json: frozenset[str] = frozenset()  # JSON text in Parquet (lists stay lists)


VERSIONS = Layout(FIELDS, frozenset(_STRUCTURED), PARQUET_SCHEMA, frozenset({"change_summary"}))
_FRONT_TYPES = {"captured_at": pa.timestamp("us", tz="UTC"), "capture": pa.int32(), "rank": pa.int32(),
                "lead": pa.bool_(), "warc_offset": pa.int64()}
FRONT_PAGES = Layout([f.name for f in fields(FrontPageRow)], frozenset(),
                     pa.schema([(f.name, _FRONT_TYPES.get(f.name, pa.string())) for f in fields(FrontPageRow)]))


def write_versions(fmt: str, versions: Iterable[VersionView], out: IO[Any] | Path) -> int:
    """Write ``versions`` in format ``fmt`` (one of :data:`FORMATS`) to a stream or a file path."""
    return write_rows(fmt, versions, out, VERSIONS)


def write_rows(fmt: str, rows: Iterable[Any], out: IO[Any] | Path, layout: Layout) -> int:
    """Write ``rows`` (results with ``to_json()``, columns as ``layout`` says) in format ``fmt``."""
    if fmt == "parquet":
        return write_parquet(rows, str(out) if isinstance(out, Path) else out, layout)
    writer = write_jsonl if fmt == "jsonl" else write_csv
    if not isinstance(out, Path):
        return writer(rows, out, layout)
    with out.open("w", encoding="utf-8", newline="") as stream:
        return writer(rows, stream, layout)


def write_jsonl(rows: Iterable[Any], out: IO[str], layout: Layout = VERSIONS) -> int:
    count = 0
    for count, view in enumerate(rows, 1):
        out.write(json.dumps(view.to_json(), ensure_ascii=False) + "\n")
    return count


def write_csv(rows: Iterable[Any], out: IO[str], layout: Layout = VERSIONS) -> int:
    writer = csv.DictWriter(out, fieldnames=layout.fields)
    writer.writeheader()
    count = 0
    for count, view in enumerate(rows, 1):
        row = view.to_json()
        for key in layout.structured:
            if row[key] is not None:
                row[key] = json.dumps(row[key], ensure_ascii=False)
        writer.writerow(row)
    return count


def write_parquet(rows: Iterable[Any], out: Any, layout: Layout = VERSIONS) -> int:
    """Write row groups of :data:`PARQUET_ROWS_PER_GROUP` rows to a path or binary file."""
    count = 0
    with pq.ParquetWriter(out, layout.schema) as writer:
        for batch in _batches(rows, PARQUET_ROWS_PER_GROUP):
            table = pa.Table.from_pylist([_parquet_row(v, layout) for v in batch], schema=layout.schema)
            writer.write_table(table)
            count += len(batch)
    return count


def _parquet_row(view: Any, layout: Layout) -> dict[str, Any]:
    row = {name: getattr(view, name) for name in layout.fields}
    for key in layout.parquet_json:
        if row[key] is not None:
            row[key] = json.dumps(row[key], ensure_ascii=False)
    return row


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
