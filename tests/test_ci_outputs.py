"""The CI gate: SARIF (validated against the official schema), JUnit, GitLab Code Quality, parallel runs,
the result cache, baselines, changed-since and safe fixes, all through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import run_cli, write

SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

STORY = ("# Harbour vote\n\n"
         "The Dunmore harbour board voted on Tuesday to keep the night ferry, after a petition signed by 900 "
         "shift workers.\n\n"
         "Skip to content\n\n"
         "Board chair Ilse Varga said the crossing would run until March at least.\n\n"
         "The Dunmore harbour board voted on Tuesday to keep the night ferry, after a petition signed by 900 "
         "shift workers.\n")


def _codes(report: dict) -> list[str]:
    return [f["code"] for file in report["files"] for f in file["findings"]]


def test_sarif_is_valid_with_encoded_uris_fingerprints_and_rule_help(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    write(tmp_path / "drafts" / "my draft, 100%.md", STORY)
    proc = run_cli("check", "--format", "sarif", "drafts", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    run = log["runs"][0]
    results = run["results"]
    assert results
    location = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "drafts/my%20draft%2C%20100%25.md", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert all(r["partialFingerprints"]["copydeskFindingHash/v2"] for r in results)
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "DUP001")
    assert "## Why" in rule["help"]["markdown"] and rule["help"]["text"]


def test_fingerprints_survive_lines_moving(tmp_path):
    write(tmp_path / "a.md", STORY)
    first = json.loads(run_cli("check", "--format", "sarif", "a.md", cwd=tmp_path).stdout)
    write(tmp_path / "a.md", "<!-- desk note -->\n\n\n" + STORY)
    moved = json.loads(run_cli("check", "--format", "sarif", "a.md", cwd=tmp_path).stdout)

    def prints(log):
        return sorted((r["ruleId"], r["partialFingerprints"]["copydeskFindingHash/v2"]) for r in log["runs"][0]["results"])

    assert prints(first) == prints(moved)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved["runs"][0]["results"]] != \
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in first["runs"][0]["results"]]


def test_junit_has_a_case_per_file_and_survives_control_characters(tmp_path):
    write(tmp_path / "a.md", STORY)
    write(tmp_path / "clean.md", "# Tide tables\n\nThe tide tables for May are on the harbour office door.\n")
    write(tmp_path / "odd.txt", "Skip to content\n\nThe pier\x01 reopened\x0b on Monday \ufffe after repairs.\n")
    proc = run_cli("check", "--format", "junit", "a.md", "clean.md", "odd.txt", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    root = ET.fromstring(proc.stdout)  # parses: no raw control characters
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == ["a.md", "clean.md", "odd.txt"]
    assert len(cases[0].findall("failure")) >= 2 and not cases[1].findall("failure")
    assert int(root.get("failures")) == sum(len(c.findall("failure")) for c in cases)
    # --fail-on error: warnings are not failures
    strict = ET.fromstring(run_cli("check", "--format", "junit", "--fail-on", "error", "a.md", cwd=tmp_path).stdout)
    report = json.loads(run_cli("check", "--format", "json", "a.md", cwd=tmp_path).stdout)
    errors = sorted(f["code"] for f in report["files"][0]["findings"] if f["severity"] == "error")
    assert sorted(f.get("type") for f in strict.iter("failure")) == errors
    never = ET.fromstring(run_cli("check", "--format", "junit", "--fail-on", "never", "a.md", cwd=tmp_path).stdout)
    assert not list(never.iter("failure")) and never.get("failures") == "0"


def test_gitlab_code_quality_report(tmp_path):
    write(tmp_path / "a.md", STORY)
    issues = json.loads(run_cli("check", "--format", "gitlab", "a.md", cwd=tmp_path).stdout)
    assert issues and all(set(i) >= {"description", "check_name", "fingerprint", "severity", "location"} for i in issues)
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert issues[0]["location"]["path"] == "a.md" and issues[0]["location"]["positions"]["begin"]["line"] >= 1


def _archive(folder: Path, n: int = 12) -> None:
    for i in range(n):
        text = STORY.replace("900", str(900 + i)) if i % 3 else f"# Note {i}\n\nThe pier {i} opens on Friday.\n"
        write(folder / f"s{i:02}.{'md' if i % 2 else 'txt'}", text)


def test_jobs_give_the_same_report_in_the_same_order(tmp_path):
    _archive(tmp_path / "site")
    one = run_cli("check", "--format", "json", "--no-cache", "--jobs", "1", "site", cwd=tmp_path)
    two = run_cli("check", "--format", "json", "--no-cache", "--jobs", "2", "site", cwd=tmp_path)
    assert one.returncode == two.returncode == 1
    assert one.stdout == two.stdout
    assert run_cli("check", "--jobs", "0", "site", cwd=tmp_path).returncode == 2


def test_cache_is_reused_invalidated_by_edits_and_skipped_with_no_cache(tmp_path):
    _archive(tmp_path / "site")
    cache = tmp_path / "cache"
    env = {"COPYDESK_CACHE_DIR": str(cache)}
    cold = run_cli("check", "--format", "json", "site", cwd=tmp_path, env=env)
    entries = sorted(cache.glob("results/*/*.json"))
    assert len(entries) == 12 and (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    stamps = {p: p.stat().st_mtime_ns for p in entries}
    warm = run_cli("check", "--format", "json", "site", cwd=tmp_path, env=env)
    assert warm.stdout == cold.stdout
    assert {p: p.stat().st_mtime_ns for p in entries} == stamps  # read, not rewritten
    write(tmp_path / "site" / "s01.md", STORY.replace("Skip to content\n\n", ""))
    edited = json.loads(run_cli("check", "--format", "json", "site", cwd=tmp_path, env=env).stdout)
    assert "BOI001" not in [f["code"] for f in edited["files"][1]["findings"]]
    assert len(list(cache.glob("results/*/*.json"))) == 13
    other = tmp_path / "other-cache"
    run_cli("check", "--no-cache", "--cache-dir", str(other), "site", cwd=tmp_path)
    assert not other.exists()


def test_parallel_runs_share_one_cache_safely(tmp_path):
    _archive(tmp_path / "site", 20)
    env = os.environ | {"COPYDESK_CACHE_DIR": str(tmp_path / "cache")}
    from conftest import cli_env
    import sys

    procs = [subprocess.Popen([sys.executable, "-m", "copydesk", "check", "--format", "json", "site"], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(env)) for _ in range(3)]
    outs = [p.communicate(timeout=600)[0] for p in procs]
    assert outs[0] == outs[1] == outs[2]
    assert not list((tmp_path / "cache").rglob(".tmp-*"))
    again = run_cli("check", "--format", "json", "site", cwd=tmp_path, env={"COPYDESK_CACHE_DIR": str(tmp_path / "cache")})
    assert again.stdout == outs[0]


def test_baseline_reports_only_new_findings_even_when_lines_move(tmp_path):
    _archive(tmp_path / "site", 6)
    made = run_cli("baseline", "site", "-o", "base.json", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert b"recorded" in made.stdout
    quiet = run_cli("check", "--format", "json", "--baseline", "base.json", "site", cwd=tmp_path)
    assert quiet.returncode == 0 and _codes(json.loads(quiet.stdout)) == []
    # Lines move (a paragraph added on top) and one new defect arrives.
    old = (tmp_path / "site" / "s01.md").read_text()
    write(tmp_path / "site" / "s01.md", "Read also: Tide tables for May\n\nA new opening paragraph about the pier.\n\n" + old)
    new = json.loads(run_cli("check", "--format", "json", "--baseline", "base.json", "site", cwd=tmp_path).stdout)
    assert _codes(new) == ["BOI001"] and new["files"][1]["findings"][0]["line"] == 1
    missing = run_cli("check", "--baseline", "nope.json", "site", cwd=tmp_path)
    assert missing.returncode == 2 and b"does not exist" in missing.stderr


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Desk", "-c", "user.email=desk@example.invalid", *args], cwd=cwd,
                   check=True, capture_output=True)


def test_changed_since_and_changed_lines(tmp_path):
    _archive(tmp_path, 4)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "archive")
    old = (tmp_path / "s01.md").read_text()
    write(tmp_path / "s01.md", old + "\nRead also: Tide tables for May\n")
    write(tmp_path / "new.md", "# New\n\nSkip to content\n\nThe pier opens on Friday.\n")
    files = json.loads(run_cli("check", "--format", "json", "--changed-since", "HEAD", ".", cwd=tmp_path).stdout)
    assert sorted(f["path"] for f in files["files"]) == ["./new.md", "./s01.md"]
    lines = json.loads(run_cli("check", "--format", "json", "--changed-since", "HEAD", "--changed-lines", ".",
                               cwd=tmp_path).stdout)
    by_path = {f["path"]: [x["code"] for x in f["findings"]] for f in lines["files"]}
    assert by_path["./s01.md"] == ["BOI001"]  # the pasted duplicate paragraph is old news
    assert "BOI001" in by_path["./new.md"]
    bad = run_cli("check", "--changed-since", "no-such-ref", ".", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.count(b"\n") <= 3


def test_fix_removes_safe_defects_atomically_and_a_second_fix_changes_nothing(tmp_path):
    draft = write(tmp_path / "d.md", STORY + "\n- first point\n- \n- third point\n")
    os.chmod(draft, 0o640)
    diff = run_cli("check", "--diff", "d.md", cwd=tmp_path)
    assert diff.returncode == 1 and b"-Skip to content" in diff.stdout and draft.read_text().startswith("# Harbour")
    assert draft.read_text() == STORY + "\n- first point\n- \n- third point\n"  # --diff writes nothing
    fixed = run_cli("check", "--format", "json", "--fix", "d.md", cwd=tmp_path)
    text = draft.read_text()
    assert "Skip to content" not in text and text.count("petition signed by 900") == 1 and "- \n" not in text
    assert "\n\n\n" not in text and text.endswith("- third point\n")
    assert oct(draft.stat().st_mode & 0o777) == "0o640"
    assert {"DUP001", "BOI001", "STR002"}.isdisjoint(_codes(json.loads(fixed.stdout)))
    again = run_cli("check", "--fix", "d.md", cwd=tmp_path)
    assert draft.read_text() == text and b"fixed" not in again.stderr
    assert run_cli("check", "--diff", "d.md", cwd=tmp_path).stdout == b""


def test_fix_refuses_symlinks_and_hard_links(tmp_path):
    real = write(tmp_path / "real.md", STORY)
    (tmp_path / "link.md").symlink_to(real)
    os.link(real, tmp_path / "twin.md")
    proc = run_cli("check", "--fix", "link.md", "twin.md", cwd=tmp_path)
    assert real.read_text() == STORY
    assert b"hard links" in proc.stderr or b"symbolic link" in proc.stderr


def test_sarif_carries_control_characters_and_bidi_text_safely(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    write(tmp_path / "odd.txt", "Skip to content\n\nThe pier\x01 reopened\x0b on \u202eMonday\u202c \ufffe after repairs.\n")
    log = json.loads(run_cli("check", "--format", "sarif", "odd.txt", cwd=tmp_path).stdout)
    jsonschema.validate(log, json.loads(SCHEMA.read_text()))
    assert log["runs"][0]["results"][0]["ruleId"] == "BOI001"


def test_cache_is_pruned_oldest_first_past_its_size_limit(tmp_path):
    from copydesk.engine import FileResult
    from copydesk.run import ResultCache

    cache = ResultCache(tmp_path / "cache", max_bytes=3_000)
    for i in range(10):
        cache.put(f"{i:02}" + "a" * 62, FileResult(path=f"s{i}.md", notices=["x" * 500]))
        os.utime(cache._path(f"{i:02}" + "a" * 62), (i, i))  # written in order
    assert cache.prune() > 0
    left = sorted(p.name[:2] for p in (tmp_path / "cache").glob("results/*/*.json"))
    assert left and left == [f"{i:02}" for i in range(10 - len(left), 10)]  # the newest kept
    assert sum(p.stat().st_size for p in (tmp_path / "cache").glob("results/*/*.json")) <= 3_000
    assert cache.get("09" + "a" * 62).path == "s9.md" and cache.get("00" + "a" * 62) is None


def test_progress_bar_only_in_a_terminal_outside_ci(monkeypatch):
    from copydesk import run

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(run.sys.stderr, "isatty", lambda: True, raising=False)
    assert isinstance(run.progress_bar(100, enabled=True), run._Progress)
    assert not isinstance(run.progress_bar(5, enabled=True), run._Progress)  # a short run needs none
    monkeypatch.setenv("CI", "true")
    assert not isinstance(run.progress_bar(100, enabled=True), run._Progress)
    monkeypatch.delenv("CI")
    monkeypatch.setattr(run.sys.stderr, "isatty", lambda: False, raising=False)
    assert not isinstance(run.progress_bar(100, enabled=True), run._Progress)


def test_a_file_changed_during_a_fix_is_left_alone(tmp_path):
    import hashlib

    from copydesk.fixes import FixRefused, write_atomically

    draft = write(tmp_path / "d.md", STORY)
    stale = hashlib.sha256(b"what the file held when it was checked").hexdigest()
    with pytest.raises(FixRefused, match="changed while"):
        write_atomically(str(draft), b"replacement", stale)
    assert draft.read_text() == STORY and [p.name for p in tmp_path.iterdir()] == ["d.md"]  # no temporary left
