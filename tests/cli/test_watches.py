"""``newsarchive watch …`` and ``newsarchive alerts`` as a newsroom uses them."""

from __future__ import annotations

import json

import pytest

from storage.archive import Archive
from tests.helpers.captures import article, capture, hours
from tests.helpers.cli import newsarchive
from tests.helpers.webhook import WebhookReceiver

URL = "https://daily.example/news/harbour-vote"
BODY = "The council met to discuss the harbour plan.\n\nResidents asked for a delay."
QUOTE = "We will not be rushed into a decision, said the deputy mayor."


def cli(archive: Archive, *args: str):
    return newsarchive("--db", str(archive.url), "--archive-dir", str(archive.archive_dir), *args)


def json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_a_watch_is_added_listed_tried_and_removed(archive: Archive) -> None:
    archive.record_captures([(capture(URL, hours(0)), article(BODY, title="Harbour vote"))])
    archive.record_captures([(capture(URL, hours(1)), article(BODY + "\n\n" + QUOTE, title="Harbour vote"))])
    added = cli(archive, "watch", "add", "quote", '"rushed into"', "decision", "-football", "--on", "appears,new",
                "--outlet", "daily", "--notify", "json://user:pw@127.0.0.1:9/hook")
    assert added.exit_code == 0, added.output
    assert "watch quote added" in added.stdout and "pw" not in added.stdout
    [listed] = json_lines(cli(archive, "watch", "list", "--json").stdout)
    assert listed["query"] == '"rushed into" decision -football' and listed["events"] == ["new", "appears"]
    assert listed["notify"] == ["json://…@127.0.0.1:9/…"]
    tried = cli(archive, "watch", "test", "quote", "--since", "2024-04-30", "--json")
    assert tried.exit_code == 0 and [(t["event"], t["version"]) for t in json_lines(tried.stdout)] == [("appears", 2)]
    assert "**rushed into**" in json_lines(tried.stdout)[0]["excerpt"]
    table = cli(archive, "watch", "test", "quote", "--since", "2024-04-30")
    assert "appears" in table.stdout and "rushed into" in table.stdout
    assert cli(archive, "alerts", "--json").stdout == ""  # a trial stores nothing
    removed = cli(archive, "watch", "remove", "quote")
    assert removed.exit_code == 0 and cli(archive, "watch", "list", "--json").stdout == ""


@pytest.mark.parametrize(("args", "words"), [
    (["watch", "add", "w", "harbour", "--on", "edited"], "unknown event edited"),
    (["watch", "add", "w", "harbour", "--outlet", "nowhere"], "no outlet 'nowhere'"),
    (["watch", "add", "w", "harbour", "--notify", "carrier-pigeon://loft"], "not a notification URL"),
    (["watch", "add", "w", "harbour", "--notify", "notaurl"], "'notaurl' is not a notification URL"),
    (["watch", "remove", "nowhere"], "no watch 'nowhere'"),
    (["watch", "test", "nowhere"], "no watch 'nowhere'"),
    (["alerts", "--watch", "nowhere"], "no watch 'nowhere'"),
])
def test_mistakes_are_one_line_and_exit_2(archive: Archive, args: list[str], words: str) -> None:
    result = cli(archive, *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr and len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output


def test_alerts_lists_delivers_and_shows_what_waits(archive: Archive) -> None:
    with WebhookReceiver() as receiver:
        down = "json://127.0.0.1:9/hook"
        assert cli(archive, "watch", "add", "quote", '"rushed into"', "--on", "appears",
                   "--notify", receiver.url, "--notify", down).exit_code == 0
        archive.record_captures([(capture(URL, hours(0)), article(BODY, title="Harbour vote"))])
        archive.record_captures([(capture(URL, hours(1)), article(BODY + "\n\n" + QUOTE, title="Harbour vote"))])
        [alert] = json_lines(cli(archive, "alerts", "--json").stdout)
        assert (alert["watch"], alert["event"], alert["url"], alert["version"], alert["previous_version"]) == \
            ("quote", "appears", URL, 2, 1)
        assert alert["warc_file"] == "test.warc.gz" and alert["warc_record_id"].startswith("<urn:uuid:")
        delivered = cli(archive, "alerts", "--deliver")
        assert delivered.exit_code == 0 and "1 messages sent" in delivered.stderr and "1 failed" in delivered.stderr
        assert receiver.keys() == [alert["key"]]
        [waiting] = json_lines(cli(archive, "alerts", "--undelivered", "--json").stdout)
        assert [d["attempts"] for d in waiting["deliveries"]] == [1, 1]
        assert "waiting 1/2" in cli(archive, "alerts", "--undelivered").stdout
        assert cli(archive, "alerts", "--since", "2999-01-01", "--json").stdout == ""


@pytest.mark.parametrize("command", [["watch"], ["watch", "add"], ["watch", "list"], ["watch", "remove"],
                                     ["watch", "test"], ["alerts"]])
def test_every_watch_help_starts_with_a_sentence_and_ends_with_an_example(command: list[str]) -> None:
    result = newsarchive(*command, "--help")
    description = result.stdout.split("\n\n")[1].strip()
    assert result.exit_code == 0 and description.endswith(".") and "\n" not in " ".join(description.split("\n"))
    before_options = result.stdout.split("Options:")[0].rstrip().splitlines()
    assert before_options[-2].strip() == "Example:" and before_options[-1].strip().startswith("newsarchive ")
