"""House style (issue 20, first part): styles as folders of cards, the substitution, existence and occurrence
kinds with scopes, one Matcher pass for every house rule, safe replacements, and `copydesk test-rules`.
Every draft here is written for these tests; people and places are invented."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli, write

def _linter(tmp_path, extra: str = ""):
    from copydesk import api

    config = write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["newsroom-basic"]\n' + extra)
    return api.Linter(config)


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


@pytest.mark.parametrize("code, narration, quoted, named", [
    # substitution
    ("NRB001", "The trade mission returns from Kiev on Thursday.",
     "\"We leave Kiev on Thursday,\" the trade envoy said.",
     "The trade envoy gave an interview to the Kiev Post on Thursday."),
    ("NRB002", "The harbour board utilised two tugs to free the ferry.",
     "\"We utilised two tugs,\" the harbour master said.",
     "The ferry sailed past the Utilise Trust building on the quay."),
    # existence, by word list and by token pattern
    ("NRB020", "The closures are the tip of the iceberg for rural bus routes.",
     "\"It is the tip of the iceberg,\" said Dara Penhallow, who runs the bus users' group.",
     "Penhallow's book, Tip of the Iceberg, came out in May."),
    ("NRB023", "The lighthouse keeper's cottage is a very unique survivor of the 1850s.",
     "\"It is a very unique building,\" said the keeper, Ilse Maron.",
     "The cottage hosts the Very Unique Festival every August."),
    # capitalization and number style: the third draft is the rule's other exception (before a name; a date
    # and a percentage)
    ("NRB041", "The Mayor opened the new ferry terminal on Friday.",
     "\"The Mayor opened it,\" said a ferry worker, Tomas Ruud.",
     "The new terminal was opened by Mayor Ilse Varga on Friday."),
    ("NRB042", "The storm closed 4 harbours along the coast.",
     "\"We lost 4 boats,\" said the harbour master, Ada Quill.",
     "The storm closed harbours on 4 May, and 4% of the fleet was lost."),
])
def test_each_kind_flags_narration_and_skips_quotes_and_names(tmp_path, code, narration, quoted, named):
    """Flagged in the reporter's narration; left alone in quoted speech and in a name (or the rule's exception)."""
    linter = _linter(tmp_path)
    path = str(tmp_path / "draft.txt")
    assert code in _codes(linter.check_text(narration, path))
    assert code not in _codes(linter.check_text(quoted, path))
    assert code not in _codes(linter.check_text(named, path))


def test_occurrence_counts_in_its_scope(tmp_path):
    linter = _linter(tmp_path)
    path = str(tmp_path / "draft.md")
    shouting = "# Ferry returns\n\nThe ferry is back! Queues formed at dawn! The cafe sold out!\n"
    found = [f for f in linter.check_text(shouting, path).findings if f.code == "NRB030"]
    assert [(f.line, f.column) for f in found] == [(3, 41)]  # once, at the first past the limit, as Vale does
    assert found[0].message == "3 exclamation marks in this article: the house allows 1."
    quoted = "# Ferry returns\n\n\"Hooray!\" shouted one passenger. \"At last!\" said another. The ferry is back!\n"
    assert "NRB030" not in _codes(linter.check_text(quoted, path))
    long_head = "# " + " ".join(["word"] * 16) + "\n\nThe ferry is back.\n"
    assert "NRB031" in _codes(linter.check_text(long_head, path))
    assert "NRB025" in _codes(linter.check_text("# The ferry is back!\n\nIt sailed at six.\n", path))
    assert "NRB025" not in _codes(linter.check_text("# The ferry is back\n\nIt sailed at six!\n", path))
    # The headline is the article's own: a section heading is not one, and the same words twice count once.
    assert "NRB025" not in _codes(linter.check_text("# The ferry is back\n\n## Join us!\n\nIt sailed.\n", path))
    twice = "---\ntitle: " + " ".join(["word"] * 16) + "\n---\n\n# " + " ".join(["word"] * 16) + "\n\nIt sailed.\n"
    assert [f.line for f in linter.check_text(twice, path).findings if f.code == "NRB031"] == [2]
    page = ("<html><head><title>Ferry back after the long winter refit | The Wexmoor Gazette | News and views from "
            "the island</title></head><body><p>The ferry is back.</p></body></html>")
    assert "NRB031" not in _codes(linter.check_text(page, str(tmp_path / "page.html")))  # the site's name is cut


def test_substitution_keeps_case_and_inflection(tmp_path):
    from copydesk import api

    write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["NRB002", "NRB010", "NRB001"]\n')
    linter = api.Linter(tmp_path / ".copydesk.toml")
    if True:
        cases = {
            "Utilising the spare ferry, the board kept the timetable.": "Using",
            "The board has utilised the spare ferry all winter.": "used",
            "Three firemen stood by on the quay.": "firefighters",
            "Flights to KIEV resume on Monday, the airline said.": "KYIV",
        }
        for text, expected in cases.items():
            found = [f for f in linter.check_text(text, "t.txt").findings if f.replacement]
            assert found and found[0].replacement == expected, (text, found)


def test_safe_replacement_fix_applied_and_rechecked(tmp_path):
    write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\n')
    draft = write(tmp_path / "mission.md", "# Mission returns\n\nThe firemen utilised the old pier while Kiev "
                                           "waited for news.\n\nThe envoy read the Kiev Post on the quay.\n")
    diff = run_cli("check", "--diff", "mission.md", cwd=tmp_path)
    assert diff.returncode == 1 and b"+The firefighters used the old pier while Kyiv waited" in diff.stdout
    fixed = run_cli("check", "--fix", "--format", "json", "mission.md", cwd=tmp_path)
    assert b"fixed 3 defect(s)" in fixed.stderr
    text = draft.read_text()
    assert "The firefighters used the old pier while Kyiv waited for news." in text
    assert "the Kiev Post" in text  # a name is left alone
    report = json.loads(fixed.stdout)
    assert not [f for f in report["files"][0]["findings"] if f["code"] in ("NRB001", "NRB002", "NRB010")]
    again = run_cli("check", "--fix", "mission.md", cwd=tmp_path)
    assert b"fixed" not in again.stderr and draft.read_text() == text


def test_styles_are_selected_by_name_and_off_unless_configured(tmp_path):
    text = "The firemen utilised the old pier.\n"
    write(tmp_path / "plain" / "d.txt", text)
    plain = run_cli("check", "--format", "json", "plain/d.txt", cwd=tmp_path)
    assert not [f for f in json.loads(plain.stdout)["files"][0]["findings"] if f["code"].startswith("NRB")]
    write(tmp_path / "house" / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["newsroom-basic"]\n')
    write(tmp_path / "house" / "d.txt", text)
    house = run_cli("check", "--format", "json", "house/d.txt", cwd=tmp_path)
    codes = {f["code"] for f in json.loads(house.stdout)["files"][0]["findings"]}
    assert codes == {"NRB002", "NRB010"}
    bad = write(tmp_path / "bad" / ".copydesk.toml", 'styles = ["no-such-style"]\n')
    write(tmp_path / "bad" / "d.txt", text)
    proc = run_cli("check", "bad/d.txt", cwd=tmp_path)
    assert proc.returncode == 2 and b"no-such-style" in proc.stderr and bad.exists()


def test_a_newsrooms_own_style_folder_and_test_rules(tmp_path, tmp_path_factory):
    style = tmp_path / "house"
    write(style / "style.yaml", "name: gazette\nversion: '1'\nlicence: CC0\ndescription: The Gazette's own.\n")
    write(style / "GAZ001-harbour-master.yaml", """code: GAZ001
name: harbour-master
category: style
kind: substitution
severity: warning
message: "The Gazette writes “{preferred}”, not “{found}”."
why: The port's own title for the post.
options:
  swap: {harbourmaster: harbour master}
examples:
  fail: ["The harbourmaster closed the slipway on Monday."]
  pass: ["The harbour master closed the slipway on Monday."]
""")
    ok = run_cli("test-rules", str(style), cwd=tmp_path)
    assert ok.returncode == 0 and b"2 of 2 examples of 1 rule(s)" in ok.stdout
    listed = run_cli("rules", "--style", str(style), "--format", "json", cwd=tmp_path)
    assert [r["code"] for r in json.loads(listed.stdout)] == ["GAZ001"]
    assert json.loads(listed.stdout)[0]["style"] == "gazette"
    write(style / "GAZ002-wrong.yaml", (style / "GAZ001-harbour-master.yaml").read_text()
          .replace("GAZ001", "GAZ002").replace("harbour-master", "quay-wrong")
          .replace('fail: ["The harbourmaster', 'fail: ["The quay'))
    failing = run_cli("test-rules", str(style), cwd=tmp_path)
    assert failing.returncode == 1 and b"FAIL GAZ002 quay-wrong fail example 1" in failing.stdout
    (style / "GAZ002-wrong.yaml").unlink()
    write(tmp_path / ".copydesk.toml", 'styles = ["house"]\nselect = ["gazette"]\n')
    write(tmp_path / "d.txt", "The harbourmaster closed the slipway.\n")
    report = json.loads(run_cli("check", "--format", "json", "d.txt", cwd=tmp_path).stdout)
    assert [f["code"] for f in report["files"][0]["findings"]] == ["GAZ001"]
    explained = run_cli("explain", "GAZ001", cwd=tmp_path)  # the working folder's config loads the style
    assert explained.returncode == 0 and explained.stdout.startswith(b"# GAZ001 harbour-master")
    bare = tmp_path_factory.mktemp("no-config")
    elsewhere = run_cli("explain", "GAZ001", cwd=bare)  # no config there: an unknown rule
    assert elsewhere.returncode == 2 and b"unknown rule" in elsewhere.stderr


@pytest.mark.parametrize("broken, said", [
    ("options:\n  patterns: [[{NOPE: x}]]\n", b"unknown token attribute 'NOPE'"),
    ("options:\n  patterns: [[{LOWER: {REGEX: '(a+)+$'}}]]\n", b"could backtrack forever"),
    ("options:\n  swap: {}\n", b"swap needs at least one term"),
    ("options:\n  scope: everywhere\n", b"expected one of narration"),
])
def test_broken_house_cards_are_one_line_errors(tmp_path, broken, said):
    kind = "substitution" if "swap" in broken else "existence"
    base = f"""code: GAZ001
name: broken-card
category: style
kind: {kind}
severity: warning
message: "Found."
why: A broken card.
examples:
  fail: ["x"]
  pass: ["y"]
"""
    if kind == "existence" and "patterns" not in broken:
        broken += "  tokens: [quay]\n"
    if kind == "substitution" and "swap" not in broken:
        broken += "  swap: {a: b}\n"
    write(tmp_path / "house" / "style.yaml", "name: gazette\n")
    write(tmp_path / "house" / "GAZ001-broken-card.yaml", base + broken)
    proc = run_cli("test-rules", "house", cwd=tmp_path)
    assert proc.returncode == 2 and said in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr


def test_a_house_card_may_not_take_a_built_in_prefix(tmp_path):
    from copydesk.registry import RegistryError, load_cards

    write(tmp_path / "house" / "DUP901-mine.yaml", """code: DUP901
name: mine
category: style
kind: existence
severity: warning
message: "Found."
why: Mine.
options: {tokens: [quay]}
examples: {fail: ["The quay."], pass: ["The pier."]}
""")
    with pytest.raises(RegistryError, match="built-in category's prefix"):
        load_cards([tmp_path / "house"])


def test_one_matcher_pass_serves_every_house_rule(tmp_path, monkeypatch):
    """All house cards of a run share one Matcher, run once per parsed piece, not once per rule."""
    from copydesk.kinds import house

    calls = []
    real = house._matcher

    def counting(vocab, cards):
        matcher = real(vocab, cards)
        calls.append(len(cards))
        return matcher

    monkeypatch.setattr(house, "_matcher", counting)
    linter = _linter(tmp_path)
    text = "The firemen utilised the pier.\n\nIt was the tip of the iceberg!\n\nThe cafe sold out!\n"
    result = linter.check_text(text, str(tmp_path / "d.txt"))
    assert {"NRB002", "NRB010", "NRB020", "NRB030"} <= set(_codes(result))
    # Three paragraphs, each matched once for the 30 cards with something to match (NRB031 and NRB032 count words).
    assert len(calls) == 3 and set(calls) == {30}


def test_shipped_style_examples_pass():
    from copydesk.registry import default_styles_dir, load_registry
    from copydesk.selftest import run_examples

    registry = load_registry((str(default_styles_dir() / "newsroom-basic"),))
    cards = [c for c in registry.cards if c.style == "newsroom-basic"]
    assert len(cards) >= 25
    assert {c.kind for c in cards} == {"substitution", "existence", "occurrence", "capitalization", "number_style",
                                       "first_reference"}
    failed = [r for r in run_examples(registry, cards) if not r.ok]
    assert failed == []


def test_an_interviews_answers_are_speech(tmp_path):
    linter = _linter(tmp_path)
    path = str(tmp_path / "interview.md")
    qa = ("# Ten questions for the harbour master\n\nQ: How was your first winter? Congratulations on the award!!\n\n"
          "A: Exhausting! We utilised every tug we had, all 4 of them, from 6pm on March 3rd! Then the storm "
          "came! The HSB said 12 per cent of the fleet was lost, and the Mayor agreed.\n")
    found = [(f.code, f.line) for f in linter.check_text(qa, path).findings]
    assert ("NRB030", 3) in found  # the interviewer's second mark
    assert not [x for x in found if x[1] == 5]  # the answer is the harbour master's speech


def test_heading_case_and_the_fixes_of_the_new_kinds(tmp_path):
    write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["NRB040", "NRB041", "NRB042"]\n')
    draft = write(tmp_path / "terminal.md", "# Mayor Opens The New Ferry Terminal\n\nThe Mayor cut the ribbon, "
                                            "and 3 tugs sounded their horns.\n\nMayor Ilse Varga spoke for 5 "
                                            "minutes.\n")
    before = json.loads(run_cli("check", "--format", "json", "--fail-on", "never", "terminal.md", cwd=tmp_path).stdout)
    found = sorted((f["code"], f["line"], f.get("replacement")) for f in before["files"][0]["findings"])
    assert ("NRB040", 1, None) in found and ("NRB041", 3, "mayor") in found and ("NRB042", 3, "three") in found
    assert not [f for f in found if f[1] == 5]  # "Mayor Ilse Varga" and "5 minutes" (a measure) are right
    run_cli("check", "--fix", "terminal.md", cwd=tmp_path)
    assert "The mayor cut the ribbon, and three tugs sounded" in draft.read_text()
    after = json.loads(run_cli("check", "--format", "json", "--fail-on", "never", "terminal.md", cwd=tmp_path).stdout)
    assert [f["code"] for f in after["files"][0]["findings"]] == ["NRB040"]  # a heading is the editor's to recast


def test_inline_code_is_not_prose(tmp_path):
    linter = _linter(tmp_path)
    path = str(tmp_path / "howto.md")
    text = "Run `utilise --all` to rebuild the index, then utilise the cache.\n"
    found = linter.check_text(text, path)
    spots = [(f.code, f.column) for f in found.findings if f.code == "NRB002"]
    assert spots == [("NRB002", text.rindex("utilise") + 1)]  # the prose "utilise", not the command in backticks


def test_first_reference(tmp_path):
    """Preview rules of newsroom-basic: selected by code, they run."""
    write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["NRB043", "NRB044"]\n')
    from copydesk import api

    linter = api.Linter(tmp_path / ".copydesk.toml")
    path = str(tmp_path / "d.md")
    late = "Quill told the board the pier was safe. Ada Quill, the harbour master, inspected it on Monday.\n"
    assert [f.code for f in linter.check_text(late, path).findings] == ["NRB043"]
    quoted = "\"Quill was right,\" said the chair. Ada Quill, the harbour master, inspected it on Monday.\n"
    assert linter.check_text(quoted, path).findings == []
    headline = "# Quill inspects the pier\n\nAda Quill, the harbour master, inspected the pier on Monday.\n"
    assert linter.check_text(headline, path).findings == []
    assert [f.code for f in linter.check_text("The HSB inspected the pier.\n", path).findings] == ["NRB044"]
    spelled = "The Harbour Safety Board (HSB) inspected the pier. The HSB found no faults.\n"
    assert linter.check_text(spelled, path).findings == []
    for defined in ("The North Quay Port Safety Board inspected the pier. The NQSB found no faults.\n",
                    "The NQSB (North Quay Safety Board) inspected the pier on Monday.\n",
                    "YES, the pier is safe: the XR4 crane lifted 150 PS of load, said the NASA engineer.\n"):
        assert linter.check_text(defined, path).findings == [], defined
    shouted = "WHAT THE BOARD FOUND\n\nThe board found no faults, said Sen. Ida Marr, R-TX.\n"
    assert linter.check_text(shouted, path.replace(".md", ".txt")).findings == []


@pytest.mark.parametrize("code, narration, quoted, named, fixed", [
    ("NRB045", "Fares on the island ferry rose by 12 per cent this winter.",
     "\"Fares rose by 12 per cent,\" said the skipper, Bo Lindqvist.",
     "The Per Cent Club gave the ferry trust a grant.",
     "Fares on the island ferry rose by 12 percent this winter."),
    ("NRB046", "The last ferry to Skarholm now leaves at 6pm on weekdays.",
     "\"It leaves at 6pm,\" said the skipper, Bo Lindqvist.",
     "The band 6PM Sharp played on the quay.",
     "The last ferry to Skarholm now leaves at 6 p.m. on weekdays."),
    ("NRB047", "The Skarholm ferry returns to service on March 5th after its refit.",
     "\"We are back on March 5th,\" said the skipper, Bo Lindqvist.",
     "The ferry came 5th of the 12 boats in the harbour race.",
     "The Skarholm ferry returns to service on March 5 after its refit."),
])
def test_number_forms_narration_quotes_names_and_fix(tmp_path, code, narration, quoted, named, fixed):
    """Percent, clock times and date ordinals: flagged in narration, left alone in quotes and elsewhere, and the
    safe fix put in place and checked again."""
    write(tmp_path / ".copydesk.toml", f'styles = ["newsroom-basic"]\nselect = ["{code}"]\n')
    for text, flagged in ((narration, True), (quoted, False), (named, False)):
        write(tmp_path / "d.txt", text + "\n")
        report = json.loads(run_cli("check", "--format", "json", "--fail-on", "never", "d.txt", cwd=tmp_path).stdout)
        assert bool(report["files"][0]["findings"]) == flagged, (code, text, report["files"][0]["findings"])
    draft = write(tmp_path / "d.txt", narration + "\n")
    run_cli("check", "--fix", "d.txt", cwd=tmp_path)
    assert draft.read_text() == fixed + "\n"
    assert run_cli("check", "d.txt", cwd=tmp_path).returncode == 0


def test_timestamps_and_mastheads_are_not_prose(tmp_path):
    linter = _linter(tmp_path, "")
    path = str(tmp_path / "d.txt")
    for text in ("Posted on May 30, 2031 at 5:38 PM", "Friday, January 20th 2031", "10:08 am Fri"):
        codes = _codes(linter.check_text(text + "\n\nThe ferry sailed on time.\n", path))
        assert "NRB046" not in codes and "NRB047" not in codes, text
    assert "NRB046" in _codes(linter.check_text("Tickets go on sale on Friday at 10am.\n", path))


def test_irregular_verbs_inflect_in_the_suggestion(tmp_path):
    linter = _linter(tmp_path)
    cases = {"The harbour board has commenced the repairs.": "begun",
             "The harbour board commenced the repairs in May.": "began",
             "The harbour board commences the repairs in May.": "begins",
             "The board utilizes two tugs.": "uses"}
    for text, expected in cases.items():
        found = [f for f in linter.check_text(text, "t.txt").findings if f.code in ("NRB002", "NRB003")]
        assert [f.replacement for f in found] == [expected], text
    from copydesk.inflect import inflect

    assert [inflect("stop", "VBD"), inflect("visit", "VBG"), inflect("commit", "VBN"), inflect("child", "NNS"),
            inflect("try", "VBZ"), inflect("die", "VBG")] == ["stopped", "visiting", "committed", "children",
                                                            "tries", "dying"]


def test_a_case_only_swap_keeps_the_cards_case(tmp_path):
    linter = _linter(tmp_path)
    found = [f for f in linter.check_text("Half the island has no fast Internet yet.\n", "t.txt").findings
             if f.code == "NRB048"]
    assert [f.replacement for f in found] == ["internet"]
    assert "NRB048" not in _codes(linter.check_text("Internet access reached the island in 2004.\n", "t.txt"))


def test_heading_case_knows_names_and_site_names(tmp_path):
    write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["NRB040"]\n')
    from copydesk import api

    linter = api.Linter(tmp_path / ".copydesk.toml")
    md = str(tmp_path / "d.md")
    assert _codes(linter.check_text("# Best value: Lindmark Everyday\n\nA boot for the quay.\n", md)) == []
    assert _codes(linter.check_text("# Finding a Fix\n\nA boot for the quay.\n", md)) == ["NRB040"]
    deck = ("---\ntitle: Vines thrive on the island\ndek: The island grows wine. No grape likes the wind.\n---\n\n"
            "The vines thrive.\n")
    assert _codes(linter.check_text(deck, md)) == []  # a deck's second sentence opens with a capital
    page = ("<html><head><title>Vines thrive on the island | Food | The Skarholm Gazette</title></head>"
            "<body><p>The vines thrive.</p></body></html>")
    assert _codes(linter.check_text(page, str(tmp_path / "p.html"))) == []


def test_an_employers_job_title_stays_lower_case(tmp_path):
    linter = _linter(tmp_path)
    assert "NRB041" not in _codes(linter.check_text("Ferrylink president Jo Sand said fares would rise.\n", "t.txt"))
    assert "NRB041" in _codes(linter.check_text("The island's new president Jo Sand said fares would rise, "
                                                "and president Ola Berg agreed.\n", "t.txt"))


def test_sentence_length_counts_the_reporters_words(tmp_path):
    linter = _linter(tmp_path)
    speech = " ".join(["we sailed on through the storm"] * 12)
    quoted = f'The skipper said: "{speech}." The ferry docked at noon.\n'
    assert "NRB032" not in _codes(linter.check_text(quoted, "t.txt"))
    narration = " ".join(["the ferry sailed on through the storm"] * 10) + ".\n"
    assert "NRB032" in _codes(linter.check_text(narration.capitalize(), "t.txt"))


def test_html_inline_code_is_not_prose(tmp_path):
    linter = _linter(tmp_path)
    page = ("<html><body><p>The parser accepts <code>3</code> arguments and the <code>utilise</code> flag, "
            "and we utilise it in 3 places.</p></body></html>")
    found = [(f.code, f.excerpt) for f in linter.check_text(page, str(tmp_path / "p.html")).findings
             if f.code in ("NRB002", "NRB042")]
    assert sorted(found) == [("NRB002", "utilise"), ("NRB042", "3")]
    assert len([f for f in linter.check_text(page, str(tmp_path / "p.html")).findings if f.code == "NRB042"]) == 1
