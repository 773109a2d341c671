"""Sourcing kinds on drafts we wrote: who says so? Vague holders, hidden holders, reactions, speculation,
quotations with no speaker, figures with no source."""

from __future__ import annotations

import pytest

from conftest import span_text
from copydesk import lint_text


def found(text: str, path: str = "draft.txt", select=("sourcing",)):
    return [(f.code, f.line, f.excerpt) for f in lint_text(text, path=path, select=list(select)).findings]


def codes(text: str, select=("sourcing",)) -> list[str]:
    return [c for c, _, _ in found(text, select=select)]


# -- the same claim, attributed and not ------------------------------------------------------------------------

CLAIM = "the new sea wall at Port Aldren will not survive a century of storms"


@pytest.mark.parametrize("vague", [
    f"Experts suggest that {CLAIM}.",
    f"Critics say {CLAIM}.",
    f"Some argue that {CLAIM}.",
    f"Many believe {CLAIM}.",
    f"Some residents fear that {CLAIM}.",
    f"It is widely believed that {CLAIM}.",
    f"It is said that {CLAIM}.",
    f"According to experts, {CLAIM}.",
    f"Critics of the Port Aldren Harbour Trust say {CLAIM}.",  # a name they talk about, not theirs
])
def test_vague_attribution_is_flagged_with_the_attribution_as_span(vague):
    result = lint_text(vague + "\n", select=["SRC001"])
    assert [f.code for f in result.findings] == ["SRC001"], vague
    span = span_text(vague + "\n", result.findings[0].__dict__)
    assert CLAIM not in span and len(span) < 50, span  # the attribution, not the sentence
    assert "?" in result.findings[0].message  # it names what is missing


@pytest.mark.parametrize("named", [
    f"Ines Varga, a coastal engineer, said {CLAIM}.",
    f"The council's engineers warned that {CLAIM}.",
    f"The Velden Institute says {CLAIM}.",
    f"According to the Velden Institute, {CLAIM}.",
    f"Experts at the Velden Institute suggest that {CLAIM}.",
    f"People familiar with the survey say {CLAIM}.",
    f"\"I am sure {CLAIM},\" said Ines Varga.",
])
def test_attribution_found_is_not_flagged(named):
    assert codes(named + "\n") == [], named


def test_a_definite_holder_after_named_people_is_resolved():
    text = ("Two engineers, Ines Varga and Tomas Greer, inspected the wall in March. "
            f"The experts say {CLAIM}.\n")
    assert codes(text) == []
    assert codes(f"Ines Varga inspected the wall in March. Experts say {CLAIM}.\n") == ["SRC001"]


def test_a_passive_with_an_agent_names_its_holder():
    assert codes("The plan was criticised by the harbour commission.\n") == []
    assert codes("The plan has been widely criticised.\n") == ["SRC001"]
    assert codes("The plan is considered by many to be too expensive.\n") == ["SRC001"]


# -- reactions with no holder, and the neighbouring sentence ---------------------------------------------------

def test_reaction_with_no_holder_and_attribution_in_the_next_sentence():
    assert codes("The new parking charges at Velden station have sparked heated debate.\n") == ["SRC002"]
    assert codes("The ferry operator faces criticism for cutting the winter timetable.\n") == ["SRC002"]
    nxt = ("The new parking charges have sparked heated debate. Councillor Ines Varga said they would drive "
           "commuters away.\n")
    assert codes(nxt) == []
    assert codes("The ferry operator faces criticism from the island council.\n") == []
    # A new paragraph is not the neighbour: the source must be in the same paragraph.
    split = ("The new parking charges have sparked heated debate.\n\n"
             "Councillor Ines Varga said they would drive commuters away.\n")
    assert codes(split) == ["SRC002"]


def test_a_reaction_the_story_has_described_is_not_vague():
    assert codes("Amid the controversy, the operator withdrew the timetable.\n") == []
    assert codes("Amid growing concerns, the operator withdrew the timetable.\n") == ["SRC002"]


# -- speculation -----------------------------------------------------------------------------------------------

def test_speculation_in_the_reporters_voice_but_not_when_attributed_or_quoted():
    assert codes("The new timetable could signal the end of the night ferry.\n") == ["SRC003"]
    assert codes("The closure will potentially affect 400 commuters.\n") == ["SRC003"]
    assert codes("Pia Lund said the new timetable could signal the end of the night ferry.\n") == []
    assert codes("\"This could signal the end of the night ferry,\" said Pia Lund.\n") == []
    assert codes("The ferry could reach Osterby by noon if the wind drops.\n") == []
    assert codes("Nobody knows whether the operator might drop the night service.\n") == []


# -- quotations with and without a speaker ---------------------------------------------------------------------

def test_a_quote_with_and_without_a_speaker():
    orphan = ("The depot will open in 2028.\n\n"
              "\"We have waited for this for a very long time and we will not wait any longer.\"\n\n"
              "Work starts in March.\n")
    assert found(orphan) == [("SRC004", 3, "\"We have waited for this for a very long time and we will not wait "
                                           "any longer.\"")]
    spoken = orphan.replace("longer.\"", "longer,\" said Pia Lund.")
    assert codes(spoken) == []
    speaker_next = orphan.replace("longer.\"\n", "longer.\" Pia Lund was speaking at the depot site.\n")
    assert codes(speaker_next) == ["SRC004"]  # a name alone is not a speaker
    speaker_next = orphan.replace("longer.\"\n", "longer.\" Pia Lund told reporters at the site.\n")
    assert codes(speaker_next) == []


def test_inch_marks_and_partial_quotes_are_not_orphan_quotations():
    assert codes("The council bought a 65\" screen and two 34\" monitors for the planning office.\n") == []
    assert codes("The law bans anyone \"who directly or indirectly promises any employment\" for a vote.\n") == []


# -- figures (preview) -----------------------------------------------------------------------------------------

def test_unsourced_figure_is_a_preview_rule_with_low_confidence():
    text = "Ferry traffic to Osterby has fallen by 40 percent since the bridge opened.\n"
    assert codes(text) == []
    hits = lint_text(text, select=["SRC005"]).findings
    assert [f.code for f in hits] == ["SRC005"] and hits[0].severity == "info" and hits[0].confidence < 0.5
    assert codes(text.replace(".\n", ", the harbour authority said.\n"), select=("SRC005",)) == []


# -- the reporter's voice only ---------------------------------------------------------------------------------

def test_not_flagged_inside_quotes_or_blockquotes():
    md = ("# Sea wall\n\nElena Moss read a letter to the council:\n\n"
          f"> Experts suggest that {CLAIM}, and it is widely believed the council knows it.\n")
    assert [c for c, _, _ in found(md, path="a.md") if c in ("SRC001", "SRC003")] == []
    unquoted = md.replace("> Experts", "Experts")
    assert "SRC001" in [c for c, _, _ in found(unquoted, path="a.md")]


def test_live_blog_time_stamps_are_not_part_of_the_attribution():
    md = ("# Storm live\n\n**12:10** Critics of the harbour trust have long argued that the wall was too low.\n\n"
          "**12:30** Some residents say the wall has failed.\n")
    hits = sorted(lint_text(md, path="live.md", select=["SRC001"]).findings, key=lambda f: f.line)
    assert [f.excerpt for f in hits] == ["Critics of the harbour trust have long argued", "Some residents say"]
    assert "which residents?" in hits[1].message
