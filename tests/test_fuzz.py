"""Property-based tests (Hypothesis) for the readers and the engine: for any input, reading ends with an
Article or a one-line ReaderError, every finding's span lies inside the file and its excerpt is the text
there, and a second run gives the same report.

Example counts are bounded so .ci/run stays fast; COPYDESK_FUZZ=deep runs a longer profile. Inputs that
once broke a reader are kept in tests/fixtures/hostile/ and replayed on every run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from copydesk.config import Settings, build_rules
from copydesk.engine import lint_article
from copydesk.readers import ReaderError, read_article
from copydesk.registry import load_registry

DEEP = os.environ.get("COPYDESK_FUZZ") == "deep"
PROFILE = settings(max_examples=2000 if DEEP else 60, deadline=None, derandomize=not DEEP,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"

# Rules that read no parse: fast enough to run on every generated input. The parse-reading rules are
# exercised by the same properties on the hostile fixtures below.
REGISTRY = load_registry()
FAST = build_rules(REGISTRY, Settings(), select=["duplication", "boilerplate", "structure", "CON002", "CON004",
                                                  "GRM002", "GRM003"]).cards
FAST = [c for c in FAST if not c.kind_impl.needs_nlp]

# Pieces that stress each format: markup, front matter, quotes, bidi and control characters, odd newlines.
PIECES = st.sampled_from([
    "---\n", "title: x\n", "a: &a [1]\nb: *a\n", "<p>", "</p>", "<script>", "</script>", "<!--", "-->", "<style>",
    "<li>", "</li>", "<h1>", "# ", "## ", "  • ", "- ", "* ", "> ", "“", "”", "\"", "(", ")", "[", "]", "&amp;",
    "&#x1F6A2;", "\u202e", "\u200b", "\ufeff", "\x0b", "\r", "\r\n", "\n", "\n\n", "\t", "é", "🚢", "Read also:",
    "Skip to content", "The ferry sails at six.", "The ferry sails at six.", "last week", "22 December 2024",
    "May 9", "per cent", "percent", "colour", "color", "the the", "```", "|", "—", " ", "x" * 200,
])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=60).map("".join)


def _check(text: str, fmt: str, cards) -> tuple:
    data = text.encode("utf-8", errors="surrogatepass")
    try:
        article = read_article(f"draft.{fmt}", data)
    except ReaderError as exc:
        assert "\n" not in str(exc)  # one line for the user
        return ("error", str(exc))
    result = lint_article(article, cards, REGISTRY)
    assert not result.errors, result.errors  # no rule failed internally
    lines = article.source.text.splitlines(keepends=True) or [""]
    for f in result.findings:
        assert 1 <= f.line <= f.end_line <= max(len(lines), 1), (f.line, f.end_line, len(lines))
        assert 1 <= f.column and 1 <= f.end_column
        assert (f.line, f.column) <= (f.end_line, f.end_column)
        span = _span(article.source.text, f)
        if f.excerpt and "/" not in f.excerpt:  # a multi-block finding joins its blocks with " / "
            assert " ".join(span.split())[:40] == f.excerpt.rstrip("…")[:40] or f.excerpt.rstrip("…") in " ".join(span.split()), (span, f.excerpt)
    return tuple((f.code, f.line, f.column, f.end_line, f.end_column, f.message) for f in result.findings)


def _span(source: str, f) -> str:
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    a = starts[f.line - 1] + f.column - 1
    b = starts[f.end_line - 1] + f.end_column - 1
    return source[a:b]


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
@PROFILE
@given(text=TEXTS)
def test_any_input_reads_and_lints_within_the_file_and_repeats_itself(fmt, text):
    first = _check(text, fmt, FAST)
    assert _check(text, fmt, FAST) == first


@PROFILE
@given(data=st.binary(max_size=2000))
def test_any_bytes_read_or_give_one_line(data):
    for fmt in ("txt", "md", "html"):
        try:
            read_article(f"draft.{fmt}", data)
        except ReaderError as exc:
            assert "\n" not in str(exc)


@pytest.mark.parametrize("path", sorted(p for p in HOSTILE.glob("*") if p.name != "README.md"), ids=lambda p: p.name)
def test_the_hostile_corpus_with_every_rule(path):
    cards = build_rules(REGISTRY, Settings(preview=True)).cards
    fmt = {".md": "md", ".html": "html"}.get(path.suffix, "txt")
    text = path.read_bytes().decode("utf-8", errors="replace")
    assert _check(text, fmt, cards) == _check(text, fmt, cards)
