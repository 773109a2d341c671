"""The library API (copydesk.api): one way in for every caller, and warm re-checks that parse only what changed
and report exactly what a cold `copydesk check` of the same text reports."""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, check_json, write

EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".txt", ".md", ".html"))
FIXTURES = [ROOT / "tests" / "fixtures" / n for n in ("clean-story.md", "scraped-draft.txt", "saved-page.html",
                                                       "blog-page.html")]

# A draft written for these tests (people and places invented): a pasted-in paragraph, a duplicated caption,
# furniture, a hidden holder and a judgement in the reporter's voice, so every category has something to say.
DRAFT = """---
title: Marrowgate council delays the river path
---

# Marrowgate council delays the river path

Marrowgate's council voted 7-2 on Tuesday to delay the riverside footpath by a year, citing a shortfall of
£1.2m in the contract for the embankment works.

Councillor Ines Varga, who chairs the transport committee, said the delay would let engineers survey the
bank after last winter's floods. "We are not going to pour concrete onto a bank that moved," she said.

Critics say the council has mismanaged the scheme from the start.

Regrettably, the footpath was meant to open before the summer festival, which draws 40,000 visitors.

Photo: The riverbank at Cole Street, where the path would begin.

The contractor, Halden Civil, said it had already ordered the railings and would store them at its depot.

Photo: The riverbank at Cole Street, where the path would begin.

Skip to content

The bakery on Long Lane has won a regional award for its sourdough, its owner told customers on Friday.

Residents will be able to comment on the new timetable at the library on 3 June, the council said.
"""


def _rows(findings) -> list[tuple]:
    return [(f["code"], f["severity"], f["confidence"], f["line"], f["column"], f["end_line"], f["end_column"],
             f["message"], f.get("advisory", False)) for f in findings]


def _json(result) -> list[tuple]:
    return _rows([f.to_json() for f in result.findings])


def test_nothing_imports_the_cli():
    """The CLI is a caller like any other: no module of the library imports copydesk.cli."""
    package = ROOT / "lint" / "copydesk"
    offenders = []
    for path in package.rglob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("copydesk.cli"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Import) and any(a.name.startswith("copydesk.cli") for a in node.names):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("source", EXAMPLES + FIXTURES, ids=lambda p: p.name)
def test_warm_check_equals_cold_cli_check(tmp_path, source):
    """The API's warm check of a text and `copydesk check --format json` of the same file agree exactly."""
    from copydesk import api

    target = tmp_path / source.name
    shutil.copy(source, target)
    report, _ = check_json(target.name, cwd=tmp_path, extra=("--no-cache", "--fail-on", "never"))
    cold = _rows(report["files"][0]["findings"])
    linter = api.Linter()
    text = source.read_text(encoding="utf-8")
    first = linter.check_text(text, path=str(target))
    again = linter.check_text(text, path=str(target))  # every block from the parse cache
    assert _json(first) == cold and _json(again) == cold
    assert cold or source.name == "clean-story.md", "an example with findings, so the comparison means something"
    assert first.score == report["files"][0]["score"] == again.score


def _edits(draft: str) -> list[str]:
    """A sequence of drafts as someone types: a word changed, a paragraph added, a duplicate pasted and
    removed, the furniture deleted, the front matter changed, a paragraph split in two."""
    paras = draft.split("\n\n")
    out = []
    paras[2] = paras[2].replace("7-2", "6-3")
    out.append("\n\n".join(paras))
    paras.insert(5, "The festival's organisers said they would move the food market to the square instead.")
    out.append("\n\n".join(paras))
    paras.insert(8, paras[2])  # a paragraph pasted twice
    out.append("\n\n".join(paras))
    del paras[8]
    out.append("\n\n".join(paras))
    paras = [p for p in paras if p.strip() != "Skip to content"]
    out.append("\n\n".join(paras))
    out.append("\n\n".join(paras).replace("title: Marrowgate council delays the river path",
                                          "title: Marrowgate delays its river path by a year"))
    split = paras[3].replace(' "We are', '\n\n"We are')
    paras[3] = split
    out.append("\n\n".join(paras))
    return out


def test_a_sequence_of_edits_matches_a_cold_check_each_time(tmp_path):
    from copydesk import api

    warm = api.Linter()
    cold = api.Linter(warm=False)
    path = str(tmp_path / "river-path.md")
    warm.check_text(DRAFT, path=path)
    seen_codes: set[str] = set()
    for version in _edits(DRAFT):
        w, c = warm.check_text(version, path=path), cold.check_text(version, path=path)
        assert _json(w) == _json(c)
        seen_codes |= {f.code for f in w.findings}
        write(tmp_path / "river-path.md", version)
    report, _ = check_json("river-path.md", cwd=tmp_path, extra=("--no-cache", "--fail-on", "never"))
    assert _rows(report["files"][0]["findings"]) == _json(warm.check_text(version, path=path))
    # The edits exercise the whole-article rules, not only per-sentence ones.
    assert any(code.startswith("DUP") for code in seen_codes)
    assert any(code.startswith("BOI") for code in seen_codes)
    assert any(code.startswith("SRC") for code in seen_codes)


def test_editing_one_paragraph_parses_one_paragraph(tmp_path):
    from copydesk import api

    linter = api.Linter()
    path = str(tmp_path / "river-path.md")
    linter.check_text(DRAFT, path=path)
    cache = linter.parse_cache
    before_misses, before_hits = cache.misses, cache.hits
    edited = DRAFT.replace("citing a shortfall of", "blaming a shortfall of")
    linter.check_text(edited, path=path)
    assert cache.misses - before_misses == 1  # the edited paragraph, and nothing else, went through spaCy
    assert cache.hits - before_hits >= 10


def test_a_pasted_twice_paragraph_is_not_parsed_again_on_a_recheck(tmp_path):
    """A duplicated paragraph gets a Doc of its own for each copy (as a cold parse gives it), and both copies
    stay cached: re-checking the unchanged draft goes through spaCy for nothing, with the same report."""
    from copydesk import api

    paragraphs = DRAFT.split("\n\n")
    pasted = "\n\n".join(paragraphs + [paragraphs[-1]])
    linter, cold = api.Linter(), api.Linter(warm=False)
    path = str(tmp_path / "river-path.md")
    first = linter.check_text(pasted, path=path)
    assert "DUP001" in {f.code for f in first.findings}
    misses = linter.parse_cache.misses
    again = linter.check_text(pasted, path=path)
    assert linter.parse_cache.misses == misses
    assert _json(again) == _json(first) == _json(cold.check_text(pasted, path=path))


def test_the_parse_cache_is_bounded_and_evicts_the_least_recently_used():
    from copydesk import api

    linter = api.Linter(parse_cache_chars=3_000)
    for n in range(12):
        linter.check_text(DRAFT.replace("Marrowgate", f"Town{n}"), path="d.md")
    cache = linter.parse_cache
    assert cache.chars <= 3_000 + max(len(k[-1]) for k in cache._docs)
    recent = DRAFT.replace("Marrowgate", "Town11")
    misses = cache.misses
    linter.check_text(recent, path="d.md")
    assert cache.misses - misses <= 3  # the most recent draft's unchanged blocks are still there (or most)


def test_settings_selection_and_format():
    from copydesk import api

    linter = api.Linter(config=False)
    text = "Skip to content\n\nThe pier reopened on Monday after repairs.\n"
    assert [f.code for f in linter.check_text(text, select=["BOI001"]).findings] == ["BOI001"]
    assert linter.check_text(text, select=["duplication"]).findings == []
    html = "<p>Skip to content</p><p>The pier reopened on Monday after repairs.</p>"
    as_html = linter.check_text(html, path="pier", fmt="html", select=["BOI001"])
    assert [f.code for f in as_html.findings] == ["BOI001"] and as_html.findings[0].column == 4
    with pytest.raises(ValueError, match="unknown format"):
        linter.check_text(text, fmt="docx")


def test_a_project_config_applies_to_paths_under_it(tmp_path):
    from copydesk import api

    write(tmp_path / ".copydesk.toml", 'ignore = ["BOI001"]\n')
    text = "Skip to content\n\nThe pier reopened on Monday after repairs.\n"
    found = api.Linter().check_text(text, path=str(tmp_path / "desk" / "pier.txt"))
    assert "BOI001" not in {f.code for f in found.findings}
    fixed = api.Linter(config=tmp_path / ".copydesk.toml").check_text(text, path="/elsewhere/pier.txt")
    assert "BOI001" not in {f.code for f in fixed.findings}
    defaults = api.Linter(config=False).check_text(text, path=str(tmp_path / "pier.txt"))
    assert "BOI001" in {f.code for f in defaults.findings}


def test_explain_rules_and_the_json_report():
    from copydesk import api

    assert api.explain("BOI001").startswith("# BOI001 ")
    assert api.explain("boilerplate-phrase") == api.explain("BOI001")
    with pytest.raises(KeyError):
        api.explain("XYZ999")
    codes = [r["code"] for r in api.rules()]
    assert "DUP001" in codes and len(codes) == len(set(codes))
    result = api.check_text("Skip to content\n\nThe pier reopened on Monday after repairs.\n", config=False)
    report = api.json_report([result])
    assert report["version"] == 1 and report["summary"]["failed"] is True
    assert report["files"][0]["findings"][0]["code"] == "BOI001"
    json.dumps(report)  # serialisable as it is
    assert api.json_report([result], fail_on="never")["summary"]["failed"] is False


def test_the_readme_api_example_runs(tmp_path):
    """docs/api.md's example is run as written."""
    import re
    import subprocess
    import sys

    from conftest import cli_env

    doc = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", doc, re.S)
    assert blocks
    for code in blocks:
        proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                              env=cli_env(), timeout=300)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip()


def _module_imports(package: Path) -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports, at the top or inside a function (a lazy
    import still runs), but not under `if TYPE_CHECKING:` (type hints only, never run)."""
    names = {".".join(p.relative_to(package.parent).with_suffix("").parts).removesuffix(".__init__"): p
             for p in package.rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in names}

    def visit(node, name, typing_only=False):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child, name)
            return
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from copydesk.kinds import house" imports the module copydesk.kinds.house; "from copydesk.engine
            # import FileResult" imports copydesk.engine.
            targets = [f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in names else node.module
                       for a in node.names]
        for target in targets:
            if target in names and target != name:
                edges[name].add(target)
        for child in ast.iter_child_nodes(node):
            visit(child, name)

    for name, path in names.items():
        visit(ast.parse(path.read_text(encoding="utf-8")), name)
    return edges


def test_no_import_circle_inside_the_package():
    """Every arrow points down: no module reaches itself through the modules it imports (Tarjan's strongly
    connected components over the package's import graph)."""
    edges = _module_imports(ROOT / "lint" / "copydesk")
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            strong(v)
    assert circles == []
