"""The one way the tests call the ``newsarchive`` command: click's runner, in this process.

``newsarchive(...)`` returns click's ``Result``: ``exit_code``, ``stdout``,
``stderr`` and ``output`` (both streams, as a terminal shows them).
"""

from __future__ import annotations

from collections.abc import Mapping

from click.testing import CliRunner, Result

from storage.cli import main


def newsarchive(*args: str, env: Mapping[str, str] | None = None, input: str | None = None,
                color: bool = False) -> Result:
    """Run ``newsarchive ARGS…`` and return what it printed and its exit status (``color``: as on a terminal)."""
    return CliRunner().invoke(main, list(args), env=dict(env) if env else None, input=input, color=color)
