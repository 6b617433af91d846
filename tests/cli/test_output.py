"""Tables as people read them and as scripts read them: redirected output never loses data (issue 36)."""

from __future__ import annotations

import pytest

from storage.cli.output import echo_table

LONG_URL = "https://www.daily.example/news/2024/05/01/" + "a-very-long-slug-" * 8 + "end/"
TITLE = "A headline " + "that goes on and on " * 8 + "until the end"
COLUMNS = [("N", lambda row: row[0]), ("WHAT", lambda row: row[1])]


def test_output_to_a_pipe_or_file_is_never_cut(capsys: pytest.CaptureFixture[str]) -> None:
    echo_table([(1, LONG_URL), (2, TITLE)], COLUMNS)
    out = capsys.readouterr().out
    assert LONG_URL in out and TITLE in out and "…" not in out


def test_on_a_narrow_terminal_text_is_cut_but_a_url_is_not(capsys: pytest.CaptureFixture[str]) -> None:
    echo_table([(1, LONG_URL), (2, TITLE)], COLUMNS, width=60)
    _, url_row, title_row = capsys.readouterr().out.splitlines()
    assert url_row.endswith(LONG_URL)
    assert title_row.endswith("…") and len(title_row) <= 60
