"""Card validation: every problem in every broken card is reported at once; the layout stays clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, run_cli, write
from copydesk.kinds import OptionError, compile_pattern
from copydesk.registry import CATEGORIES, RegistryError, default_rules_dir, load_cards

GOOD = """
code: {code}
name: {name}
category: boilerplate
kind: page_furniture
severity: warning
message: "furniture: {{phrase}}"
why: Widgets are not news.
options:
  phrases: [buy now]
examples:
  fail: ["Buy now"]
  pass: ["The shop opened."]
"""


def test_builtin_cards_load_from_the_checkout():
    assert default_rules_dir() == ROOT / "rules"
    registry = load_cards([default_rules_dir()])
    assert {"DUP001", "BOI001", "STR100"} <= {c.code for c in registry.cards}
    for card in registry.cards:
        assert card.category in CATEGORIES
        assert card.code.startswith(CATEGORIES[card.category][0])


def test_all_problems_are_reported_together(tmp_path):
    write(tmp_path / "rules/boilerplate/a.yaml", """
code: BOI900
name: Bad Name
category: boilerplate
kind: no_such_kind
severity: fatal
colour: red
message: hi
why: because
examples:
  fail: []
""")
    write(tmp_path / "rules/boilerplate/b.yaml", """
code: BOI901
name: bad-pattern
category: boilerplate
kind: page_furniture
severity: info
message: "{nope}"
why: because
options:
  phrases: "not a list"
  prefixes: ["ok"]
  wibble: 3
examples:
  fail: ["x"]
  pass: ["y"]
""")
    write(tmp_path / "rules/boilerplate/c.yaml", GOOD.format(code="BOI902", name="dup-name"))
    write(tmp_path / "rules/boilerplate/d.yaml", GOOD.format(code="BOI902", name="dup-name"))
    write(tmp_path / "rules/boilerplate/e.yaml", "code: [unclosed")
    write(tmp_path / "rules/boilerplate/f.yaml", "code: BOI906\nname: lonely\n")
    write(tmp_path / "rules/structure/g.yaml", """
code: STR907
name: bad-regex
category: structure
kind: placeholder_text
severity: info
message: "{found}"
why: because
options:
  patterns: ['(unclosed', '(\\w+\\s?)+$']
examples:
  fail: ["x"]
  pass: ["y"]
""")
    with pytest.raises(RegistryError) as err:
        load_cards([tmp_path / "rules"])
    text = "\n".join(err.value.problems)
    for expected in ("unknown key 'colour'", "unknown kind 'no_such_kind'", "severity must be one of",
                     "name 'Bad Name'", "examples.fail needs at least one example", "missing required key",
                     "option 'phrases': expected a list of strings", "unknown option 'wibble'",
                     "unknown field(s) nope", "BOI902 is already used", "not valid YAML",
                     "pattern '(unclosed' does not compile", "could backtrack forever"):
        assert expected in text, expected


def test_a_card_must_sit_in_its_category_folder_and_use_its_prefix(tmp_path):
    write(tmp_path / "rules/duplication/x.yaml", GOOD.format(code="DUP950", name="misplaced"))
    with pytest.raises(RegistryError) as err:
        load_cards([tmp_path / "rules"])
    text = "\n".join(err.value.problems)
    assert "code 'DUP950' must start with BOI" in text


@pytest.mark.parametrize("pattern", [r"(\w+\s?)+$", r"(a+)+b", r"(?:x*)*y", r"((ab)*c)+"])
def test_backtracking_patterns_are_refused(pattern):
    with pytest.raises(OptionError, match="backtrack"):
        compile_pattern(pattern)


@pytest.mark.parametrize("pattern", [r"\bsources? (say|said)\b", r"^photo:", r"(?:a|b){1,3}c+"])
def test_safe_patterns_compile(pattern):
    assert compile_pattern(pattern).pattern == pattern


def test_broken_extra_rules_stop_the_cli_with_one_line_each(tmp_path):
    write(tmp_path / "cards/boilerplate/bad.yaml", GOOD.format(code="BOI903", name="fine") + "\nextra: 1\n")
    write(tmp_path / "cards/boilerplate/worse.yaml", GOOD.format(code="BOI904", name="worse").replace(
        "[buy now]", "[buy now]\n  prefixes: 7"))
    write(tmp_path / ".copydesk.toml", 'extend-rules = ["cards"]\n')
    draft = write(tmp_path / "a.txt", "The shop opened on Main Street.\n")
    proc = run_cli("check", str(draft), cwd=tmp_path)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "unknown key 'extra'" in err and "option 'prefixes'" in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 2


def test_extra_rules_from_config_run(tmp_path):
    write(tmp_path / "cards/boilerplate/shop.yaml", GOOD.format(code="BOI905", name="buy-now"))
    write(tmp_path / ".copydesk.toml", 'extend-rules = ["cards"]\n')
    draft = write(tmp_path / "a.txt", "The shop opened on Main Street.\n\nBuy now\n")
    proc = run_cli("check", "--format", "json", str(draft), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert b"BOI905" in proc.stdout


def test_no_stray_python_at_the_top_of_lint_and_rules():
    assert not list((ROOT / "lint").glob("*.py")), "lint/ is a source root and holds no modules"
    assert not list((ROOT / "rules").rglob("*.py")), "rules/ holds YAML cards only"
    assert not (ROOT / "lint" / "__init__.py").exists()


@pytest.mark.slow
@pytest.mark.network  # pip builds the wheel in an isolated environment, fetching hatchling
def test_the_wheel_ships_the_cards_and_reads_them_when_installed(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"), str(ROOT)],
                   check=True, capture_output=True, timeout=900)
    (wheel,) = (tmp_path / "dist").glob("copydesk-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    ours = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rules").rglob("*.yaml"))
    assert [n for n in ours if f"copydesk/{n}" not in names] == []
    lists = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "rules" / "lexicons").glob("*.txt"))
    assert lists and [n for n in lists if f"copydesk/{n}" not in names] == []
    assert not any(n.startswith("rules/") or n.startswith("lint/") for n in names)
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=600)
    code = ("from copydesk.registry import default_rules_dir, load_registry; import copydesk; "
            "print(copydesk.__file__); print(default_rules_dir()); print(len(load_registry().cards))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(target)}).stdout.split("\n")
    assert out[0].startswith(str(target)) and out[1] == str(target / "copydesk" / "rules")
    assert int(out[2]) == len(ours) - 1  # every card but redirects.yaml
    # The installed copy reads its word lists too: a neutrality rule works from site-packages.
    lint = ("from copydesk import lint_text; "
            "print([f.code for f in lint_text('The lucrative deal was signed.', select=['NEU002']).findings])")
    out = subprocess.run([sys.executable, "-c", lint], capture_output=True, text=True, check=True,
                         env={**__import__("os").environ, "PYTHONPATH": str(target)}).stdout
    assert out.strip() == "['NEU002']"
