"""Consistency kinds on drafts we wrote: names and titles, relative times and dates, house style."""

from __future__ import annotations

import pytest

from conftest import check_json, run_cli, span_text, write
from copydesk import lint_text


def codes(text: str, select: list[str], path: str = "draft.txt") -> list[str]:
    return [f.code for f in lint_text(text, path=path, select=select).findings]


def findings(text: str, select: list[str], path: str = "draft.txt"):
    return lint_text(text, path=path, select=select).findings


# -- names and titles ---------------------------------------------------------------------------------------

def test_one_person_with_two_titles_of_the_same_shape_is_flagged():
    text = ("Estonian President Tarvo Kask arrived in Helsinki on Monday for talks on the ferry link.\n\n"
            "The talks lasted three hours. Estonian leader Tarvo Kask said the link would reopen in June.\n")
    found = findings(text, ["CON001"])
    assert [f.code for f in found] == ["CON001"]
    assert span_text(text, found[0].__dict__) == "Estonian leader Tarvo Kask"
    assert "line 1" in found[0].message


def test_former_on_one_mention_only_is_flagged():
    text = ("Former Mayor Ilse Brandt opened the new ferry terminal in Kellby on Saturday morning.\n\n"
            "Mayor Ilse Brandt said the terminal had taken four years to build.\n")
    found = findings(text, ["CON001"])
    assert [f.code for f in found] == ["CON001"] and "current or former" in found[0].message


def test_two_posts_for_one_person_are_flagged():
    text = ("Mayor Clara Voss told the chamber the sea wall would protect about 400 homes.\n\n"
            "Council leader Clara Voss dismissed a petition against the wall.\n")
    assert codes(text, ["CON001"]) == ["CON001"]


def test_a_name_spelled_two_ways_is_flagged():
    text = "Harbour master Ilse Brandt closed the port at dawn. By noon, Ilse Brant said, the storm had passed.\n"
    found = findings(text, ["CON001"])
    assert [f.code for f in found] == ["CON001"] and "one person or two" in found[0].message


def test_a_first_reference_by_surname_only_is_flagged():
    text = ("Lindgren closed the port at dawn after the storm warning, the harbour office said.\n\n"
            "Harbour master Petra Lindgren said the storm had passed by noon.\n")
    found = findings(text, ["CON001"])
    assert [f.code for f in found] == ["CON001"] and "full name, Petra Lindgren" in found[0].message


@pytest.mark.parametrize("text", [
    # honorifics are style, not a title
    "Estonian President Tarvo Kask met Finnish Prime Minister Aino Rask in Tallinn.\n\n"
    "Mr. Kask said the ferry link would reopen in June, and Ms. Rask agreed.\n",
    # two people who share a surname
    "Harbour master Ilse Brandt closed the port at dawn. Her brother, Jonas Brandt, runs the pilot boats.\n",
    # a titled surname is a full first reference in most house styles
    "President Kask arrived in Helsinki on Monday for talks about the ferry across the gulf.\n\n"
    "Tarvo Kask said the link would reopen in June.\n",
    # descriptions that vary are not titles
    "Republican candidate Jon Aldous spoke in Kellby on Monday about the harbour and its ferry.\n\n"
    "Former harbour pilot Jon Aldous said the port needed a new breakwater.\n",
])
def test_consistent_names_are_not_flagged(text):
    assert codes(text, ["CON001"]) == []


# -- relative times and dates -------------------------------------------------------------------------------

def test_relative_times_without_a_date_are_reported_once_with_the_other_lines():
    text = ("The Osterby ferry stopped running three years ago.\n\n"
            "Last week the council voted to sell the old terminal.\n")
    found = findings(text, ["CON002"])
    assert [f.code for f in found] == ["CON002"]
    assert span_text(text, found[0].__dict__) == "three years ago"
    assert "Also on line 3" in found[0].message


@pytest.mark.parametrize("anchored", [
    "---\ndate: 2025-05-09\n---\nThe Osterby ferry stopped running three years ago.\n",
    "OSTERBY, May 9 (Coastal Wire) - The Osterby ferry stopped running three years ago.\n",
    "Published 9 May 2025\n\nThe Osterby ferry stopped running three years ago.\n",
])
def test_a_date_or_dateline_anchors_relative_times(anchored):
    path = "draft.md" if anchored.startswith("---") else "draft.txt"
    assert codes(anchored, ["CON002"], path=path) == []


def test_a_programme_called_this_week_is_not_a_time():
    assert codes("The minister told ABC's This Week that the ferry would stay.\n", ["CON002"]) == []


def test_a_weekday_that_does_not_fall_on_its_date_is_flagged():
    found = findings("The council votes on Tuesday, 12 May 2025, on the ferry.\n", ["CON003"])
    assert [f.code for f in found] == ["CON003"] and "was a Monday" in found[0].message
    assert codes("The council votes on Monday, 12 May 2025, on the ferry.\n", ["CON003"]) == []


def test_a_date_without_a_year_is_read_in_the_articles_year():
    text = "---\ndate: 2025-05-09\n---\nThe council meets again on Friday, May 16, to vote on the ferry.\n"
    assert codes(text, ["CON003"], path="draft.md") == []
    wrong = text.replace("Friday, May 16", "Thursday, May 16")
    assert codes(wrong, ["CON003"], path="draft.md") == ["CON003"]


def test_a_dateline_days_away_from_the_front_matter_date_is_flagged():
    text = "---\ndate: 2025-05-09\n---\nOSTERBY, May 2 (Coastal Wire) - The council voted to close the ferry.\n"
    found = findings(text, ["CON003"], path="draft.md")
    assert [f.code for f in found] == ["CON003"] and "2025-05-09" in found[0].message


# -- house style --------------------------------------------------------------------------------------------

def test_the_minority_date_style_is_flagged_against_the_majority():
    text = ("The ferry last sailed on 22 December 2024 and was laid up on 3 January.\n\n"
            "The council votes on its future on May 9.\n")
    found = findings(text, ["CON004"])
    assert [f.code for f in found] == ["CON004"]
    assert span_text(text, found[0].__dict__) == "May 9"
    assert "day first (22 December 2024, 3 January)" in found[0].message


def test_percent_and_per_cent_mixed_are_flagged():
    text = "Fares rose by 8 per cent. Sales fell by 3 percent, and costs by 5 percent.\n"
    found = findings(text, ["CON004"])
    assert [f.code for f in found] == ["CON004"] and span_text(text, found[0].__dict__) == "per cent"


def test_british_and_american_spelling_mixed_are_flagged_but_names_and_quotes_keep_theirs():
    text = ("The harbour office moved to the town centre. The labor union says the colour scheme of the new "
            "harbour signs is wrong.\n")
    found = findings(text, ["CON004"])
    assert [f.code for f in found] == ["CON004"] and span_text(text, found[0].__dict__) == "labor"
    names = ("The harbour office moved to the town centre, beside the Labor Party office and the Pearl Harbor "
             "memorial. \"Our color is blue,\" she said of the harbour signs.\n")
    assert codes(names, ["CON004"]) == []


def test_oxford_spelling_is_not_mixed():
    text = "The harbour office will organize a colour vote in the town centre, and realize its plans next year.\n"
    assert codes(text, ["CON004"]) == []


def test_a_house_style_set_in_config_flags_every_departure(tmp_path):
    write(tmp_path / ".copydesk.toml", '[rules.CON004]\ndate = "dmy"\npercent = "per cent"\n')
    write(tmp_path / "draft.txt", "The council votes on May 9. Fares rose by 8 percent.\n")
    report, proc = check_json("draft.txt", cwd=tmp_path, extra=("--select", "CON004"))
    messages = [f["message"] for f in report["files"][0]["findings"]]
    assert len(messages) == 2, proc.stderr.decode()
    assert all("the house style is" in m for m in messages)


def test_a_bad_house_style_is_a_config_error(tmp_path):
    write(tmp_path / ".copydesk.toml", '[rules.CON004]\nspelling = "canadian"\n')
    write(tmp_path / "draft.txt", "The council votes on May 9.\n")
    proc = run_cli("check", "draft.txt", cwd=tmp_path)
    assert proc.returncode == 2
    assert b"spelling" in proc.stderr and b"Traceback" not in proc.stderr


def test_a_page_dated_in_its_metadata_anchors_relative_times():
    page = ('<html lang="en"><head><meta property="article:published_time" content="2025-05-09T08:00:00Z">'
            "</head><body><p>The Osterby ferry stopped running three years ago.</p></body></html>")
    assert codes(page, ["CON002"], path="page.html") == []
    assert codes(page.replace("article:published_time", "og:image"), ["CON002"], path="page.html") == ["CON002"]
