"""The hostile battery of benchmarks/hostile.py, every input through the real CLI: the expected exit code
and no traceback. Times are the benchmark's job (figures in its output), not asserted here."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from conftest import cli_env

_SPEC = importlib.util.spec_from_file_location(
    "hostile_battery", Path(__file__).resolve().parents[1] / "benchmarks" / "hostile.py")
hostile = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(hostile)

BATTERY = hostile.battery()


@pytest.mark.slow
@pytest.mark.parametrize("member", BATTERY, ids=[m[0] for m in BATTERY])
def test_every_hostile_input_ends_with_a_clear_answer(tmp_path, member, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", cli_env()["PYTHONPATH"])  # sockets blocked in the checked process too
    row = hostile.run_member(tmp_path, member, timeout=120)
    assert not row["traceback"], row
    assert row["exit"] in row["expected"], row
    assert row["said"], row  # a report, or one line saying why not
