"""benchmarks/review.py, the real-copy review: stable fingerprints, verdicts recorded by fingerprint, judged
precision per rule, and a verdicts file that holds no text of the articles it judged. Run as a real
subprocess over drafts we write here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, cli_env, write

REVIEW = ROOT / "benchmarks" / "review.py"
DRAFT = ("The harbour board approved the dredging plan on Monday.\n\n"
         "Critics say the plan will drive the fishing fleet out of Osterby within five years.\n")


def review(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REVIEW), *args], cwd=cwd, capture_output=True, text=True,
                          env=cli_env(), timeout=600)


def test_fingerprints_survive_lines_moving_and_verdicts_are_counted(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import review as harness

    monkeypatch.setattr(harness, "VERDICTS", tmp_path / "verdicts.jsonl")
    first, moved = tmp_path / "a", tmp_path / "b"
    write(first / "story.txt", DRAFT)
    write(moved / "story.txt", "A new first paragraph about the weather on the quay.\n\n" + DRAFT)
    before = [f for f in harness.collect({"mine": first}) if f["code"] == "SRC001"]
    after = [f for f in harness.collect({"mine": moved}) if f["code"] == "SRC001"]
    assert before and [f["fp"] for f in before] == [f["fp"] for f in after]
    assert before[0]["line"] != after[0]["line"]

    monkeypatch.setattr(harness, "SETS", {"mine": first})
    verdicts = tmp_path / "judged.txt"
    verdicts.write_text(f"{before[0]['fp']} right unnamed critics carry the claim\n")
    harness.judge(str(verdicts))
    rows = [json.loads(line) for line in (tmp_path / "verdicts.jsonl").read_text().splitlines()]
    assert rows == [{"fp": before[0]["fp"], "code": "SRC001", "verdict": "right",
                     "reason": "unnamed critics carry the claim"}]
    right, wrong, unsure, precision = harness.precision(before, harness.read_verdicts())
    assert (right, wrong, unsure, precision) == (1, 0, 0, 1.0)


def test_the_command_prints_precision_per_rule_and_the_unjudged(tmp_path):
    write(tmp_path / "drafts" / "story.txt", DRAFT)
    proc = review("--set", f"extra={tmp_path / 'drafts'}", "--rule", "SRC001", "--unjudged", "5", cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "gate P" in proc.stdout and "SRC001" in proc.stdout
    assert "Critics say" in proc.stdout  # listed with its context until someone judges it


def test_the_verdicts_file_holds_hashes_and_our_words_only():
    path = ROOT / "benchmarks" / "review" / "verdicts.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 600
    for row in rows:
        assert set(row) == {"fp", "code", "verdict", "reason"}
        assert len(row["fp"]) == 16 and int(row["fp"], 16) >= 0
        assert row["verdict"] in ("right", "wrong", "unsure") and len(row["reason"]) <= 120
