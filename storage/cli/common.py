"""What every ``newsarchive`` command shares: the group, time options, ``--json``, opening the archive.

Command modules (``storage/cli/*.py``) import from here; :mod:`storage.cli`
defines the group and registers their commands on it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import click

from storage.db.errors import ArchiveError, BadTime
from storage.db.times import iso, parse_time
from storage.warc.errors import WarcError

if TYPE_CHECKING:
    from storage.archive import Archive


USAGE = 2
"""The exit status of a mistake in the command (a bad option, time, outlet or language): click's own for usage
errors, and ``scrapy crawl news``'s for bad input (crawler/exitcodes.py). Other failures exit 1."""


def usage_error(message: str) -> click.ClickException:
    """A one-line ``Error: message`` (no usage block) with the status of a mistake in the command."""
    error = click.ClickException(message)
    error.exit_code = USAGE
    return error


class ArchiveGroup(click.Group):
    """Turns :class:`ArchiveError` and :class:`WarcError` (the user's problem, not a bug) into one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.NoSuchOption as error:
            _hint_global_option(self, ctx, error)
            raise
        except (ArchiveError, WarcError) as error:
            failure = click.ClickException(str(error))
            failure.exit_code = getattr(error, "exit_code", 1)
            raise failure from None
        except BrokenPipeError:
            # Output piped into `head`: stop quietly, and keep Python's exit
            # flush of stdout from failing on the closed pipe.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)


def _hint_global_option(group: click.Group, ctx: click.Context, error: click.NoSuchOption) -> None:
    """``newsarchive outlets --archive-dir X``: say that the group's own options go before the command."""
    name = error.option_name.split("=", 1)[0]
    if not any(name in param.opts for param in group.get_params(ctx)):
        return
    command = error.ctx.info_name if error.ctx is not None else "COMMAND"
    error.message = (f"No such option {name!r} for {command}: it is an option of newsarchive itself, "
                     f"so it goes before the command (newsarchive {name} … {command})")
    error.possibilities = []


class QueryCommand(click.Command):
    """A command whose free words are a search query, so that ``-word`` excludes a word.

    Unknown options must pass through as words for that, but a mistyped long
    option (``--limt 5``) is a mistake, not two search words: it is refused the
    way every other command refuses it, with the closest real option.
    Everything after ``--`` is taken as words.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = [name for param in self.get_params(ctx) for name in param.opts if name.startswith("--")]
        for arg in args:
            if arg == "--":
                break
            name = arg.split("=", 1)[0]
            if name.startswith("--") and len(name) > 2 and name not in known:
                raise click.NoSuchOption(name, possibilities=known, ctx=ctx)
        return super().parse_args(ctx, args)


class TimeType(click.ParamType):
    """ISO 8601 timestamps or plain dates, as aware UTC; a bad one is a one-line error."""

    name = "TIME"

    def __init__(self, end_of_day: bool = False) -> None:
        self.end_of_day = end_of_day

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime:
        if isinstance(value, datetime):
            return value
        what = f"--{param.name.replace('_', '-')}" if param and param.name else "time"
        try:
            return parse_time(str(value), end_of_day=self.end_of_day, what=what)
        except BadTime as error:
            raise usage_error(str(error)) from None


def check_window(since: datetime | None, until: datetime | None) -> None:
    """Refuse ``--since`` later than ``--until``: nothing could match, and saying so beats an empty answer."""
    if since is not None and until is not None and since > until:
        raise usage_error(f"--since {iso(since)} is after --until {iso(until)}: nothing can match; swap them")


class LanguageType(click.ParamType):
    """An ISO 639-1 code (``en``), or a language's English name (``English``) taken as its code."""

    name = "CODE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from extract.language import language_code  # here: --help loads no language model or tables

        code = language_code(str(value))
        if code is None:
            raise usage_error(f"--language {value!r} is no language this archive knows: give an ISO 639-1 code "
                              "(en, de, fr…) or an English name (English, German…)")
        return code


@dataclass(slots=True)
class ArchiveLocation:
    db: str | None
    archive_dir: str


def open_archive(ctx: click.Context, *, writes: bool = False) -> Archive:
    """The archive the group's ``--db`` / ``--archive-dir`` name: never created here.

    A command that only reads (``writes=False``) never migrates: an older
    schema is one line naming ``newsarchive migrate``. One that writes brings
    it up to date when that is cheap (see :class:`storage.archive.Archive`).
    """
    from storage.archive import (
        Archive,  # here: `newsarchive --help` needs no database layer
    )

    where: ArchiveLocation = ctx.find_object(ArchiveLocation)
    archive = Archive(where.db, where.archive_dir, create=False, migrate=writes)
    ctx.call_on_close(archive.close)
    return archive


json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
