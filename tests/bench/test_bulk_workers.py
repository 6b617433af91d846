"""bulk_load's worker path: digests worked out in another process give the same archive as in-process ones."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from bench import bulk_load as bulk
from storage.versions import changes
from storage.versions.rules import snapshot as version_snapshot
from storage.archive import Archive
from tests.helpers.captures import article, capture, hours
from tests.bench.test_bulk_load import snapshot, stream


@pytest.fixture(autouse=True)
def only_this_thread() -> None:
    """The loader forks workers only while this process runs one thread (``bulk_load._fork_context``).

    Threads an earlier test module left to end on their own (a browser's
    helpers, a server's) are waited for, so these tests do not depend on the order they run in.
    """
    deadline = time.monotonic() + 10
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(max(0.0, deadline - time.monotonic()))
    alive = [thread.name for thread in threading.enumerate() if thread is not threading.main_thread()]
    assert not alive, f"threads left by earlier tests keep the loader from forking: {alive}"


def load(archive: Archive, items: list, size: int, workers: int) -> bulk.BulkSummary:
    total = bulk.BulkSummary()
    for batch in bulk.prepared_batches(items, size, workers):
        total.merge(archive.write(lambda session, batch=batch: bulk.load_batch(session, batch, None, {})))
    return total


def test_batches_after_the_first_come_with_digests_from_a_worker() -> None:
    items = stream()
    got = list(bulk.prepared_batches(items, 3, workers=1))
    assert [len(b) for b in got] == [3, 3, 2]
    assert [item for b in got for item in b] == items
    for batch in got:
        assert batch.digests is not None
        for _, a in batch:
            if a is not None:
                assert batch.digests[id(a)] == changes.digest(a.title, a.text, a.authors)
    assert changes._primed == {}  # nothing left behind once the load is over


def test_a_single_batch_stays_in_process() -> None:
    (only,) = bulk.prepared_batches(stream()[:2], 3, workers=1)
    assert only.digests is None


def test_worker_digests_make_the_archive_record_captures_makes(db_url: str, tmp_path: Path) -> None:
    items = stream()
    with Archive(f"sqlite:///{tmp_path / 'reference.sqlite3'}", tmp_path / "ref", create=True) as reference:
        outcomes = reference.record_captures(items)
        expected = snapshot(reference)
    with Archive(db_url, tmp_path / "archive", create=True) as archive:
        summary = load(archive, items, 2, workers=2)
        assert snapshot(archive) == expected
        assert summary.captures == len(items)
        assert summary.versions == sum(o.value in ("new", "changed") for o in outcomes)
        assert [h.url for h in archive.search("storms")] == ["https://daily.example/b"]


def test_digest_equals_the_functions_it_stands_for() -> None:
    text = "First paragraph.\n\nUpdated 5 minutes ago\n\nSecond \u201cparagraph\u201d."
    d = changes.digest("Title", text, ["Ann"])
    assert d.stable_hash == changes.stable_hash("Title", text, ["Ann"])
    assert d.paragraphs == tuple(changes.stable_paragraphs(text))
    assert d.paragraphs == ("First paragraph.", 'Second "paragraph".')
    assert changes.digest(None, "", []).paragraphs == ()


def test_primed_paragraphs_are_used_and_replaced() -> None:
    text = "An unusual paragraph seen once."
    changes.prime({text: ("primed",)})
    try:
        assert changes.stable_paragraphs(text) == ["primed"]  # the primed value is what is read
        changes.prime({})
        assert changes.stable_paragraphs(text) == [text]
    finally:
        changes.prime({})


def test_shared_article_objects_are_digested_once_and_found_for_every_capture(tmp_path: Path) -> None:
    body = article("The ferry timetable changes on Monday.", title="Ferry")
    items = [(capture(f"https://daily.example/f{i % 2}", hours(i)), body) for i in range(6)]
    with Archive(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path, create=True) as archive:
        summary = load(archive, items, 2, workers=1)
        assert (summary.new, summary.unchanged) == (2, 4)
        assert len(archive.search("ferry timetable")) == 2


def test_stopping_early_shuts_the_workers_down() -> None:
    batches = bulk.prepared_batches(stream(), 2, workers=1)
    first = next(batches)
    assert first.digests and changes._primed == {}
    batches.close()  # as when the caller's write fails and its loop unwinds
    assert changes._primed == {}
    assert multiprocessing.active_children() == []


def test_successive_articles_of_a_page_come_with_their_change_summary_from_a_worker() -> None:
    items = stream()
    got = list(bulk.prepared_batches(items, 4, workers=1))
    first, second = got[0], got[1]  # a: v1, an equal copy, v2 (an edit); then b's two texts
    assert first.summaries is not None and second.summaries is not None
    before, after = items[0][1], items[3][1]  # the copy in between is skipped, as the load skips it
    expected = changes.summarize(version_snapshot(before), version_snapshot(after))
    assert first.summaries == {(id(before), id(after)): expected} and expected["paragraphs_added"] == 1
    assert list(second.summaries) == [(id(items[4][1]), id(items[6][1]))]
    # b's first edit only adds a time stamp: nothing a reader sees, nothing to summarise
    assert changes.summarize_all([(version_snapshot(items[1][1]), version_snapshot(items[4][1]))]) == [None]
