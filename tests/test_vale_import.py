"""`copydesk import-vale`, proven on Vale's own acceptance tests: two MIT-licensed Vale styles (tests/data/vale/,
provenance there) are converted, and every scenario whose checks all converted must give exactly the lines Vale
prints (file, line, column, Style.Check, message)."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, run_cli, write
from vale_conformance import run_scenario, scenarios

VALE = ROOT / "tests" / "data" / "vale"
STYLES = ("Microsoft", "write-good")
# Where copydesk's answer differs from Vale's expected lines, and why. Each is an expected failure (strict: if
# it starts passing, the entry must go).
KNOWN_DIFFERENCES = {
    ("write-good", "Weasel"): "Vale's expected output lists 'very' only, but the style's token list has 'fairly' "
                              "too, which the fixture's line 5 contains; we report it. Not on purpose: we have not "
                              "found the Vale behaviour that leaves it out (the fixture may predate the token).",
}


@pytest.fixture(scope="module")
def converted(tmp_path_factory):
    from copydesk.vale_import import import_style

    out = tmp_path_factory.mktemp("vale")
    results = {name: import_style(VALE / name / name, out / name) for name in STYLES}
    return out, results


CASES = [pytest.param(name, sc, id=f"{name}-{sc.fixture}",
                      marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENCES[(name, sc.fixture)])]
                      if (name, sc.fixture) in KNOWN_DIFFERENCES else [])
         for name in STYLES for sc in scenarios(VALE / name)]


@pytest.mark.parametrize("style, scenario", CASES)
def test_vale_scenario(converted, style, scenario):
    out, results = converted
    got = run_scenario(VALE / style, scenario, out, set(results[style].converted))
    if got is None:
        pytest.skip("a check this scenario switches on was not converted (see the import report)")
    assert got == scenario.expected


def test_conformance_bars(converted):
    """At least 70% of all scenarios convert, and at least 90% of those pass exactly."""
    out, results = converted
    total = converted_n = passed = 0
    for name in STYLES:
        for sc in scenarios(VALE / name):
            total += 1
            got = run_scenario(VALE / name, sc, out, set(results[name].converted))
            if got is None:
                continue
            converted_n += 1
            passed += got == sc.expected
    assert total == 26
    assert converted_n / total >= 0.7, (converted_n, total)
    assert passed / converted_n >= 0.9, (passed, converted_n)


def test_the_cli_report_names_and_selection_by_vale_name(tmp_path):
    proc = run_cli("import-vale", str(VALE / "write-good" / "write-good"), "converted/write-good", cwd=tmp_path)
    assert proc.returncode == 0
    assert b"not converted: write-good.Illusions: extends 'repetition'" in proc.stdout
    report = (tmp_path / "converted" / "write-good" / "import-report.txt").read_text()
    assert "converted 7 of 8 checks" in report and "write-good.Illusions" in report
    write(tmp_path / "c.toml", 'styles = ["converted/write-good"]\nselect = ["write-good.Weasel"]\n')
    write(tmp_path / "d.md", "It was very good, and clearly the team was extremely happy.\n\n"
                             "<!-- copydesk: disable-next-line write-good.Weasel -->\nThat was very late.\n")
    result = run_cli("check", "--config", "c.toml", "--format", "json", "d.md", cwd=tmp_path)
    found = json.loads(result.stdout)["files"][0]["findings"]
    assert [(f["line"], f["message"]) for f in found] == [
        (1, "'very' is a weasel word!"), (1, "'clearly' is a weasel word!"), (1, "'extremely' is a weasel word!")]
    write(tmp_path / ".copydesk.toml", 'styles = ["converted/write-good"]\n')
    explained = run_cli("explain", "write-good.Weasel", cwd=tmp_path)  # the working folder's config loads it
    assert explained.returncode == 0 and explained.stdout.startswith(b"# WRI00")


def test_voice_awareness_for_a_whole_imported_style(tmp_path):
    proc = run_cli("import-vale", "--voice-aware", str(VALE / "write-good" / "write-good"), "wg", cwd=tmp_path)
    assert proc.returncode == 0
    write(tmp_path / "c.toml", 'styles = ["wg"]\nselect = ["write-good.Weasel"]\n')
    text = "\"It was very good,\" the coach said. The team was very tired.\n"
    write(tmp_path / "d.md", text)
    found = json.loads(run_cli("check", "--config", "c.toml", "--format", "json", "d.md", cwd=tmp_path).stdout)
    # The reporter's "very", not the coach's.
    assert [f["column"] for f in found["files"][0]["findings"]] == [text.rindex("very") + 1]


def test_a_bad_style_folder_is_one_line(tmp_path):
    proc = run_cli("import-vale", "nowhere", "out", cwd=tmp_path)
    assert proc.returncode == 2 and b"not a folder of Vale checks" in proc.stderr and b"Traceback" not in proc.stderr
    write(tmp_path / "Style" / "Broken.yml", "extends: existence\ntokens: ['(unclosed']\nmessage: x\n")
    write(tmp_path / "Style" / "Fine.yml", "extends: existence\ntokens: [quay]\nmessage: \"'%s'\"\n")
    proc = run_cli("import-vale", "Style", "out", cwd=tmp_path)
    assert proc.returncode == 0 and b"not converted: Style.Broken: the pattern '(unclosed'" in proc.stdout
    assert b"converted 1 of 2" in proc.stdout
