"""``insert_object`` (the recorder's inserts without the unit of work) against an ORM flush, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from storage.db.fastpath import insert_object
from storage.db.models import Capture, Outlet, Page, Version
from tests.helpers.captures import hours


def _rows(session: Any, model: type) -> list[dict[str, Any]]:
    """Every row of ``model``'s table as loaded back, ids left out (PostgreSQL does not reuse them)."""
    table = inspect(model).local_table
    found = session.execute(select(table).order_by(table.c.id)).mappings().all()
    return [{key: value for key, value in row.items() if key not in ("id", "page_id", "capture_id")} for row in found]


def _stored(archive: Any, insert: Any) -> dict[str, list[dict[str, Any]]]:
    """A page, a capture and a version inserted by ``insert(session, object)``, read back; then removed."""
    def work(session: Any) -> dict[str, list[dict[str, Any]]]:
        outlet_id = session.scalar(select(Outlet.id).where(Outlet.name == "daily"))
        page = insert(session, Page(outlet_id=outlet_id, url="https://daily.example/a", first_seen=hours(1),
                                    last_seen=hours(2)))
        capture = insert(session, Capture(page_id=page.id, fetched_url="https://daily.example/a?x=1",
                                          fetched_at=hours(1), status=200, warc_file="a.warc.gz", warc_offset=2**40,
                                          warc_length=512, warc_record_id="<urn:uuid:1>", payload_digest=None,
                                          content_type="text/html; charset=utf-8", etag='"x"', last_modified=None))
        # authors and state left out: their Python-side defaults must be stored and set on the object
        insert(session, Version(page_id=page.id, outlet_id=outlet_id, seq=1, title="Tïtle “quoted”",
                                text="Line one.\n\nLine twő.", published=hours(0), modified=None, language="en",
                                tags=["a", "b"], text_hash="0" * 64, first_seen=hours(1), last_seen=hours(2),
                                capture_id=capture.id, change_summary={"chars_added": 3, "nested": [1, None]},
                                chars_added=20, chars_removed=0))
        found = {model.__name__: _rows(session, model) for model in (Page, Capture, Version)}
        for model in (Version, Capture, Page):
            session.execute(inspect(model).local_table.delete())
        return found

    return archive.write(work)


def _flushed(session: Any, instance: Any) -> Any:
    session.add(instance)
    session.flush()
    return instance


def test_a_row_goes_in_as_a_flush_would_store_it(archive: Any) -> None:
    direct = _stored(archive, insert_object)
    flushed = _stored(archive, _flushed)
    assert direct == flushed
    version = direct["Version"][0]
    assert version["authors"] == [] and version["state"] == "ok" and version["change_summary"]["nested"] == [1, None]
    assert direct["Capture"][0]["record_type"] == "response" and direct["Capture"][0]["warc_offset"] == 2**40


def test_the_object_gets_its_id_and_defaults_but_stays_untracked(archive: Any) -> None:
    def work(session: Any) -> tuple[Any, ...]:
        outlet_id = session.scalar(select(Outlet.id).where(Outlet.name == "daily"))
        page = insert_object(session, Page(outlet_id=outlet_id, url="https://daily.example/b", first_seen=hours(1),
                                           last_seen=hours(1)))
        loaded = session.get(Page, page.id)
        return page.id, page.state, inspect(page).transient, loaded is not page, loaded.url

    page_id, state, transient, separate, url = archive.write(work)
    assert isinstance(page_id, int) and state == "ok" and transient and separate
    assert url == "https://daily.example/b"


def test_a_duplicate_raises_sqlalchemys_integrity_error(archive: Any) -> None:
    """Callers that retry on IntegrityError (concurrent writers of one page) still see one."""
    def work(session: Any) -> None:
        outlet_id = session.scalar(select(Outlet.id).where(Outlet.name == "daily"))
        for _ in range(2):
            insert_object(session, Page(outlet_id=outlet_id, url="https://daily.example/c", first_seen=hours(1),
                                        last_seen=hours(1)))

    with pytest.raises(IntegrityError):
        archive.write(work)
