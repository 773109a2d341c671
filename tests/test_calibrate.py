"""The newsroom's loop: fingerprints on every report, `copydesk review` in a real terminal, export and import,
the verdicts file under concurrent writers, `stats`, and `calibrate` on verdicts whose answer is known."""

from __future__ import annotations

import csv
import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

from conftest import check_json, run_cli, write

DESK = """# Tram depot closure delayed

Skip to content

The Osterby transport board voted on Monday to keep the Kelland tram depot open until March, its chair, Nell
Brandt, said after the meeting.

Critics argue the depot's roof is unsafe, and experts say the repairs will cost more than the board admits.

Read also: Osterby council approves the new bus lanes
"""


def _findings(tmp_path: Path, name: str = "depot.md") -> list[dict]:
    report, _ = check_json(name, cwd=tmp_path, extra=("--no-cache", "--fail-on", "never"))
    return report["files"][0]["findings"]


def _verdicts(tmp_path: Path) -> list[dict]:
    path = tmp_path / ".copydesk" / "verdicts.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# -- fingerprints ----------------------------------------------------------------------------------------------

def test_fingerprints_name_the_flagged_text_and_every_report_carries_the_same_one(tmp_path):
    write(tmp_path / "depot.md", DESK)
    first = {(f["code"], f["excerpt"]): f["fingerprint"] for f in _findings(tmp_path)}
    assert len(set(first.values())) == len(first) >= 4
    # Lines moving, and an edit elsewhere in the very paragraph a finding is in, keep every fingerprint.
    moved = "<!-- desk note: check the March date -->\n\n\n" + DESK.replace("more than the board admits",
                                                                              "more than the board has said")
    write(tmp_path / "depot.md", moved)
    again = {(f["code"], f["excerpt"]): f["fingerprint"] for f in _findings(tmp_path)}
    assert again[("SRC001", "Critics argue")] == first[("SRC001", "Critics argue")]
    assert again[("BOI001", "Skip to content")] == first[("BOI001", "Skip to content")]
    # Editing the flagged words themselves makes a new finding.
    write(tmp_path / "depot.md", moved.replace("Critics argue", "Critics claim"))
    edited = {(f["code"], f["excerpt"]): f["fingerprint"] for f in _findings(tmp_path)}
    assert first[("SRC001", "Critics argue")] not in edited.values()
    # SARIF, GitLab and the HTML report carry the JSON report's fingerprints.
    write(tmp_path / "depot.md", DESK)
    prints = {f["fingerprint"] for f in _findings(tmp_path)}
    sarif = json.loads(run_cli("check", "--format", "sarif", "depot.md", cwd=tmp_path).stdout)
    assert {r["partialFingerprints"]["copydeskFindingHash/v2"] for r in sarif["runs"][0]["results"]} == prints
    gitlab = json.loads(run_cli("check", "--format", "gitlab", "depot.md", cwd=tmp_path).stdout)
    assert {i["fingerprint"] for i in gitlab} == prints
    html = run_cli("check", "--format", "html", "depot.md", cwd=tmp_path).stdout.decode()
    assert all(f'data-fingerprint="{fp}"' in html for fp in prints)
    # The same draft checked from another folder keeps them (paths are taken from the config file's folder).
    write(tmp_path / ".copydesk.toml", "fail-on = 'warning'\n")
    inside = {f["fingerprint"] for f in _findings(tmp_path)}
    write(tmp_path / "sub" / "x.txt", "")
    report, _ = check_json("../depot.md", cwd=tmp_path / "sub", extra=("--no-cache", "--fail-on", "never"))
    assert {f["fingerprint"] for f in report["files"][0]["findings"]} == inside


def test_a_version_1_baseline_is_still_read(tmp_path):
    from copydesk import api
    from copydesk.report.fingerprint import line_fingerprints

    write(tmp_path / "depot.md", DESK)
    result = api.Linter().check_file(tmp_path / "depot.md", display="depot.md")
    entries = [{"path": "depot.md", "code": f.code, "fingerprint": fp, "count": 1}
               for f, fp in zip(result.findings, line_fingerprints(result))]
    write(tmp_path / "old.json", json.dumps({"version": 1, "tool": {"name": "copydesk"}, "findings": entries}))
    proc = run_cli("check", "--no-cache", "--baseline", "old.json", "depot.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()
    # And a new one is version 2, read back the same way.
    assert run_cli("baseline", "--no-cache", "depot.md", "-o", "new.json", cwd=tmp_path).returncode == 0
    assert json.loads((tmp_path / "new.json").read_text())["version"] == 2
    assert run_cli("check", "--no-cache", "--baseline", "new.json", "depot.md", cwd=tmp_path).returncode == 0


# -- review in a terminal --------------------------------------------------------------------------------------

def _read_until(fd: int, marker: str, seen: list[str], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while marker not in "".join(seen):
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in {''.join(seen)[-2000:]!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            assert chunk, f"review ended before {marker!r}: {''.join(seen)[-2000:]!r}"
            seen.append(chunk.decode("utf-8", "replace"))


def _review_in_a_terminal(tmp_path: Path, answers: list[str], *extra: str) -> tuple[int, str]:
    """Run `copydesk review` on a real pseudo-terminal, answering each prompt in turn."""
    main, sub = pty.openpty()
    env = dict(os.environ, COLUMNS="120", TERM="xterm")
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "review", "--no-cache", *extra, "depot.md"],
                            cwd=tmp_path, stdin=sub, stdout=sub, stderr=sub, env=env, close_fds=True)
    os.close(sub)
    seen: list[str] = []
    try:
        for answer in answers:
            prompt = "reason (optional" if answer.startswith("reason:") else "[r]ight"
            _read_until(main, prompt, seen)
            seen.append("\0")  # the next prompt must be a new one
            os.write(main, (answer.removeprefix("reason:") + "\n").encode())
        code = proc.wait(timeout=120)
        try:
            while select.select([main], [], [], 0.2)[0]:
                chunk = os.read(main, 65536)
                if not chunk:
                    break
                seen.append(chunk.decode("utf-8", "replace"))
        except OSError:
            pass
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    return code, re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", "".join(seen))


def test_review_in_a_real_terminal_records_verdicts_and_resumes(tmp_path):
    write(tmp_path / "depot.md", DESK)
    gate = [f for f in _findings(tmp_path) if f["severity"] in ("warning", "error")]
    code, screen = _review_in_a_terminal(tmp_path, ["r", "reason:", "w", "reason:the board is named two lines up",
                                                    "s", "q"], "--gate")
    assert code == 0, screen
    assert f"{len(gate)} finding(s) to judge" in screen and "Sentence" in screen and "Why it matters" in screen
    verdicts = _verdicts(tmp_path)
    assert [v["verdict"] for v in verdicts] == ["right", "wrong"]
    by_print = {f["fingerprint"]: f for f in gate}
    first, second = (by_print[v["fingerprint"]] for v in verdicts)
    assert verdicts[0] == {"fingerprint": gate[0]["fingerprint"], "code": first["code"], "verdict": "right",
                           "confidence": first["confidence"], "severity": first["severity"], "path": "depot.md"}
    assert verdicts[1]["reason"] == "the board is named two lines up" and verdicts[1]["code"] == second["code"]
    raw = (tmp_path / ".copydesk" / "verdicts.jsonl").read_text(encoding="utf-8")
    assert "Critics" not in raw and "Skip to content" not in raw  # no copy text in the file
    # Resumable: the next session shows only what is not judged yet (the skipped one among them).
    code, screen = _review_in_a_terminal(tmp_path, ["q"], "--gate")
    assert code == 0 and f"{len(gate) - 2} finding(s) to judge" in screen and "2 judged before" in screen


def test_review_without_a_terminal_points_at_export(tmp_path):
    write(tmp_path / "depot.md", DESK)
    proc = subprocess.run([sys.executable, "-m", "copydesk", "review", "depot.md"], cwd=tmp_path,
                          stdin=subprocess.PIPE, capture_output=True, timeout=120)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "--export" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / ".copydesk").exists()


# -- export, import, and the verdicts file ---------------------------------------------------------------------

def test_export_and_import_round_trip_and_stats(tmp_path):
    write(tmp_path / "depot.md", DESK)
    findings = _findings(tmp_path)
    assert run_cli("review", "--no-cache", "depot.md", "--export", "judge.csv", cwd=tmp_path).returncode == 0
    with open(tmp_path / "judge.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["fingerprint"] for r in rows} == {f["fingerprint"] for f in findings}
    assert all(r["sentence"] and r["paragraph"] and r["why"] for r in rows)
    critics = next(r for r in rows if r["flagged"] == "Critics argue")
    assert critics["sentence"].startswith("Critics argue the depot") and critics["sentence"].endswith("admits.")
    # The desk judges in a spreadsheet: the furniture right, the first attribution wrong, one left blank.
    for r in rows:
        r["verdict"] = {"BOI001": "Right", "SRC001": "w"}.get(r["code"], "")
        r["reason"] = "named later" if r["code"] == "SRC001" else ""
    with open(tmp_path / "judge.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    proc = run_cli("review", "--import", "judge.csv", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    verdicts = _verdicts(tmp_path)
    expected = {r["fingerprint"]: r for r in rows if r["verdict"]}
    assert {v["fingerprint"] for v in verdicts} == set(expected)
    assert all(v["verdict"] == ("right" if v["code"] == "BOI001" else "wrong") for v in verdicts)
    # The next export leaves out what is judged.
    assert run_cli("review", "--no-cache", "depot.md", "--export", "next.csv", cwd=tmp_path).returncode == 0
    with open(tmp_path / "next.csv", encoding="utf-8", newline="") as fh:
        left = {r["fingerprint"] for r in csv.DictReader(fh)}
    assert left == {f["fingerprint"] for f in findings} - set(expected)
    # stats: precision per rule, and the findings not yet judged.
    stats = json.loads(run_cli("stats", "--no-cache", "--format", "json", "depot.md", cwd=tmp_path).stdout)
    rules = {r["code"]: r for r in stats["rules"]}
    boi = sum(1 for f in findings if f["code"] == "BOI001")
    src = sum(1 for f in findings if f["code"] == "SRC001")
    assert rules["BOI001"]["right"] == boi and rules["BOI001"]["precision"] == 1.0
    assert rules["SRC001"]["wrong"] == src and rules["SRC001"]["gate_precision"] == 0.0
    assert stats["stale"] == 0 and sum(r["unjudged"] for r in stats["rules"]) == len(left)
    # A bad verdict in the sheet is named by its row, and nothing is half-imported.
    rows[0]["verdict"] = "maybe"
    with open(tmp_path / "bad.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = (tmp_path / ".copydesk" / "verdicts.jsonl").read_bytes()
    proc = run_cli("review", "--import", "bad.csv", cwd=tmp_path)
    assert proc.returncode == 2 and b"row 2" in proc.stderr and b"Traceback" not in proc.stderr
    assert (tmp_path / ".copydesk" / "verdicts.jsonl").read_bytes() == before


_APPENDER = """
import sys
from copydesk.verdicts import Verdict, append_verdicts
who = sys.argv[2]
for n in range(300):
    append_verdicts(sys.argv[1], [Verdict(f"{who}-{n:04d}" + "0" * 20, "SRC001", "wrong", "x" * (n % 50), 0.85,
                                          "warning", "desk/story.md")])
"""


def test_two_editors_appending_at_once_lose_nothing(tmp_path):
    from copydesk.verdicts import read_verdicts

    target = tmp_path / ".copydesk" / "verdicts.jsonl"
    procs = [subprocess.Popen([sys.executable, "-c", _APPENDER, str(target), who]) for who in ("ada", "ben", "cy")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    verdicts = read_verdicts(target)
    assert len(verdicts) == 900
    for who in ("ada", "ben", "cy"):
        mine = [v.fingerprint for v in verdicts if v.fingerprint.startswith(who)]
        assert mine == sorted(mine) and len(mine) == 300  # whole lines, each writer's in its own order


# -- calibrate ---------------------------------------------------------------------------------------------------

def _write_verdicts(path: Path, rows: list[tuple[str, str, float, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for n, (code, verdict, confidence, severity) in enumerate(rows):
            fh.write(json.dumps({"fingerprint": f"{code}-{n:03d}", "code": code, "verdict": verdict,
                                 "confidence": confidence, "severity": severity}) + "\n")


KNOWN = (
    # NEU001 (advisory-below 0.7 on its card): every wrong finding sits below 0.8, every right one at 0.8 or above.
    [("NEU001", "wrong", c, "warning") for c in (0.7, 0.72, 0.75, 0.78)]
    + [("NEU001", "right", c, "warning") for c in (0.8, 0.8, 0.8, 0.8, 0.85, 0.85, 0.9, 0.9)]
    # SRC001: wrong at every confidence: no threshold helps, so it is made advisory.
    + [("SRC001", "wrong", c, "warning") for c in (0.85, 0.85, 0.9, 0.9, 0.95, 0.85, 0.85)]
    + [("SRC001", "right", 0.85, "warning")]
    # BOI001: right every time: left as it is.
    + [("BOI001", "right", 1.0, "error")] * 9
    # NEU002: two verdicts only: too few to say anything.
    + [("NEU002", "wrong", 0.9, "warning"), ("NEU002", "right", 0.9, "warning")]
)


def test_calibrate_on_verdicts_with_a_known_answer(tmp_path):
    from copydesk import api
    from copydesk.calibrate import calibrate, verdicts_needed
    from copydesk.verdicts import read_verdicts

    _write_verdicts(tmp_path / "v.jsonl", KNOWN)
    cards = {c.code: c for c in api.Linter(config=False).cards_for("draft.md")}
    results = {r.code: r for r in calibrate(read_verdicts(tmp_path / "v.jsonl"), cards, target=0.85)}
    assert results["NEU001"].before == 0.7 and results["NEU001"].after == 0.8 and results["NEU001"].status == "raised"
    assert results["NEU001"].right_after == 8 and results["NEU001"].wrong_after == 0
    assert results["SRC001"].demote and results["SRC001"].status == "advisory"
    assert results["BOI001"].status == "kept" and not results["BOI001"].changed
    assert results["NEU002"].status == "too-few" and results["NEU002"].needs == verdicts_needed(0.85) - 2
    assert not results["NEU002"].changed


PYPROJECT = """# The desk's project file.
[project]
name = "osterby-desk"  # not a Python package, but the tools read this file

[tool.copydesk]
# House rules first.
fail-on = "warning"
select = ["ALL"]

[tool.black]
line-length = 100
"""


def test_calibrate_writes_a_marked_block_into_pyproject_and_the_gate_follows(tmp_path):
    write(tmp_path / "pyproject.toml", PYPROJECT)
    _write_verdicts(tmp_path / "v.jsonl", KNOWN)
    proc = run_cli("calibrate", "--verdicts", "v.jsonl", "--target", "0.85", "--write", "pyproject.toml",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    table = proc.stdout.decode()
    assert "NEU001" in table and "0.7 -> 0.8" in table and "0.7 -> info" not in table
    assert "too few verdicts: 4 more needed" in table  # NEU002, with the default target and bound
    text = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert text.startswith(PYPROJECT)  # every other key and comment kept byte for byte
    assert "[tool.copydesk.advisory-below]\nNEU001 = 0.8\n" in text and 'SRC001 = "info"' in text
    # A second run replaces its block; it never piles up.
    proc = run_cli("calibrate", "--verdicts", "v.jsonl", "--target", "0.85", "--write", "pyproject.toml",
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    again = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert again.count("# >>> copydesk calibrate") == 1 and again.startswith(PYPROJECT)
    # The gate follows: SRC001, made advisory, no longer blocks.
    draft = ("The Osterby board, which regularly meets on Mondays, voted to keep the depot open.\n\n"
             "Critics argue the roof is unsafe.\n")
    write(tmp_path / "d.md", draft)
    report, _ = check_json("d.md", cwd=tmp_path, extra=("--no-cache", "--fail-on", "never"))
    src = [f for f in report["files"][0]["findings"] if f["code"] == "SRC001"]
    assert src and all(f["severity"] == "info" for f in src)
    # A key the block would set that the file already sets by hand: said, and nothing written.
    write(tmp_path / "other" / "pyproject.toml", '[tool.copydesk]\nadvisory-below = {NEU001 = 0.75}  # ours\n')
    proc = run_cli("calibrate", "--verdicts", "../v.jsonl", "--write", "pyproject.toml", cwd=tmp_path / "other")
    assert proc.returncode == 2 and b"advisory-below" in proc.stderr and b"Traceback" not in proc.stderr
    assert (tmp_path / "other" / "pyproject.toml").read_text() == '[tool.copydesk]\nadvisory-below = {NEU001 = 0.75}  # ours\n'


def test_stale_verdicts_are_counted_and_not_used(tmp_path):
    write(tmp_path / "depot.md", DESK)
    findings = _findings(tmp_path)
    gone = [{"fingerprint": "0" * 32, "code": "SRC001", "verdict": "wrong", "confidence": 0.9, "severity": "warning"}]
    kept = [{"fingerprint": f["fingerprint"], "code": f["code"], "verdict": "right", "confidence": 0.5,
             "severity": "info"} for f in findings]
    write(tmp_path / ".copydesk" / "verdicts.jsonl", "".join(json.dumps(v) + "\n" for v in gone + kept))
    proc = run_cli("calibrate", "--no-cache", "depot.md", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert "1 stale" in out and f"{len(kept)} used" in out
    stats = json.loads(run_cli("stats", "--no-cache", "--format", "json", "depot.md", cwd=tmp_path).stdout)
    assert stats["stale"] == 1
    # Confidences are read afresh from the findings, not from the verdicts (0.5 above).
    assert all(band != "0.5-0.7" for r in stats["rules"] for band in r["bands"])
    # Without the paths, calibrate says it could not tell.
    out = run_cli("calibrate", cwd=tmp_path).stdout.decode()
    assert "stale verdicts not checked" in out


def test_bad_verdicts_files_get_one_line(tmp_path):
    write(tmp_path / ".copydesk" / "verdicts.jsonl", '{"fingerprint": "a", "code": "SRC001", "verdict": "nope"}\n'
          '{"fingerprint": "b"')
    proc = run_cli("stats", cwd=tmp_path)
    assert proc.returncode == 2 and b"verdicts.jsonl:1" in proc.stderr and b"Traceback" not in proc.stderr
    proc = run_cli("calibrate", "--target", "1.5", cwd=tmp_path)
    assert proc.returncode == 2 and b"--target" in proc.stderr
    assert run_cli("stats", "--verdicts", "missing.jsonl", cwd=tmp_path).returncode == 2
