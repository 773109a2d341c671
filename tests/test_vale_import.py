"""`copydesk import-vale`, proven on Vale's own acceptance tests: two MIT-licensed Vale styles (tests/data/vale/,
provenance there) are converted, and every scenario whose checks all converted must give exactly the lines Vale
prints (file, line, column, Style.Check, message)."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT, run_cli, write
from vale_conformance import run_scenario, scenarios

VALE = ROOT / "tests" / "data" / "vale"
STYLES = ("Microsoft", "write-good")
# Where copydesk's answer differs from Vale's expected lines, and why. Each is an expected failure (strict: if
# it starts passing, the entry must go).
KNOWN_DIFFERENCES = {
    ("Microsoft", "Headings"): "Microsoft.Headings (capitalization, $sentence) is converted to Vale's current "
                               "sentence(): a heading passes when more than 80% of its words are right, where an "
                               "all-caps word and the word after an indicator (':') are right. By that rule "
                               "'Test: modern documentation management' and 'Accepting a JSON response' pass and "
                               "'8. Do step eight' fails (3 of 4), the opposite of the fixture's expected lines, "
                               "which a Vale with a different rule must have printed. The HeadingColons, "
                               "HeadingPunctuation and HeadingAcronyms lines of the scenario match.",
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
    report = (tmp_path / "converted" / "write-good" / "import-report.txt").read_text()
    assert "converted 8 of 8 checks" in report
    # A check type not converted, and one using a key the converter does not translate, each with its reason.
    write(tmp_path / "Style" / "Spell.yml", "extends: spelling\nmessage: x\n")
    write(tmp_path / "Style" / "Odd.yml", "extends: occurrence\ntoken: x\nmax: 1\nmessage: x\nwhatever: 1\n")
    proc = run_cli("import-vale", "Style", "out", cwd=tmp_path)
    assert b"not converted: Style.Spell: extends 'spelling': not converted yet" in proc.stdout
    assert b"not converted: Style.Odd: uses whatever, which the converter does not translate" in proc.stdout
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


def _import_one(tmp_path, name: str, check: str):
    write(tmp_path / "Gazette" / f"{name}.yml", check)
    proc = run_cli("import-vale", "Gazette", "gz", cwd=tmp_path)
    assert proc.returncode == 0 and b"converted 1 of 1" in proc.stdout, proc.stdout
    write(tmp_path / "c.toml", f'styles = ["gz"]\nselect = ["Gazette.{name}"]\n')

    def lines(text: str, name_: str = "d.md") -> list[tuple[int, int, str]]:
        write(tmp_path / name_, text)
        report = json.loads(run_cli("check", "--config", "c.toml", "--format", "json", "--fail-on", "never", name_,
                                    cwd=tmp_path).stdout)
        return [(f["line"], f["column"], f["message"]) for f in report["files"][0]["findings"]]
    return lines


def test_imported_occurrence_counts_per_sentence_and_reports_once(tmp_path):
    lines = _import_one(tmp_path, "Long", "extends: occurrence\nmessage: 'Keep sentences short.'\nscope: sentence\n"
                                          "max: 6\ntoken: '\\b(\\w+)\\b'\n")
    text = "The ferry sails at noon. The ferry to Skarholm sails at noon on every weekday of the year.\n"
    assert lines(text) == [(1, text.index("The ferry to") + 1, "Keep sentences short.")]
    assert lines("The ferry sails at noon. It is late.\n") == []


def test_imported_repetition_within_a_sentence_not_across_code_or_sentences(tmp_path):
    lines = _import_one(tmp_path, "Twice", "extends: repetition\nmessage: \"'%s' is repeated!\"\nalpha: true\n"
                                           "tokens: ['[^\\s]+']\n")
    assert lines("The the ferry sails at noon.\n") == []  # Vale compares exactly unless ignorecase
    assert lines("Ferry ferry\n\nThe ferry sails at noon noon every day.\n") == [(3, 20, "'noon' is repeated!")]
    assert lines("It sails at `noon` noon. Noon. Noon is late. // //\n") == []


def test_imported_conditional_needs_a_definition_first(tmp_path):
    lines = _import_one(tmp_path, "Acro", "extends: conditional\nmessage: \"'%s' has no definition.\"\n"
                                          "ignorecase: false\nfirst: '\\b([A-Z]{3,5})\\b'\n"
                                          "second: '(?:\\b[A-Z][a-z]+ )+\\(([A-Z]{3,5})\\)'\nexceptions: [FAQ]\n")
    text = ("The Harbour Safety Board (HSB) met on Monday.\n\nThe HSB and the QRFT disagreed; see the FAQ.\n")
    assert lines(text) == [(3, text.split("\n")[2].index("QRFT") + 1, "'QRFT' has no definition.")]


def test_imported_capitalization_of_headings(tmp_path):
    lines = _import_one(tmp_path, "Heads", "extends: capitalization\nmessage: \"'%s' should be in sentence case.\"\n"
                                           "scope: heading\nmatch: $sentence\nindicators: [':']\n"
                                           "exceptions: [Skarholm]\n")
    text = "# Ferry returns to Skarholm\n\nText.\n\n## The Ferry Returns To Port\n\nText.\n"
    assert lines(text) == [(5, 4, "'The Ferry Returns To Port' should be in sentence case.")]


def test_delimited_nested_repeats_are_accepted_and_ambiguous_ones_refused():
    from copydesk.kinds import OptionError, compile_pattern

    for safe in (r"(?:\b[A-Z][a-z]+ )+\(([A-Z]{3,5})\)", r"(?:[^\s,]+,){1,} \w+", r"(?:\w+ )+"):
        compile_pattern(safe)
    for unsafe in (r"(\w+\s?)+", r"(a*)*", r"(?:a+)+b", r"(?:.+,)+", r"(?:[a-z]+ ?)+"):
        with pytest.raises(OptionError):
            compile_pattern(unsafe)


def test_imported_consistency_flags_the_second_form_from_where_it_appears(tmp_path):
    lines = _import_one(tmp_path, "Spelling", "extends: consistency\nmessage: \"Inconsistent spelling of '%s'.\"\n"
                                              "ignorecase: true\neither:\n  adviser: advisor\n")
    text = "The adviser met the board.\n\nLater the advisor left.\n\nThe adviser stayed.\n"
    assert lines(text) == [(3, 11, "Inconsistent spelling of 'advisor'."),
                           (5, 5, "Inconsistent spelling of 'adviser'.")]
    assert lines("The adviser met the board.\n\nThe adviser left.\n") == []


def test_imported_metric_scores_the_article_once(tmp_path):
    lines = _import_one(tmp_path, "Grade", "extends: metric\nmessage: \"Try to keep the grade (%s) below 8.\"\n"
                                           "formula: |\n  (0.39 * (words / sentences)) + (11.8 * (syllables / words))"
                                           " - 15.59\ncondition: \"> 8\"\n")
    assert lines("The ferry sails at noon. It is back. We are glad.\n") == []
    hard = ("The intergovernmental maritime administration's comprehensive reconsideration of infrastructural "
            "responsibilities necessitated extraordinarily complicated negotiations between representatives.\n")
    found = lines(hard)
    assert len(found) == 1 and found[0][:2] == (1, 1)
    assert re.fullmatch(r"Try to keep the grade \(\d+\.\d\d\) below 8\.", found[0][2])


def test_a_metric_formula_is_arithmetic_only(tmp_path):
    from copydesk.kinds.vale import evaluate_formula

    assert evaluate_formula("math.sqrt(words) + heading.h1", {"words": 16.0, "heading_h1": 1.0}) == 5.0
    for bad in ("__import__('os').system('true')", "words.__class__", "open('x')", "9 ** 999999"):
        with pytest.raises(ValueError):
            evaluate_formula(bad, {"words": 1.0})
    write(tmp_path / "Style" / "Evil.yml", "extends: metric\nmessage: x\nformula: \"__import__('os')\"\n"
                                           "condition: \"> 1\"\n")
    proc = run_cli("import-vale", "Style", "out", cwd=tmp_path)
    assert b"not converted: Style.Evil: its formula is not one copydesk reads" in proc.stdout


def test_vale_scope_selectors_convert(tmp_path):
    from copydesk.vale_import import _scope

    from copydesk.kinds.vale import voice_aware_scope

    assert _scope("heading.md") == ("heading", None)
    assert _scope(["heading.h2", "list"]) == ("heading.h2,list", None)
    assert _scope(["~blockquote", "~code"]) == ("text,~blockquote", None)
    assert voice_aware_scope("text,~blockquote") == "narration,~blockquote"
    assert voice_aware_scope("heading") == "heading"
    assert _scope("raw")[0] is None and _scope("comment.line")[0] is None
    lines = _import_one(tmp_path, "NoH2", "extends: existence\nmessage: \"'%s' in a section heading.\"\n"
                                         "scope: heading.h2\ntokens: [ferry]\n")
    assert lines("# Ferry back\n\n## The ferry timetable\n\nThe ferry sails.\n") == [
        (3, 8, "'ferry' in a section heading.")]
    lines = _import_one(tmp_path / "second", "NotQuoted", "extends: existence\nmessage: \"'%s'.\"\nscope: [text, ~blockquote]\n"
                                               "tokens: [ferry]\n")
    assert lines("The ferry sails.\n\n> The ferry is late, a reader wrote.\n") == [(1, 5, "'ferry'.")]


def test_voice_awareness_is_one_setting_in_the_manifest(tmp_path):
    """Imported as Vale behaves (quotes matched); `voice_aware: true` in style.yaml turns the whole style to the
    reporter's words, without importing again."""
    assert run_cli("import-vale", str(VALE / "write-good" / "write-good"), "wg", cwd=tmp_path).returncode == 0
    write(tmp_path / "c.toml", 'styles = ["wg"]\nselect = ["write-good.Weasel"]\n')
    text = "\"It was very good,\" the coach said. The team was very tired.\n"
    write(tmp_path / "d.md", text)

    def columns() -> list[int]:
        found = json.loads(run_cli("check", "--config", "c.toml", "--format", "json", "d.md", cwd=tmp_path).stdout)
        return [f["column"] for f in found["files"][0]["findings"]]

    assert columns() == [text.index("very") + 1, text.rindex("very") + 1]
    manifest = tmp_path / "wg" / "style.yaml"
    assert "voice_aware: false" in manifest.read_text()
    manifest.write_text(manifest.read_text().replace("voice_aware: false", "voice_aware: true"))
    assert columns() == [text.rindex("very") + 1]
    manifest.write_text(manifest.read_text().replace("voice_aware: true", "voice_aware: maybe"))
    proc = run_cli("check", "--config", "c.toml", "d.md", cwd=tmp_path)
    assert proc.returncode == 2 and b"voice_aware must be true or false" in proc.stderr


def test_vale_exceptions_are_whole_words_inside_a_match(tmp_path):
    """As Vale compiles them: one case-sensitive \\b(?:...)\\b; a match containing one is left alone."""
    lines = _import_one(tmp_path, "Terms", "extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\n"
                                           "ignorecase: true\nswap:\n  'on-?line( help)?': online\n"
                                           "exceptions: ['On-line Help']\n")
    text = "Read the on-line guide.\n\nOpen On-line Help for more.\n"
    assert lines(text) == [(1, 10, "Use 'online' instead of 'on-line'.")]


def test_imported_sequence_reads_words_and_tags_in_a_sentence(tmp_path):
    """Vale's sequence, on spaCy's tags: a modal, "be" and a past participle (a passive with a modal)."""
    lines = _import_one(tmp_path, "Modal", "extends: sequence\nmessage: \"'%s %s %s' may be passive.\"\n"
                                           "tokens:\n  - tag: MD\n  - pattern: be\n  - tag: VBN\n")
    text = "The ferry will be repaired by May. The crew will be here.\n"
    assert lines(text) == [(1, text.index("will be") + 1, "'will be repaired' may be passive.")]
    lines = _import_one(tmp_path / "second", "Skip", "extends: sequence\nmessage: \"'%s' starts a list.\"\n"
                                                     "ignorecase: true\ntokens:\n  - pattern: the\n"
                                                     "  - tag: NN\n    skip: 1\n")
    assert lines("The old pier fell.\n") == [(1, 1, "'The' starts a list.")]  # "The old pier": one word skipped
    proc = run_cli("import-vale", str(tmp_path / "Gazette"), "again", cwd=tmp_path)
    assert proc.returncode == 0
    write(tmp_path / "Bad" / "NoAnchor.yml", "extends: sequence\nmessage: x\ntokens:\n  - tag: MD\n")
    proc = run_cli("import-vale", "Bad", "bad", cwd=tmp_path)
    assert b"not converted: Bad.NoAnchor: a sequence needs a token with a pattern" in proc.stdout
