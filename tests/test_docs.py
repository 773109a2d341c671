"""Docs are part of the feature: README commands run, CI installs as the README says, rule pages are current."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, cli_env

README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```sh\n(.*?)```", README, re.S)


def _commands(block: str) -> list[str]:
    return [line.split("  #")[0].strip() for line in block.strip().splitlines() if line.strip()]


def test_readme_opens_with_install_and_test_and_ci_runs_exactly_those():
    install, test = _commands(BLOCKS[0])
    assert "pip install -e '.[dev]'" in install and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert install in ci and test in ci


def _runnable():
    for block in BLOCKS[1:]:
        for cmd in _commands(block):
            if ".venv/bin/" in cmd:
                yield cmd


@pytest.mark.parametrize("command", list(_runnable()))
def test_every_readme_command_runs(command):
    py = sys.executable  # the README's .venv is whatever environment runs the tests
    shell = re.sub(r"\.venv/bin/(copydesk|python)", lambda m: f"{py} -m copydesk" if m.group(1) == "copydesk" else py,
                   command)
    # Loopback only: the archive benchmark starts a local Dask cluster; nothing else is reachable.
    proc = subprocess.run(shell, shell=True, cwd=ROOT, capture_output=True, env=cli_env({"COPYDESK_TEST_LOOPBACK": "1"}),
                          timeout=900)
    assert proc.returncode in (0, 1), proc.stderr.decode()[-2000:]
    target = re.search(r" > (\S+)$", command)
    if target:  # a report written to a file
        assert Path(target.group(1)).stat().st_size > 0
    else:
        assert proc.stdout.strip(), "every README command prints something"
    assert b"Traceback" not in proc.stderr


def test_rule_pages_are_generated_and_current():
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import build
    finally:
        sys.path.pop(0)
    for name, text in build.pages().items():
        page = ROOT / "docs" / "rules" / name
        assert page.is_file(), f"missing {page}: run python docs/build.py"
        assert page.read_text() == text, f"stale {page}: run python docs/build.py"


def test_every_command_and_option_is_documented():
    from copydesk.arguments import build_parser

    docs = (ROOT / "docs" / "configuration.md").read_text()
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, subparser in sub.choices.items():
        assert f"copydesk {name}" in docs, name
        for action in subparser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in docs, f"copydesk {name} {flag} is undocumented"


def test_the_kinds_table_is_generated_from_the_code():
    """docs/rule-cards.md lists every kind the code registers, with its options and message fields."""
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        import build
    finally:
        sys.path.pop(0)
    from copydesk.registry import load_kinds

    page = (ROOT / "docs" / "rule-cards.md").read_text()
    assert page == build.rule_cards_page(page), "stale kinds table in docs/rule-cards.md: run python docs/build.py"
    for name, k in load_kinds().items():
        row = next(line for line in page.splitlines() if line.startswith(f"| `{name}` |"))
        assert all(f"`{o}`" in row for o in k.options), name
