"""`python -m copydesk`: the same entry point as the console script."""

from copydesk.cli import run

run()
