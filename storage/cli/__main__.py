"""``python -m storage``: the ``newsarchive`` command, for environments without the console script."""

from storage.cli import main

main()
