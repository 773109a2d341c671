"""Suppression comments: each directive's exact scope, blank lines included, and unused ones reported."""

from __future__ import annotations

from copydesk import lint_text

DUP = "The ferry from Osterby was cancelled again today."


def findings(text: str, fmt: str = "txt"):
    return [(f.code, f.line) for f in lint_text(text, path=f"draft.{fmt}").findings]


def test_without_directives_both_copies_flagged():
    text = f"{DUP}\n\nIntro of the ferry story ran long.\n\n{DUP}\n\nMore words about ferries here.\n\n{DUP}\n"
    assert findings(text) == [("DUP001", 5), ("DUP001", 9)]


def test_disable_next_line_covers_only_the_next_line():
    text = (f"{DUP}\n\nIntro of the ferry story ran long.\n\n<!-- copydesk: disable-next-line DUP001 -->\n{DUP}\n\n"
            f"More words about ferries here.\n\n{DUP}\n")
    assert findings(text) == [("DUP001", 10)]


def test_disable_next_line_does_not_leak_past_a_blank_line():
    text = f"{DUP}\n\n<!-- copydesk: disable-next-line DUP001 -->\n\n{DUP}\n"
    got = findings(text)
    assert ("DUP001", 5) in got, "a blank line ends the directive's reach"
    assert ("STR100", 3) in got, "and the directive, having covered nothing, is reported"


def test_disable_enable_range_includes_blank_lines():
    text = (f"{DUP}\n\n<!-- copydesk: disable duplicate-block -->\n\n{DUP}\n\n\n{DUP}\n"
            f"<!-- copydesk: enable duplicate-block -->\n\n{DUP}\n")
    assert findings(text) == [("DUP001", 11)]


def test_disable_without_enable_runs_to_end_of_file():
    text = f"{DUP}\n\n<!-- copydesk: disable DUP001 -->\n\n{DUP}\n\n{DUP}\n"
    assert findings(text) == []


def test_disable_file_with_codes_and_categories():
    text = f"<!-- copydesk: disable-file duplication, BOI001 -->\nSkip to content\n\n{DUP}\n\n{DUP}\n"
    assert findings(text) == []
    text = f"<!-- copydesk: disable-file BOI001 -->\nSkip to content\n\n{DUP}\n\n{DUP}\n"
    assert findings(text) == [("DUP001", 6)]


def test_disable_all_rules_by_naming_none():
    # Two different furniture lines: the same line twice is one finding that names both lines.
    text = "Skip to content\n<!-- copydesk: disable-next-line -->\nRead also:\n"
    assert findings(text) == [("BOI001", 1)]


def test_unused_and_unknown_suppressions_are_reported():
    text = f"<!-- copydesk: disable-next-line DUP001 -->\n{DUP}\n\n<!-- copydesk: disable-next-line NOPE42 -->\nFine line.\n"
    result = lint_text(text)
    msgs = [(f.code, f.line, f.message) for f in result.findings]
    assert [(c, l) for c, l, _ in msgs] == [("STR100", 1), ("STR100", 4)]
    assert "suppressed nothing" in msgs[0][2]
    assert "unknown rule(s) NOPE42" in msgs[1][2]


def test_directive_for_a_deselected_rule_is_not_reported_unused():
    text = f"<!-- copydesk: disable-next-line DUP001 -->\n{DUP}\n"
    assert [f.code for f in lint_text(text, ignore=["DUP001"]).findings] == []


def test_directives_work_in_markdown_and_html():
    md = f"{DUP}\n\n<!-- copydesk: disable-next-line DUP001 -->\n{DUP}\n"
    assert findings(md, "md") == []
    html = f"<p>{DUP}</p>\n<!-- copydesk: disable-next-line DUP001 -->\n<p>{DUP}</p>\n"
    assert findings(html, "html") == []
