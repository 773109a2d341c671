"""Trust on real copy: each class of wrong finding seen on clean published copy, in drafts we wrote, in both
forms: the wrong finding is gone (or advisory, below the default gate), and the real defect is still found
at the gate. Real spaCy on real text; the same engine every caller uses."""

from __future__ import annotations

import pytest

from copydesk import lint_text

GATE = ("error", "warning")


def found(text: str, rule: str, path: str = "draft.txt") -> list:
    return [f for f in lint_text(text, path=path, select=[rule]).findings if f.code == rule]


def blocking(text: str, rule: str, path: str = "draft.txt") -> list:
    return [f for f in found(text, rule, path) if f.severity in GATE]


def excerpts(findings: list) -> list[str]:
    return [f.excerpt for f in findings]


# -- SRC001 vague attribution ------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # A vague quantity as the subject of a verb that reports no claim.
    "Several people died when the ferry capsized off Osterby on Sunday, the coastguard said.\n",
    "Many readers skip this step, according to the library's own survey of 2,000 members.\n",
    # A causative: the subject lets or makes people do something; nobody holds a claim.
    "The minister's visit to the flooded quay let people know they were heard, the mayor of Port Aldren said.\n",
])
def test_src001_quantities_and_causatives_are_not_hidden_holders(text):
    assert blocking(text, "SRC001") == []


@pytest.mark.parametrize("text", [
    # A group the story has already defined.
    "About forty migrants slept at the Osterby ferry terminal on Tuesday after their boat was turned back. "
    "Some said they felt cheated by the agent who sold them the crossing.\n",
    "The bill's sponsors, Vera Lind and Tomas Greer, met the harbour board on Monday.\n\n"
    "The board said the bill would cost 4 million euros. Sponsors disputed the figure.\n",
    # A passive that predicts an act and hides no holder.
    "The council ordered the night market on Quay Road to close at ten. The order is certain to be challenged "
    "in court by the stallholders' union.\n",
])
def test_src001_defined_groups_and_predicted_acts_do_not_block(text):
    assert blocking(text, "SRC001") == []


@pytest.mark.parametrize("text, attribution", [
    ("Experts suggest that the new sea wall at Port Aldren will not survive a century of storms.\n", "Experts suggest"),
    ("The harbour board approved the dredging plan on Monday.\n\n"
     "Critics say the plan will drive the fishing fleet out of Osterby within five years.\n", "Critics say"),
    ("It is widely believed that the ferry operator will leave Osterby next year.\n", "It is widely believed"),
    ("Many believe that the tram depot should have stayed in Harbour Street.\n", "Many believe"),
])
def test_src001_real_vague_attribution_still_blocks(text, attribution):
    hits = blocking(text, "SRC001")
    assert any(attribution in f.excerpt for f in hits), excerpts(found(text, "SRC001"))


# -- SRC003 speculation ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # Ordinary modal reporting of a possibility the story's own facts support.
    "Investigators said several parcels may have passed through the Lindmark depot before the fire.\n",
    "The ruling leaves the law to the states. States might respond with laws of their own.\n",
    # A term of art.
    "The telescope found two potentially habitable planets around a nearby star.\n",
    # A named source of evidence as the subject.
    "The survey suggests that fewer residents cycle to work than in 2019.\n",
    # Advertising copy.
    "The Tidewall jacket is down to 99 euros today. This is the lowest price we have seen, and it probably "
    "won't last.\n",
])
def test_src003_supported_possibilities_and_terms_of_art_do_not_block(text):
    assert blocking(text, "SRC003") == [], excerpts(found(text, "SRC003"))


@pytest.mark.parametrize("text, phrase", [
    ("The new timetable could turn the port into a hub for night freight.\n", "could turn"),
    ("It is likely that the ferry operator will leave Osterby next year.\n", "likely"),
    ("The mayor's speech could potentially reshape the harbour debate.\n", "could potentially"),
    ("The mayor's visit to the depot was potentially aimed at the Green group.\n", "potentially aimed"),
])
def test_src003_real_speculation_still_blocks(text, phrase):
    assert any(phrase in f.excerpt for f in blocking(text, "SRC003")), excerpts(found(text, "SRC003"))


@pytest.mark.parametrize("text, phrase", [
    ("Maybe the designers never rode the tram they drew.\n", "Maybe"),
    ("The Osterby ferry is perhaps the country's oldest working ship.\n", "perhaps"),
])
def test_src003_hedged_rankings_are_still_reported(text, phrase):
    # Real speculation stays in the report; alone it is advisory, with other sourcing defects it blocks.
    assert any(phrase in f.excerpt for f in found(text, "SRC003")), excerpts(found(text, "SRC003"))


# -- NEU002 loaded words ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # A literal or technical sense.
    "Police closed Quay Road after an explosive device was found under a parked van.\n",
    "Velden Shipping launched a hostile takeover of Aldren Lines on Monday, offering 9 euros a share.\n",
    # Words inside speech a verb of saying attributes without quotation marks.
    "The harbour director called her conduct extremely careless and said the board would review it.\n",
])
def test_neu002_literal_senses_and_reported_speech_are_not_the_reporters_voice(text):
    assert found(text, "NEU002") == [], excerpts(found(text, "NEU002"))


def test_neu002_a_loaded_word_blocks_when_the_reporters_voice_already_editorialises():
    text = ("Regrettably, the council approved the sea wall on Thursday.\n\n"
            "The lucrative dredging contract went to Velden Shipping.\n")
    findings = lint_text(text, select=["NEU001", "NEU002"]).findings
    loaded = [f for f in findings if f.code == "NEU002"]
    assert loaded and loaded[0].severity == "warning" and "lucrative" in loaded[0].excerpt
    alone = found("The lucrative dredging contract went to Velden Shipping.\n", "NEU002")
    assert alone and alone[0].severity == "info" and alone[0].advisory


# -- NEU004 saying verbs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # The noun, not the verb.
    "Senators challenge minister's claims over harbour spending\n\nThe finance committee met on Monday.\n",
    # Doubt the copy itself establishes.
    "The operator's website claimed, inaccurately, that the ferry sails every hour.\n",
    "The mayor falsely claimed that the sea wall had been finished in 2019; it was finished in 2021.\n",
])
def test_neu004_nouns_and_established_doubt_are_not_loaded(text):
    assert found(text, "NEU004") == [], excerpts(found(text, "NEU004"))


def test_neu004_a_loaded_saying_verb_is_still_reported():
    hits = found("The mayor claimed that the sea wall was finished on time.\n", "NEU004")
    assert any("claimed" in f.excerpt for f in hits)


# -- SRC004 quotations without a speaker --------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    # The speaker in the same sentence, after mismatched curly and straight marks.
    "\u201cWe will not sail until the swell drops below three metres,\" said Ines Varga, the operations manager.\n",
    # The speaker named in the sentence that introduces the quotation.
    "Ms Okafor returned to the point. \u201cWhat will the families on the eastern quay do when the water comes "
    "over the wall next winter?\u201d\n",
])
def test_src004_speakers_the_reader_can_see_are_found(text):
    assert found(text, "SRC004") == [], excerpts(found(text, "SRC004"))


def test_src004_a_quotation_nobody_says_is_still_reported():
    text = ("The council met on Thursday.\n\n"
            "\u201cThe wall will not hold through another winter of storms like the last one.\u201d\n\n"
            "The vote was seven to two.\n")
    assert found(text, "SRC004")


# -- REL001 off-topic paragraphs ------------------------------------------------------------------------------

COURT = ("# Harbour boss convicted of fraud\n\n"
         "Former harbour master Pia Lund was convicted on Tuesday of defrauding the Port Aldren harbour board of "
         "1.2 million euros between 2019 and 2022.\n\n"
         "The court in Velden heard that Lund approved invoices from a dredging firm owned by her brother for "
         "work that was never done.\n\n"
         "Lund denied the charges throughout the three-week trial. Her lawyer said she would appeal.\n\n"
         "The harbour board said it had changed how invoices are approved since the fraud came to light.\n\n"
         "Prosecutors told the court that the invoices were signed in the harbour office late at night, when no "
         "other staff were there, and that the dredging firm had no boats.\n\n"
         "The judge will sentence Lund on 12 March. The charges carry up to eight years in prison.\n\n"
         "{extra}\n\n"
         "Board chair Tomas Greer said the harbour's accounts were now audited every quarter.\n")


def test_rel001_the_storys_thread_going_on_with_new_words_does_not_block():
    text = COURT.format(extra="She still faces nine further charges of forgery, perjury and witness "
                              "intimidation, which prosecutors will bring in a separate hearing next autumn.")
    assert blocking(text, "REL001", "court.md") == []


def test_rel001_a_paragraph_from_another_story_still_blocks():
    text = COURT.format(extra="The Lindmark football club signed a Brazilian striker from Santos on a three-year "
                              "contract, its coach announced at a press conference in the stadium.")
    hits = blocking(text, "REL001", "court.md")
    assert hits and "striker" in hits[0].excerpt


# -- DUP001 duplication ---------------------------------------------------------------------------------------

MEAL_PLAN = ("# Three days of dinners\n\n## Monday\n\n- Lentil and carrot soup with bread\n- Green salad\n\n"
             "## Tuesday\n\n- Baked potatoes with cottage cheese\n- Green salad\n\n"
             "## Wednesday\n\n- Lentil and carrot soup with bread\n- Apple slices\n")
SCHEDULE = ("# Beginners' plan\n\n## Week 1\n\n- Tuesday: walk 5 minutes, then run 1 minute and walk 2 minutes\n"
            "- Thursday: walk 5 minutes, then run 1 minute and walk 2 minutes\n\n"
            "## Week 2\n\n- Tuesday: walk 5 minutes, then run 2 minutes and walk 2 minutes\n"
            "- Thursday: walk 5 minutes, then run 2 minutes and walk 2 minutes\n")
FIXTURES = ("# Autumn fixtures\n\n## Round 1\n\n- Port Aldren United v Osterby Rovers, 3pm at Harbour Park\n"
            "- Velden Town v Lindmark FC, 3pm\n\n## Round 2\n\n- Port Aldren United v Osterby Rovers, 3pm at Harbour Park\n"
            "- Lindmark FC v Velden Town, 5pm\n")


@pytest.mark.parametrize("text", [MEAL_PLAN, SCHEDULE, FIXTURES])
def test_dup001_parallel_sections_repeat_by_design(text):
    assert found(text, "DUP001", "plan.md") == []


def test_commerce_lines_are_one_furniture_finding_not_duplicates():
    text = ("# Three rain jackets\n\n## Tidewall Shell\n\nDry through a four-hour storm on the ferry deck.\n\n"
            "See it now: Harbour Outdoor\n\n## Lindmark Everyday\n\nLet water in at the cuffs after two hours.\n\n"
            "See it now: Harbour Outdoor\n\n## Puddle Pro Junior\n\nTaped seams and a hood with a peak.\n\n"
            "See it now: Harbour Outdoor\n")
    findings = lint_text(text, path="roundup.md", select=["DUP001", "BOI001"]).findings
    assert [f.code for f in findings] == ["BOI001"] and "3 times" in findings[0].message


@pytest.mark.parametrize("text, path", [
    # A list given twice in full.
    ("# Road closures\n\nThese roads close on Sunday:\n\n- Quay Road from the fish market to the depot\n"
     "- Harbour Street between the ferry terminal and the church\n\nThe council apologised.\n\n"
     "- Quay Road from the fish market to the depot\n- Harbour Street between the ferry terminal and the church\n",
     "closures.md"),
    # A caption twice.
    ("Engineers inspect the eastern quay at low tide.\nEngineers inspect the eastern quay at low tide.\n\n"
     "The council approved the sea wall on Thursday.\n", "caption.txt"),
    # The same list in two sections that are otherwise alike: a paste, whatever the headings say.
    ("# Plan\n\n## Week 3\n\n- Tuesday: run 4 minutes and walk 2 minutes, five times\n- Saturday: long walk\n\n"
     "## Week 4\n\n- Tuesday: run 4 minutes and walk 2 minutes, five times\n- Saturday: long walk\n", "plan.md"),
])
def test_dup001_real_copies_still_block(text, path):
    assert blocking(text, "DUP001", path)


def test_dup002_a_standfirst_glued_to_the_lede_still_blocks():
    text = ("The council approved a new sea wall on Thursday, ending a decade of argument.\n\n"
            "PORT ALDREN - The council approved a new sea wall on Thursday, ending a decade of argument. "
            "Work starts in May.\n")
    assert blocking(text, "DUP002")


def test_dup002_a_quote_headline_repeats_the_interview_by_design():
    text = ("# \u201cThe sea always wins in the end.\u201d\n\nHarbour master Kofi Brandt spoke to us a week before "
            "dredging begins.\n\n**Will the new wall be enough?**\n\nNobody can promise. The sea always wins in "
            "the end.\n")
    assert found(text, "DUP002", "interview.md") == []


# -- the severity model's settings -------------------------------------------------------------------------

LOADED = "The lucrative dredging contract went to Velden Shipping on Monday.\n"


def test_advisory_below_and_min_confidence_are_settings(tmp_path):
    import json

    from conftest import run_cli, write

    write(tmp_path / "draft.txt", LOADED)
    proc = run_cli("check", "--format", "json", "--select", "NEU002", "draft.txt", cwd=tmp_path)
    finding = json.loads(proc.stdout)["files"][0]["findings"][0]
    assert (finding["severity"], finding["advisory"], proc.returncode) == ("info", True, 0)

    write(tmp_path / ".copydesk.toml", "advisory-below = { neutrality = 0 }\n")
    proc = run_cli("check", "--format", "json", "--select", "NEU002", "draft.txt", cwd=tmp_path)
    finding = json.loads(proc.stdout)["files"][0]["findings"][0]
    assert (finding["severity"], finding["advisory"], proc.returncode) == ("warning", False, 1)

    write(tmp_path / ".copydesk.toml", "min-confidence = 0.8\n")
    proc = run_cli("check", "--format", "json", "--select", "NEU002", "draft.txt", cwd=tmp_path)
    assert json.loads(proc.stdout)["files"][0]["findings"] == [] and proc.returncode == 0

    write(tmp_path / ".copydesk.toml", "advisory-below = { NEU002 = 1.5 }\n")
    proc = run_cli("check", "--select", "NEU002", "draft.txt", cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "advisory-below" in err and len(err.strip().splitlines()) == 1


def test_the_text_report_puts_advisory_findings_last_under_their_own_heading(tmp_path):
    from conftest import run_cli, write

    write(tmp_path / "draft.txt", LOADED + "\nThe the board did not say why.\n")
    out = run_cli("check", "--no-color", "--select", "NEU002,GRM002", "draft.txt", cwd=tmp_path).stdout.decode()
    assert out.index("GRM002") < out.index("advisory:") < out.index("NEU002")
