"""``newsarchive ingest``, ``reindex``, ``warcs repair`` and ``warcs fix-replay``: the commands that treat WARCs
as the source of truth.

Registered on the ``newsarchive`` group by :func:`register`. Progress goes to
stderr on a terminal only; the summary goes to stdout (``--json`` for scripts);
damaged WARCs are reported one line each on stderr.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from storage.cli.common import usage_error
from storage.cli.watches import deliver_after

if TYPE_CHECKING:  # the commands load the ingest machinery when they run, not for --help
    from storage.ingest.ingest import IngestSummary
    from storage.outlets.domains import OutletMap

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5  # seconds between progress lines


class _ProgressLine:
    """``records, records/s, MB read of total, ETA`` redrawn on one stderr line."""

    def __init__(self, total_bytes: int) -> None:
        self.total = max(total_bytes, 1)
        self.started = time.monotonic()
        self.shown = 0.0
        self.drawn = False

    def __call__(self, done: int, records: int) -> None:
        now = time.monotonic()
        if now - self.shown < PROGRESS_EVERY:
            return
        self.shown = now
        elapsed = max(now - self.started, 1e-6)
        eta = (self.total - done) / (done / elapsed) if done else 0
        click.echo(f"\r{records} records  {records / elapsed:.0f} records/s  {done / 1e6:.1f} of "
                   f"{self.total / 1e6:.1f} MB  ETA {int(eta) // 60}:{int(eta) % 60:02d}   ", err=True, nl=False)
        self.drawn = True

    def close(self) -> None:
        if self.drawn:
            click.echo(err=True)


def _progress(files: list[Path]) -> _ProgressLine | None:
    if not sys.stderr.isatty():
        return None
    return _ProgressLine(sum(p.stat().st_size for p in files))


def _where(ctx: click.Context) -> tuple[str | None, str]:
    return ctx.obj.db, ctx.obj.archive_dir


def _report(summary: IngestSummary, as_json: bool) -> None:
    for line in summary.damaged:
        click.echo(line, err=True)
    if as_json:
        click.echo(json.dumps(summary.to_json()))
    else:
        from storage.ingest.ingest import iter_summary_lines

        for line in iter_summary_lines(summary):
            click.echo(line)


def _run_with_progress(files: list[Path], work: Any) -> IngestSummary:
    line = _progress(files)
    try:
        return work(line)
    finally:
        if line is not None:
            line.close()


seeds_option = click.option("--seeds", "seeds", multiple=True, type=click.Path(dir_okay=False),
                            help="Seed file naming the outlets (repeatable; default seeds/*.toml).")
outlet_option = click.option("--outlet", help="Only records of this outlet from the seed files.")
auto_option = click.option("--auto-outlets", is_flag=True,
                           help="Records no seed outlet owns get a new outlet per registered domain.")
workers_option = click.option("--workers", type=click.IntRange(min=1), help="Extraction processes (default: one per core).")
json_option = click.option("--json", "as_json", is_flag=True, help="Print the summary as one JSON object.")
all_pages_option = click.option("--all-pages", is_flag=True,
                                help="Every whole HTML response is an article (a CC-NEWS file, a mirror of articles).")


def _outlets(seeds: tuple[str, ...], outlet: str | None, auto: bool) -> OutletMap:
    from storage.outlets.domains import load_outlet_map

    return load_outlet_map(list(seeds) or None, outlet, auto)


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@outlet_option
@auto_option
@seeds_option
@workers_option
@all_pages_option
@json_option
@click.pass_context
def ingest_command(ctx: click.Context, paths: tuple[str, ...], outlet: str | None, auto_outlets: bool,
                   seeds: tuple[str, ...], workers: int | None, all_pages: bool, as_json: bool) -> None:
    """Index WARC (or ARC) files, or directories of them, into the archive, in place.

    Works on files from any tool (wget, Heritrix, Browsertrix, warcio, the
    Internet Archive's ARC); records of hosts no outlet owns are skipped and
    counted. WARCs this project's crawler wrote name their outlets, runs and
    each fetch's purpose themselves. Ingesting a file twice adds nothing.

    \b
    Example:
        newsarchive ingest crawl-2024.warc.gz --seeds seeds/eu.toml --json
    """
    from storage.archive import Archive
    from storage.ingest.ingest import ingest, warc_files

    outlets = _outlets(seeds, outlet, auto_outlets)
    files = warc_files(paths)
    if not outlets.seeds and not auto_outlets:
        _refuse_files_naming_no_outlet(files)
    db, archive_dir = _where(ctx)
    with Archive(db, archive_dir, create=True) as archive:
        summary = _run_with_progress(files, lambda line: ingest(archive, files, outlets, workers=workers, progress=line,
                                                                all_pages=all_pages))
        deliver_after(archive)  # watches: the alerts this ingest raised, now that they are committed
    _report(summary, as_json)


def _refuse_files_naming_no_outlet(files: list[Path]) -> None:
    """Before anything is created: WARCs of other tools need outlets from somewhere."""
    from storage.ingest.ingest import files_naming_no_outlet

    foreign = files_naming_no_outlet(files)
    if foreign:
        more = f" (and {len(foreign) - 1} more)" if len(foreign) > 1 else ""
        raise usage_error(f"{foreign[0]}{more}: its pages belong to no outlet (no seed file in seeds/, and the "
                          "file is not from this crawler, whose run records name them): pass --seeds FILE.toml "
                          "(outlets by domain) or --auto-outlets (an outlet per site)")


@click.command("reindex")
@click.option("--yes", is_flag=True, help="Do not ask before rebuilding.")
@click.option("--force", is_flag=True, help="Swap the rebuild in even when it holds fewer outlets, pages or versions.")
@auto_option
@seeds_option
@workers_option
@all_pages_option
@json_option
@click.pass_context
def reindex_command(ctx: click.Context, yes: bool, force: bool, auto_outlets: bool, seeds: tuple[str, ...],
                    workers: int | None, all_pages: bool, as_json: bool) -> None:
    """Rebuild the whole database from ARCHIVE_DIR/warcs/ alone, oldest file first.

    The new index is built beside the old one (a new SQLite file, a new
    PostgreSQL schema) and takes its place only when complete; the old one is
    kept as archive.sqlite3.previous (or the schema NAME_previous). A rebuild
    that holds fewer outlets, pages or versions than the archive asks first,
    even with --yes, unless --force; when captures are in WARC files outside
    warcs/ it asks before building. The answer may be piped in (echo y |).
    Outlets and runs come from the WARCs' own records; --seeds adds outlets
    for WARCs of other tools.

    \b
    Example:
        newsarchive --archive-dir archive reindex --yes
    """
    from storage.ingest.reindex import archive_warcs, reindex, unread_warcs

    db, archive_dir = _where(ctx)
    outlets = _outlets(seeds, None, auto_outlets)
    files = archive_warcs(archive_dir)
    if not yes:
        click.confirm(f"Rebuild the archive's index from its {len(files)} WARC files?", abort=True)
    unread = [] if force else unread_warcs(db, archive_dir)
    if unread:  # said before building, not after
        more = f" and {len(unread) - 1} more" if len(unread) > 1 else ""
        force = _answer(f"The archive's captures are also in {unread[0]}{more}, not in {Path(archive_dir) / 'warcs'}: "
                        "the rebuild will not hold them. Rebuild without them, and replace the archive's index?")
        if not force:
            raise click.ClickException("kept the archive as it was: put those files in warcs/ first, or answer y "
                                       "(reindex --force rebuilds without asking)")
    summary = _run_with_progress(files, lambda line: reindex(db, archive_dir, outlets, confirm=_swap_confirmer(force),
                                                             workers=workers, progress=line, all_pages=all_pages))
    _report(summary, as_json)


def _answer(question: str) -> bool:
    """y or n to ``question``, typed or piped in (``echo y | newsarchive reindex --yes``); no answer is no."""
    try:
        return click.confirm(question, err=True)
    except click.Abort:  # stdin ended before an answer
        click.echo(err=True)
        return False


def _swap_confirmer(force: bool) -> Any:
    def confirm(before: Any, after: Any) -> bool:
        return force or _answer(f"The rebuild holds {after}; the archive has {before}. Replace the archive's index?")
    return confirm


@click.group("warcs")
def warcs_group() -> None:
    """Look after the archive's WARC files (ARCHIVE_DIR/warcs/)."""


@warcs_group.command("repair")
@click.option("--other-hosts", is_flag=True,
              help="Also finish files other machines wrote (only when no crawl runs there; a file whose lock "
                   "is held is still left).")
@click.option("--dry-run", is_flag=True, help="Only say what would be done.")
@json_option
@click.pass_context
def repair_command(ctx: click.Context, other_hosts: bool, dry_run: bool, as_json: bool) -> None:
    """Finish the .warc.gz.open files that crawls killed or cut off left behind.

    Each abandoned file is cut after its last complete record and renamed to
    .warc.gz; a file with no complete record is removed. A file a running
    crawl writes is left: the crawl holds the file's lock, and the file names
    its writer (boot id, process id and start time), so a process id alone
    (a container's PID 1) never keeps a file open. Files another machine
    wrote are left unless --other-hosts. A crawl does the same for its own
    machine's files when it starts. Exit status 1 when a file could not be
    finished.

    \b
    Example:
        newsarchive --archive-dir archive warcs repair --dry-run
    """
    from storage.warc.repair import repair_open_files

    _, archive_dir = _where(ctx)
    warcs = Path(archive_dir) / "warcs"
    if not warcs.is_dir():
        raise click.ClickException(f"no WARC folder at {warcs}: pass the archive's --archive-dir")
    reports = repair_open_files(warcs, other_hosts=other_hosts, dry_run=dry_run)
    counts = _repair_counts(reports)
    if as_json:
        click.echo(json.dumps({**counts, "files": [_repair_json(report) for report in reports]}))
    else:
        for report in reports:
            click.echo(str(report), err=report.error is not None)
        done = [f"{number} {_REPAIR_LABELS[what]}" for what, number in counts.items() if number]
        click.echo(f".open files in {warcs}: " + (", ".join(done) if done else "none"))
    if counts["failed"]:
        ctx.exit(1)


_REPAIR_LABELS = {"finished": "finished", "removed": "removed (no complete record)",
                  "would_finish": "would be finished", "left_in_use": "left (a running crawl writes them)",
                  "left_other_host": "left (written on another machine)", "failed": "failed"}


def _repair_outcome(report: Any) -> str:
    if report.error:
        return "failed"
    if report.left:
        return "left_other_host" if report.other_host else "left_in_use"
    if report.planned:
        return "would_finish"
    return "removed" if report.removed else "finished"


def _repair_counts(reports: list[Any]) -> dict[str, int]:
    counts = dict.fromkeys(_REPAIR_LABELS, 0)
    for report in reports:
        counts[_repair_outcome(report)] += 1
    return counts


def _repair_json(report: Any) -> dict[str, Any]:
    return {"path": str(report.path), "outcome": _repair_outcome(report), "records": report.records,
            "bytes_dropped": report.bytes_dropped,
            "reason": report.error or report.left or report.planned}


@warcs_group.command("fix-replay")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--to", "target", type=click.Path(file_okay=False),
              help="Folder for the corrected copies (default ARCHIVE_DIR/replay-warcs).")
@click.pass_context
def fix_replay_command(ctx: click.Context, paths: tuple[str, ...], target: str | None) -> None:
    """Write copies of older WARC files that replay tools (pywb, ReplayWeb.page) read right.

    Crawls before December 2026 filed each fetch's capture record under the
    page's URL, so replay showed a JSON note instead of the page, kept a
    304's status line in its revisit, which pywb replays as an empty 304,
    and kept a proxy's Proxy-Authorization in request records.
    Each file that holds such records gets a copy in --to with them fixed,
    verified before it is listed; originals are never changed, copies never
    overwritten. Prints the files to replay, one a line: each copy in place of
    its original, and the files that need none as they are.

    \b
    Example:
        wb-manager add news $(newsarchive --archive-dir archive warcs fix-replay)
    """
    from storage.ingest.ingest import warc_files
    from storage.ingest.reindex import archive_warcs
    from storage.warc.replay_fix import fix_copy

    archive_dir = _where(ctx)[1]
    files = warc_files(paths) if paths else archive_warcs(archive_dir)
    folder = Path(target) if target else Path(archive_dir) / "replay-warcs"
    for path in files:
        result = fix_copy(path, folder)
        if result.written:
            click.echo(f"{path}: {result.fixed} records fixed for replay in {result.replay} (verified)", err=True)
        click.echo(str(result.replay))


def register(group: click.Group) -> None:
    """Add ``ingest``, ``reindex`` and ``warcs`` (``repair``, ``fix-replay``) to the ``newsarchive`` command group."""
    for command in (ingest_command, reindex_command, warcs_group):
        group.add_command(command)
