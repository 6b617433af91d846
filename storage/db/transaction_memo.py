"""What one write transaction remembers between the captures it records.

A batch of captures asks for the same outlets, outlet change records and
schedule rows page after page. SQLAlchemy's identity map keeps a clean row only
while something references it, so without a memo each page would load them
again. The memo lives in ``session.info`` and goes with the session: each write
attempt (a retry included) starts with an empty one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

_KEY = "newsarchive_transaction_memo"


@dataclass(slots=True)
class TransactionMemo:
    outlet_ids: dict[str, int] = field(default_factory=dict)  # by outlet name
    recorded_ids: set[str] | None = None  # WARC record ids indexed; None: not read for this batch
    new_page_ids: set[int] = field(default_factory=set)  # pages created in this transaction
    schedules: dict[int, Any] = field(default_factory=dict)  # PageSchedule rows by page id
    outlet_records: dict[int, Any] = field(default_factory=dict)  # OutletChangeRecord rows by outlet id
    warc_file_ids: dict[str, int] = field(default_factory=dict)  # warc_files ids by name (storage.versions.fetch_runs)


def memo(session: Session) -> TransactionMemo:
    """The memo of ``session``'s transaction, created on first use."""
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = TransactionMemo()
    return found
