"""Hostile input: every file ends quickly with a clear answer, and one bad file never costs the rest."""

from __future__ import annotations

import os
import time

import pytest

from conftest import check_json, run_cli, write

PARA = "The ferry from Osterby was cancelled again today."


def _laughs(levels: int = 8) -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    lines.append("title: [" + ",".join([f"*a{levels - 1}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + f"\n---\n{PARA}\n\n{PARA}\n"


def test_front_matter_aliases_are_refused_in_one_line_and_the_body_is_checked(tmp_path):
    write(tmp_path / "laughs.md", _laughs())
    started = time.monotonic()
    report, proc = check_json("laughs.md", cwd=tmp_path, extra=("--select", "DUP001"))
    assert time.monotonic() - started < 30  # the 9^9-node expansion took minutes before
    f = report["files"][0]
    assert [x["code"] for x in f["findings"]] == ["DUP001"]
    assert any("YAML alias on line 3" in n for n in f["notices"]) and proc.returncode == 1


def test_oversized_front_matter_is_ignored_with_a_notice(tmp_path):
    big = "---\ntitle: Ferry\nnotes: \"" + "x" * 70_000 + "\"\n---\n" + PARA + "\n"
    write(tmp_path / "big.md", big)
    report, _ = check_json("big.md", cwd=tmp_path)
    assert any("over the 65,536" in n for n in report["files"][0]["notices"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_skipped_whether_named_or_found_in_a_folder(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    write(tmp_path / "a.txt", PARA + "\n")
    proc = run_cli("check", "--format", "json", "pipe.md", ".", cwd=tmp_path, timeout=60)
    import json

    report = json.loads(proc.stdout)
    by_path = {f["path"]: f for f in report["files"]}
    assert by_path["pipe.md"]["skipped"] and "named pipe" in by_path["pipe.md"]["notices"][0]
    assert proc.returncode == 0


def test_the_same_file_named_twice_is_checked_once_under_its_first_name(tmp_path):
    write(tmp_path / "a.txt", f"{PARA}\n\n{PARA}\n")
    report, _ = check_json("a.txt", "./a.txt", str(tmp_path / "a.txt"), ".", cwd=tmp_path)
    assert [f["path"] for f in report["files"]] == ["a.txt"]


@pytest.mark.parametrize("target, reason", [("no/such/folder/report.json", "no such folder"),
                                            (".", "is a directory")])
def test_a_report_that_cannot_be_written_is_one_clear_line(tmp_path, target, reason):
    write(tmp_path / "a.txt", PARA + "\n")
    proc = run_cli("check", "--format", "json", "--output", target, "a.txt", cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and f"cannot write the report to {target}: {reason}" in err
    assert "Traceback" not in err and "FileNotFoundError" not in err


def test_a_findings_flood_shows_the_first_few_and_a_count_while_json_keeps_all(tmp_path):
    write(tmp_path / "flood.txt", "\n\n".join([PARA] * 400) + "\n")
    text = run_cli("check", "--no-color", "--select", "DUP001", "flood.txt", cwd=tmp_path).stdout.decode()
    assert text.count("DUP001 duplicate-block") == 10
    assert "… and 389 more DUP001 findings in this file" in text
    report, _ = check_json("flood.txt", cwd=tmp_path, extra=("--select", "DUP001"))
    assert len(report["files"][0]["findings"]) == 399


def test_a_rule_past_its_time_budget_is_stopped_for_that_file_and_the_others_stand(monkeypatch):
    from dataclasses import replace

    from copydesk import kinds
    from copydesk.config import Settings, build_rules
    from copydesk.engine import lint_article
    from copydesk.readers import read_article
    from copydesk.registry import load_registry

    def never_ends(article, card):
        while True:  # a kind gone quadratic on some input
            time.sleep(0.01)
        yield  # pragma: no cover

    registry = load_registry()
    from copydesk.registry import load_kinds

    slow = load_kinds()["placeholder_text"]
    monkeypatch.setitem(kinds.KINDS, "placeholder_text", replace(slow, check=never_ends))
    cards = build_rules(registry, Settings(), select=["STR002", "DUP001"]).cards
    article = read_article("draft.txt", f"{PARA}\n\n{PARA}\n".encode())
    started = time.monotonic()
    result = lint_article(article, cards, registry, rule_timeout=0.5)
    assert time.monotonic() - started < 5
    assert [f.code for f in result.findings] == ["DUP001"]
    assert any("STR002 (placeholder-text) was stopped after 0.5 s" in n for n in result.notices)


def test_a_bad_rule_timeout_is_a_config_error(tmp_path):
    write(tmp_path / "a.txt", PARA + "\n")
    write(tmp_path / ".copydesk.toml", 'rule-timeout = "soon"\n')
    proc = run_cli("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and b"rule-timeout" in proc.stderr and b"Traceback" not in proc.stderr


def test_a_pasted_flood_is_reported_copy_by_copy_and_read_once_by_the_other_rules():
    from copydesk import lint_text

    para = "The shocking ferry cuts will hit Osterby hardest, the harbour board admitted on Tuesday."
    result = lint_text("# Ferry cuts\n\n" + "\n\n".join([para] * 40) + "\n", "flood.md")
    codes = [f.code for f in result.findings]
    assert codes.count("DUP001") == 39  # every copy is still a finding
    # The editorializing word is one defect in one paragraph, not forty.
    neutral = [f for f in result.findings if f.category == "neutrality"]
    assert len(neutral) == 1 and neutral[0].line == 3
    assert any("39 pasted copies" in n for n in result.notices)


def test_a_few_copies_are_not_a_flood():
    from copydesk import lint_text

    para = "The shocking ferry cuts will hit Osterby hardest, the harbour board admitted on Tuesday."
    result = lint_text("# Ferry cuts\n\n" + "\n\n".join([para] * 2) + "\n", "twice.md")
    assert [f.line for f in result.findings if f.code == "DUP001"] == [5]
    assert not any("pasted copies" in n for n in result.notices)


def test_a_punctuation_storm_is_counted_in_tokens_not_words():
    # 60,000 asterisks are one "word" and 60,000 tokens: parsing them took half a minute.
    from copydesk import lint_text

    result = lint_text("The ferry vote passed. " + "*" * 60_000 + "\n", "storm.txt")
    assert any("over max-nlp-tokens (20,000)" in n for n in result.notices)


def test_past_max_words_only_the_dump_rules_run():
    from copydesk.config import Settings, build_rules
    from copydesk.engine import lint_article
    from copydesk.readers import parse_text
    from copydesk.registry import load_registry

    registry = load_registry()
    article = parse_text("Skip to content\n\nThe shocking ferry cuts were announced.\n", "a.txt", "txt")
    result = lint_article(article, build_rules(registry, Settings()).for_path("a.txt"), registry, max_words=5)
    assert [f.code for f in result.findings] == ["BOI001"]
    assert any("over max-words (5)" in n for n in result.notices)


def test_space_free_runs_are_cut_before_parsing():
    from copydesk.nlp import LONG_RUN, chunks

    text = "The ferry left. " + "#" * 5_000 + " It came back."
    pieces = chunks(text)
    assert "".join(p for _, p in pieces) == text
    assert all(text[o:o + len(p)] == p for o, p in pieces)
    assert max(len(p) for _, p in pieces if "#" in p) <= LONG_RUN


def test_front_matter_fields_of_the_wrong_type_are_ignored(tmp_path):
    write(tmp_path / "types.md", "---\ntitle: [1, 2]\ndate: not-a-date\ntags: 7\nlang: [en]\n---\n\n"
          + PARA + "\n\nFerries\n\nOsterby\n\nHarbour\n\nBudget\n")
    report, proc = check_json("types.md", cwd=tmp_path)
    assert proc.returncode in (0, 1) and not report["files"][0].get("errors"), report


def test_a_long_stacked_run_names_the_range_of_lines():
    from copydesk import lint_text

    line = "<p>The Osterby harbour at dawn, before the first ferry of the winter left.</p>\n"
    result = lint_text(line * 300, "stack.html", select=["DUP001"])
    assert len(result.findings) == 1
    assert "300 times in a row (lines 1 to 300)" in result.findings[0].message
    assert len(result.findings[0].message) < 300


def test_utf32_with_a_byte_order_mark_is_read_as_utf32():
    from copydesk.readers import read_article

    article = read_article("a.txt", ("Skip to content\n\n" + PARA + "\n").encode("utf-32"))
    assert article.blocks[0].text == "Skip to content" and not article.notices


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_from_its_zero_bytes(codec):
    from copydesk.readers import BinaryFile, read_article

    article = read_article("a.txt", ("Skip to content\n\n" + PARA + "\n").encode(codec))
    assert article.blocks[0].text == "Skip to content"
    assert any(codec.upper() in n for n in article.notices)
    with pytest.raises(BinaryFile):  # an image keeps being refused
        read_article("b.md", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
