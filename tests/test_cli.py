"""The real CLI in a subprocess: reports, JSON contract, exit codes, bad input, config, stdin, folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import check_json, cli_env, run_cli, span_text, write

CLEAN = "The Velden tram line carried 3,000 passengers in its first week.\n\nThe operator plans a second line in 2028.\n"
FAULTY = ("Skip to content\n\nThe Velden tram line carried 3,000 passengers in its first week.\n\n"
          "A tram waits at the depot in Velden.\nA tram waits at the depot in Velden.\n")


def test_text_report_ranks_and_underlines(tmp_path):
    draft = write(tmp_path / "tram.txt", FAULTY)
    proc = run_cli("check", "--no-color", str(draft))
    out = proc.stdout.decode()
    assert proc.returncode == 1
    assert "score" in out and "DUP001" in out and "BOI001" in out
    assert "      6 │ A tram waits at the depot in Velden." in out
    assert "^" * len("A tram waits at the depot in Velden.") in out
    assert out.index("1:1") < out.index("6:1")  # same severity and confidence: by position
    assert "By category: boilerplate 1, duplication 1" in out
    assert "\x1b[" not in out


def test_json_contract_every_file_listed(tmp_path):
    write(tmp_path / "desk/a.txt", FAULTY)
    write(tmp_path / "desk/b.md", CLEAN)
    write(tmp_path / "desk/notes.docx", "ignored: not a draft suffix")
    report, proc = check_json("desk", cwd=tmp_path)
    assert proc.returncode == 1
    assert report["version"] == 1 and report["tool"]["name"] == "copydesk"
    paths = [f["path"] for f in report["files"]]
    assert paths == [os.path.join("desk", "a.txt"), os.path.join("desk", "b.md")]
    a, b = report["files"]
    assert b["findings"] == [] and b["score"] == 100 and b["words"] == 19
    keys = {"code", "rule", "category", "severity", "confidence", "line", "column", "end_line", "end_column",
            "message", "excerpt", "advisory", "fingerprint"}
    source = (tmp_path / "desk/a.txt").read_text()
    for f in a["findings"]:
        assert set(f) - {"fix"} == keys  # fix: only on findings --fix can mend
        assert all(isinstance(n, int) for n in f.get("fix", []))
        assert span_text(source, f) == f["excerpt"]
    assert report["summary"]["files"] == 2 and report["summary"]["findings"] == 2
    assert report["summary"]["by_category"] == {"boilerplate": 1, "duplication": 1}


@pytest.mark.parametrize("level, code", [("never", 0), ("error", 1), ("warning", 1), ("info", 1)])
def test_fail_on_levels(tmp_path, level, code):
    draft = write(tmp_path / "a.txt", FAULTY)
    assert run_cli("check", "--fail-on", level, str(draft)).returncode == code


def test_fail_on_error_passes_when_only_warnings(tmp_path):
    write(tmp_path / ".copydesk.toml", '[severity]\nDUP001 = "warning"\nBOI001 = "info"\n')
    draft = write(tmp_path / "a.txt", FAULTY)
    assert run_cli("check", "--fail-on", "error", str(draft)).returncode == 0
    assert run_cli("check", str(draft)).returncode == 1


def test_clean_draft_exits_zero(tmp_path):
    proc = run_cli("check", str(write(tmp_path / "a.txt", CLEAN)))
    assert proc.returncode == 0, proc.stdout
    assert "Checked 1 file" in proc.stdout.decode()


def test_stdin_with_filename_picks_the_format(tmp_path):
    md = "---\ntitle: Tram\n---\n\n*A tram at the depot in Velden today.*\n*A tram at the depot in Velden today.*\n"
    proc = run_cli("check", "--format", "json", "--stdin-filename", "news/tram.md", "-", stdin=md.encode())
    report = json.loads(proc.stdout)
    f = report["files"][0]
    assert f["path"] == "news/tram.md"
    assert [(x["code"], x["line"]) for x in f["findings"]] == [("DUP001", 6)]


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    proc = run_cli("check", str(tmp_path / "nope.md"))
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert err.count("\n") == 0 and "no such file or directory" in err


def test_usage_error_exit_2():
    proc = run_cli("check", "--format", "yaml", "x.md")
    assert proc.returncode == 2 and b"invalid choice" in proc.stderr and b"Traceback" not in proc.stderr


def test_bad_inputs_each_handled(tmp_path):
    write(tmp_path / "d/binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR")
    write(tmp_path / "d/utf16.txt", "Skip to content\n\nThe Velden tram line opened today.\n".encode("utf-16"))
    write(tmp_path / "d/bom.md", "\ufeffSkip to content\n".encode("utf-8"))
    write(tmp_path / "d/latin1.txt", "Caf\xe9 owners in Velden welcomed the tram.\n".encode("latin-1"))
    write(tmp_path / "d/empty.txt", b"")
    write(tmp_path / "d/broken.md", "---\ntitle: [oops\n---\nText.\n")
    write(tmp_path / "d/z_after.txt", FAULTY)
    report, proc = check_json("d", cwd=tmp_path)
    assert proc.returncode == 2  # one file could not be checked
    err = proc.stderr.decode()
    assert "Traceback" not in err
    by = {Path(f["path"]).name: f for f in report["files"]}
    assert by["binary.txt"]["skipped"] and "binary" in by["binary.txt"]["notices"][0]
    assert [x["line"] for x in by["utf16.txt"]["findings"]] == [1]
    assert [(x["line"], x["column"]) for x in by["bom.md"]["findings"]] == [(1, 1)]
    assert "not valid UTF-8" in by["latin1.txt"]["notices"][0] and by["latin1.txt"]["score"] == 100
    assert by["empty.txt"]["findings"] == [] and by["empty.txt"]["words"] == 0
    assert "malformed front matter" in by["broken.md"]["errors"][0]
    assert len(by["z_after.txt"]["findings"]) == 2, "files after a broken one are still checked"
    assert "binary file" in err and "malformed front matter" in err


def test_config_unknown_key_names_it(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.copydesk]\nselct = ["DUP001"]\n')
    proc = run_cli("check", str(write(tmp_path / "a.txt", CLEAN)))
    assert proc.returncode == 2
    assert b"unknown key 'selct'" in proc.stderr and proc.stderr.count(b"\n") == 1


@pytest.mark.parametrize("config, fragment", [
    ('select = ["DUP999"]', b"unknown rule or category 'DUP999'"),
    ('ignore = ["formatting"]', b"unknown rule or category 'formatting'"),
    ('fail-on = "sometimes"', b"fail-on"),
    ('[rules.DUP001]\nmin_wurds = 3', b"has no option 'min_wurds'"),
    ('[rules.DUP001]\nmin_words = "three"', b"expected a number"),
    ('[severity]\nDUP001 = "fatal"', b"severity"),
    ('select = [', b"not valid TOML"),
])
def test_config_errors_exit_2(tmp_path, config, fragment):
    write(tmp_path / ".copydesk.toml", config + "\n")
    proc = run_cli("check", str(write(tmp_path / "a.txt", CLEAN)))
    assert proc.returncode == 2, proc.stdout
    assert fragment in proc.stderr and b"Traceback" not in proc.stderr


def test_config_select_ignore_options_and_per_file_ignores(tmp_path):
    write(tmp_path / "pyproject.toml", """
[tool.copydesk]
select = ["duplication", "BOI001"]
ignore = ["STR100"]
per-file-ignores = { "wire/*.txt" = ["boilerplate"] }
fail-on = "error"

[tool.copydesk.rules.duplicate-block]
min_words = 2
""")
    short_dup = "Tram stops.\n\nThe Velden tram line opened today for passengers.\n\nTram stops.\n"
    write(tmp_path / "own/a.txt", short_dup)
    write(tmp_path / "wire/b.txt", FAULTY)
    report, proc = check_json("own", "wire", cwd=tmp_path)
    by = {Path(f["path"]).name: [x["code"] for x in f["findings"]] for f in report["files"]}
    assert by == {"a.txt": ["DUP001"], "b.txt": ["DUP001"]}
    assert proc.returncode == 1
    report, _ = check_json("own", cwd=tmp_path, extra=("--select", "BOI001"))
    assert report["files"][0]["findings"] == []


def test_explicit_config_flag(tmp_path):
    cfg = write(tmp_path / "cfg/strict.toml", '[tool.copydesk]\nignore = ["DUP001"]\n')
    draft = write(tmp_path / "a.txt", FAULTY)
    report, _ = check_json(str(draft), extra=("--config", str(cfg)))
    assert [x["code"] for x in report["files"][0]["findings"]] == ["BOI001"]


def test_folder_walk_excludes_and_skips_symlinks(tmp_path):
    write(tmp_path / "site/a.md", FAULTY)
    write(tmp_path / "site/drafts/old.md", FAULTY)
    write(tmp_path / "site/.git/x.md", FAULTY)
    outside = write(tmp_path / "outside/o.md", FAULTY)
    os.symlink(outside, tmp_path / "site/link.md")
    os.symlink(outside.parent, tmp_path / "site/linkdir")
    report, _ = check_json("site", cwd=tmp_path, extra=("--exclude", "*/drafts/*"))
    assert [f["path"] for f in report["files"]] == [os.path.join("site", "a.md")]


def test_version_and_help_do_not_import_spacy():
    code = ("import sys\nfrom copydesk.cli import main\n"
            "for argv in (['--version'], ['--help'], ['check', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "print('spacy' in sys.modules, 'rich' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=cli_env(), text=True)
    assert proc.stdout.strip().splitlines()[-1] == "False False"
    assert run_cli("--version").stdout.decode().startswith("copydesk ")


def test_rules_and_explain():
    out = run_cli("rules").stdout.decode()
    assert "DUP001" in out and "duplicate-block" in out and "BOI001" in out
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {"DUP001", "BOI001", "STR100"} <= {r["code"] for r in listed}
    text = run_cli("explain", "duplicate-block").stdout.decode()
    assert text.startswith("# DUP001 duplicate-block") and "## Why" in text and "min_words" in text
    bad = run_cli("explain", "NOPE01")
    assert bad.returncode == 2 and b"unknown rule" in bad.stderr


def test_no_color_env_and_pipes_give_plain_text(tmp_path):
    draft = write(tmp_path / "a.txt", FAULTY)
    piped = run_cli("check", str(draft)).stdout
    forced = run_cli("check", str(draft), env={"NO_COLOR": "1", "FORCE_COLOR": "1"}).stdout
    assert b"\x1b[" not in piped and b"\x1b[" not in forced


def test_quiet_is_one_line_per_finding(tmp_path):
    draft = write(tmp_path / "a.txt", FAULTY)
    lines = run_cli("check", "-q", str(draft)).stdout.decode().strip().splitlines()
    assert lines[0].startswith(f"{draft}:1:1: error") and lines[1].startswith(f"{draft}:6:1: error")
    assert len(lines) == 3


def test_github_and_sarif_formats(tmp_path):
    draft = write(tmp_path / "a.txt", FAULTY)
    gh = run_cli("check", "--format", "github", str(draft)).stdout.decode().splitlines()
    assert gh[0].startswith("::error file=") and "line=1,col=1" in gh[0]
    sarif = json.loads(run_cli("check", "--format", "sarif", str(draft)).stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"DUP001", "BOI001"}
    assert results[0]["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1


def test_output_file(tmp_path):
    draft = write(tmp_path / "a.txt", FAULTY)
    out = tmp_path / "report.json"
    proc = run_cli("check", "--format", "json", "-o", str(out), str(draft))
    assert proc.stdout == b"" and json.loads(out.read_text())["summary"]["findings"] == 2


def test_a_kind_that_raises_is_an_internal_error_others_still_run(tmp_path, monkeypatch, capsys):
    from copydesk import cli
    from copydesk.framework import KINDS
    from copydesk.registry import load_kinds

    load_kinds()
    original = KINDS["page_furniture"]

    def boom(article, card):
        raise RuntimeError("simulated failure")

    monkeypatch.setitem(KINDS, "page_furniture", original.__class__(**{**original.__dict__, "check": boom}))
    draft = write(tmp_path / "a.txt", FAULTY)
    code = cli.main(["check", "--format", "json", str(draft)])
    out, err = capsys.readouterr()
    assert code == 2
    assert f"internal error in rule BOI001 (page-furniture)" in err and str(draft) in err
    assert "Traceback" not in err
    assert [f["code"] for f in json.loads(out)["files"][0]["findings"]] == ["DUP001"]


@pytest.mark.parametrize("name, text", [
    ("a.md", "---\ntitle: Velden tram\n---\n\n# Velden tram\n\nSkip to content\n\n"
             "*A tram waits at the depot in **Velden**.*\n*A tram waits at the depot in **Velden**.*\n"),
    ("a.html", "<html><body><article>\n<h1>Velden tram</h1>\n<p>Skip   to\ncontent</p>\n"
               "<figure><img src=a.jpg><figcaption>A tram waits at the depot in Velden &amp; Osterby.</figcaption></figure>\n"
               "<figure><img src=b.jpg><figcaption>A tram waits at the depot in Velden &amp; Osterby.</figcaption></figure>\n"
               "</article></body></html>\n"),
])
def test_spans_point_into_the_original_file_for_markdown_and_html(tmp_path, name, text):
    draft = write(tmp_path / name, text)
    report, _ = check_json(str(draft))
    findings = report["files"][0]["findings"]
    assert sorted(f["code"] for f in findings) == ["BOI001", "DUP001"]
    for f in findings:
        raw = span_text(text, f)
        assert " ".join(raw.replace("&amp;", "&").replace("**", "").split()) == f["excerpt"], (raw, f)


def test_text_report_shows_errors_and_notices_once(tmp_path):
    write(tmp_path / "d/binary.txt", b"\x00\x01\x02")
    write(tmp_path / "d/broken.md", "---\ntitle: [oops\n---\nText.\n")
    proc = run_cli("check", "--no-color", "d", cwd=tmp_path)
    out, err = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 2 and err == ""
    assert out.count("malformed front matter") == 1 and out.count("binary file") == 1
    quiet = run_cli("check", "-q", "d", cwd=tmp_path).stdout.decode()
    assert os.path.join("d", "binary.txt") + ": note: binary file" in quiet


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_third_party_warning_or_log_line_reaches_the_terminal(tmp_path, fmt):
    # Every warning switched on (as a developer's PYTHONWARNINGS might), every rule selected: what reaches
    # stderr is copydesk's own lines, if any, and never a dependency's warning or log record.
    write(tmp_path / "draft.md", "# Tram depot opens\n\nThe new tram depot on Quay Road opened on Monday. "
          "It will house forty trams, the operator said, and it cost 12 million euros to build.\n")
    proc = run_cli("check", "--format", fmt, "--select", "ALL", "--no-cache", "draft.md", cwd=tmp_path,
                   env={"PYTHONWARNINGS": "always"})
    assert proc.returncode in (0, 1), proc.stderr.decode()
    lines = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert all(line.startswith("copydesk") for line in lines), lines
    assert "Warning" not in proc.stderr.decode() and "pkg_resources" not in proc.stdout.decode()


def test_a_reader_that_goes_away_is_not_an_error_message(tmp_path):
    """`copydesk explain DUP001 | head -1`: the pipe's reader is gone before copydesk writes; it stops quietly."""
    from conftest import cli_env

    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, deterministically
    try:
        proc = subprocess.run([sys.executable, "-m", "copydesk", "explain", "DUP001"], stdout=write_end,
                              stderr=subprocess.PIPE, env=cli_env(None), timeout=120)
    finally:
        os.close(write_end)
    assert proc.returncode != 0
    assert b"Traceback" not in proc.stderr and b"BrokenPipe" not in proc.stderr and b"Exception" not in proc.stderr
