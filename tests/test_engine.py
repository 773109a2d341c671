"""The engine: NLP only when a selected rule needs it, once per article; ranking; score; limits."""

from __future__ import annotations

import pytest

from copydesk.engine import article_score, lint_article
from copydesk.finding import Finding, make_finding
from copydesk.framework import KINDS, Kind
from copydesk.registry import load_kinds
from copydesk.readers import parse_text
from copydesk.registry import RuleCard, load_registry

REGISTRY = load_registry()
TEXT = ("Mayor Clara Voss opened the Velden library on Monday. She thanked the builders.\n\n"
        "Skip to content\n\nLibrarian Ada Kern said 400 people came.\n")


@pytest.fixture
def person_kind(monkeypatch):
    """A kind that needs the NLP pass: it flags every PERSON entity, with exact spans."""
    load_kinds()
    calls = []

    def people(article, card):
        calls.append(article.path)
        for block in article.body:
            for offset, doc in block.docs:
                for ent in doc.ents:
                    if ent.label_ == "PERSON":
                        yield make_finding(card, article, block, offset + ent.start_char, offset + ent.end_char,
                                           confidence=0.5, name=ent.text)

    monkeypatch.setitem(KINDS, "people_probe", Kind("people_probe", people, {}, ("name",), needs_nlp=True))
    card = RuleCard(code="REA999", name="people-probe", category="readability", kind="people_probe",
                    severity="info", message="person {name}", why="test", examples={"fail": [], "pass": []})
    return card, calls


def test_nlp_runs_only_when_a_selected_rule_needs_it(person_kind):
    card, calls = person_kind
    plain = parse_text(TEXT, "a.txt", "txt")
    result = lint_article(plain, [REGISTRY.lookup("BOI001")], REGISTRY)
    assert [f.code for f in result.findings] == ["BOI001"]
    assert not plain.nlp_done and all(not b.docs for b in plain.blocks)

    article = parse_text(TEXT, "a.txt", "txt")
    result = lint_article(article, [REGISTRY.lookup("BOI001"), card], REGISTRY)
    assert article.nlp_done and calls == ["a.txt"]
    people = [f for f in result.findings if f.code == "REA999"]
    lines = TEXT.splitlines()
    for f in people:  # entity spans map back to the file exactly
        assert lines[f.line - 1][f.column - 1:f.end_column - 1] == f.excerpt
    names = [f.excerpt for f in people]
    assert "Clara Voss" in names and any(n.endswith("Ada Kern") for n in names)


def test_text_over_the_nlp_limit_skips_those_rules_with_a_notice(person_kind):
    card, calls = person_kind
    article = parse_text(TEXT, "a.txt", "txt")
    result = lint_article(article, [REGISTRY.lookup("BOI001"), card], REGISTRY, nlp_max_chars=50)
    assert calls == [] and not article.nlp_done
    assert [f.code for f in result.findings] == ["BOI001"]
    assert "over max-nlp-chars (50)" in result.notices[0] and "1 rule(s)" in result.notices[0]


def test_ranking_is_severity_then_confidence_then_position():
    def f(sev, conf, line):
        return Finding("X", "x", "structure", sev, conf, line, 1, line, 2, "m", "e")

    items = [f("info", 1.0, 1), f("warning", 0.5, 9), f("error", 0.6, 5), f("error", 0.9, 7), f("warning", 0.5, 3)]
    ranked = sorted(items, key=Finding.sort_key)
    assert [(x.severity, x.confidence, x.line) for x in ranked] == [
        ("error", 0.9, 7), ("error", 0.6, 5), ("warning", 0.5, 3), ("warning", 0.5, 9), ("info", 1.0, 1)]


def test_score_formula():
    def f(sev, conf=1.0):
        return Finding("X", "x", "structure", sev, conf, 1, 1, 1, 2, "m", "e")

    assert article_score([], 800) == 100
    assert article_score([f("error")], 500) == 67
    assert article_score([f("error")] * 5, 500) == 29
    assert article_score([f("error")], 2000) == 89  # longer articles are allowed proportionally more
    assert article_score([f("warning", 0.5)], 100) == 91  # short articles count as 500 words


def test_configured_model_that_cannot_load_is_one_line_exit_2(person_kind, tmp_path, capsys):
    from conftest import write
    from copydesk import cli

    write(tmp_path / "cards/readability/probe.yaml", """
code: REA998
name: people-probe-card
category: readability
kind: people_probe
severity: info
message: "person {name}"
why: A probe for the model setting.
examples:
  fail: ["Clara Voss spoke."]
  pass: ["It rained."]
""")
    write(tmp_path / ".copydesk.toml", 'extend-rules = ["cards"]\nmodel = "no_such_model_xyz"\n')
    draft = write(tmp_path / "a.txt", "Mayor Clara Voss opened the library.\n")
    code = cli.main(["check", str(draft)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("copydesk: error: cannot load spaCy model 'no_such_model_xyz'")
    assert "Traceback" not in err and err.count("\n") == 1


def test_one_finding_per_defect_only_under_covering_rules():
    from copydesk.engine import _one_finding_per_defect

    def f(code, category, line, col, end_line, end_col, sev="error"):
        return Finding(code, code.lower(), category, sev, 1.0, line, col, end_line, end_col, "m", "e")

    block = f("DUP001", "duplication", 3, 1, 3, 80)
    sentence = f("DUP002", "duplication", 3, 10, 3, 40)
    headline = f("STR001", "structure", 5, 1, 5, 60, "warning")
    placeholder = f("STR002", "structure", 5, 1, 5, 3)
    region = f("BOI002", "boilerplate", 7, 1, 9, 20)
    same_span = f("BOI001", "boilerplate", 7, 1, 9, 20)
    other_category = f("NEU001", "neutrality", 3, 10, 3, 20)
    kept = _one_finding_per_defect([block, sentence, same_span, region, placeholder, headline, other_category],
                                   {"DUP001", "BOI002"})
    assert [k.code for k in kept] == ["DUP001", "BOI002", "STR002", "STR001", "NEU001"]
