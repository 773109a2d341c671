"""Structure kinds: competing headlines, placeholders, dumped tag lists, empty sections, orphan captions."""

from __future__ import annotations

from pathlib import Path

from copydesk import lint_text

FIXTURES = Path(__file__).parent / "fixtures"
LEAD = ("Dunmore councillors voted on Wednesday to keep the night ferry to Inchkeel running for two more years, "
        "backing a subsidy of 180,000 euros for the operator.")


def found(text: str, path: str = "draft.txt", select=("structure",)):
    return [(f.code, f.line) for f in lint_text(text, path=path, select=list(select)).findings]


def test_competing_headlines_before_the_body():
    text = ("Dunmore Votes to Keep Night Ferry\n\nCouncil backs the late boat.\n\n"
            "Night Ferry Saved as Dunmore Council Backs Subsidy\n\n" + LEAD + "\n")
    assert found(text) == [("STR001", 5)]


def test_one_headline_and_a_dek_is_fine_and_subheads_later_are_fine():
    text = ("Dunmore Votes to Keep Night Ferry\n\nCouncil backs the late boat.\n\n" + LEAD +
            "\n\nWhat the Workers Say About the Night Ferry\n\nMost were relieved.\n")
    assert found(text) == []


def test_front_matter_title_disagreeing_with_h1():
    md = f"---\ntitle: Night ferry saved\n---\n\n# Councillors back island subsidy\n\n{LEAD}\n"
    assert found(md, path="a.md") == [("STR001", 5)]
    same = f"---\ntitle: Night ferry saved\n---\n\n# Night Ferry Saved!\n\n{LEAD}\n"
    assert found(same, path="a.md") == []


def test_placeholders():
    text = (f"{LEAD}\n\nThe vote was TK to 4.\n\n[caption]\n\nLorem ipsum dolor sit amet.\n\n"
            "Operator {{ operator_name }} welcomed it.\n\nAbout XX passengers use it nightly.\n\n"
            "INSERT QUOTE FROM MAYOR HERE\n\n  • \n")
    assert sorted(found(text)) == [("STR002", n) for n in (3, 5, 7, 9, 11, 13, 15)]


def test_words_that_only_look_like_placeholders():
    text = (f"{LEAD}\n\nThe TK Maxx store on Main Street and the Tk Lines office stay open late. "
            "Super Bowl winners and the XXL size were mentioned. Insert the key here, the sign says.\n")
    assert found(text, select=["STR002"]) == [("STR002", 3)]  # only the capital TK of "TK Maxx"


def test_tag_list_dumped_at_the_end():
    text = (f"{LEAD}\n\nShift workers at the Inchkeel fish plant use the Dunmore ferry every night.\n\n"
            "  • Dunmore\n  • Inchkeel\n  • Ferry\n  • Council\n  • Fish plant\n")
    result = lint_text(text, select=["STR003"])
    (f,) = result.findings
    assert (f.line, f.end_line) == (5, 9)


def test_lists_with_a_lead_in_or_of_new_things_are_not_tag_lists():
    assert found((FIXTURES / "clean-story.md").read_text(), path="clean-story.md") == []
    text = (f"{LEAD}\n\nThe new timetable adds these stops\n\n  • Kilbrack\n  • Rossmore\n  • Glenbeg\n  • Carrowkeel\n")
    assert found(text, select=["STR003"]) == []


def test_empty_sections():
    md = (f"# Night ferry saved\n\n{LEAD}\n\n## What workers say\n\n## What the operator says\n\n"
          "It welcomed the vote.\n\n## Next steps\n")
    assert found(md, path="a.md", select=["STR004"]) == [("STR004", 5), ("STR004", 11)]


def test_orphan_captions():
    html = ("<p>The ferry runs nightly.</p>\n<figure><figcaption>The ferry at dawn.</figcaption></figure>\n"
            "<figure><img src=a.jpg><figcaption>The pier.</figcaption></figure>\n<figcaption>Loose caption.</figcaption>\n")
    assert found(html, path="a.html", select=["STR005"]) == [("STR005", 2), ("STR005", 4)]


def test_clean_markdown_story_has_no_findings_at_all():
    result = lint_text((FIXTURES / "clean-story.md").read_text(), path="clean-story.md")
    assert result.findings == []


def test_several_h1_headings_compete():
    html = (f"<h1>Night ferry saved</h1>\n<p>{LEAD}</p>\n<h1>Island celebrates council subsidy</h1>\n"
            "<p>More text about the vote and the subsidy follows here.</p>\n")
    result = lint_text(html, path="a.html", select=["STR001"])
    assert [(f.line, f.code) for f in result.findings] == [(3, "STR001")]
    assert "the H1 \"Night ferry saved\" (line 1)" in result.findings[0].message


def test_tag_list_flattened_onto_one_line():
    text = (f"{LEAD}\n\nShift workers at the Inchkeel fish plant use the Dunmore ferry every night.\n\n"
            "Dunmore, Inchkeel, Ferry, Fish plant, Council\n")
    assert found(text, select=["STR003"]) == [("STR003", 5)]
    # a line naming new places is not a tag dump, nor is a sentence with commas
    other = f"{LEAD}\n\nKilbrack, Rossmore, Glenbeg, Carrowkeel\n\nDunmore, Inchkeel and the ferry all feature.\n"
    assert found(other, select=["STR003"]) == []


def test_tables_are_data_not_tag_lists_duplicates_or_furniture():
    md = ("# Cup results\n\nThe Dunmore Rovers beat Inchkeel United on Saturday in front of a record crowd at the "
          "harbour ground.\n\n| Team | Played | Won |\n| --- | --- | --- |\n| Dunmore Rovers | 3 | 3 |\n"
          "| Inchkeel United | 3 | 2 |\n| Kilbrack Town | 3 | 1 |\n| Rossmore Athletic | 3 | 0 |\n\n"
          "Inchkeel United play Kilbrack Town next, and Dunmore Rovers meet Rossmore Athletic.\n")
    assert lint_text(md, path="a.md").findings == []
    html = ("<p>The Dunmore Rovers beat Inchkeel United on Saturday in front of a record crowd.</p><table>"
            "<tr><td>Home</td><td>Yes</td></tr><tr><td>Home</td><td>Yes</td></tr>"
            "<tr><td>Share</td><td>Latest</td></tr></table>")
    assert lint_text(html, path="a.html").findings == []


def test_a_list_under_its_own_heading_is_content_but_under_tags_it_is_a_dump():
    body = (f"{LEAD}\n\nCouncillors Ilse Brandt, Tomas Reyes, Amira Saleh and Jonas Weil all spoke for the subsidy.\n\n")
    names = "  • Ilse Brandt\n  • Tomas Reyes\n  • Amira Saleh\n  • Jonas Weil\n"
    assert found(body + "Who voted yes\n\n" + names, select=["STR003"]) == []
    assert found(body + "Topics\n\n" + names, select=["STR003"]) == [("STR003", 7)]


def test_a_title_case_subheading_under_the_h1_is_not_a_rival():
    md = f"# Dunmore Votes to Keep Night Ferry\n\n## Island Workers Welcome the Night Ferry Vote\n\n{LEAD}\n"
    assert found(md, path="a.md", select=["STR001"]) == []
    txt = f"Dunmore Votes to Keep Night Ferry\n\nIsland Workers Welcome the Night Ferry Vote\n\n{LEAD}\n"
    assert found(txt, select=["STR001"]) == [("STR001", 3)]


def test_structure_rules_leave_furniture_regions_to_boilerplate():
    page = ("<html><body><header class=\"post-header\"><h1>Night ferry saved</h1></header>\n"
            "<article><p>" + LEAD + "</p></article>\n"
            "<footer><h3>Follow the Herald</h3></footer>\n</body></html>\n")
    result = lint_text(page, path="a.html")
    assert [(f.code, f.line) for f in result.findings] == [("BOI002", 3)]


def test_an_html_list_item_holding_an_icon_is_not_an_empty_bullet():
    html = ("<ul><li><a href=\"/share\"><img src=\"share.svg\" alt=\"\"></a></li><li>\n</li>"
            "<li>The ferry sails at six.</li></ul>\n")
    found_lines = [f.line for f in lint_text(html, path="a.html", select=["STR002"]).findings]
    assert found_lines == [1]  # the truly empty one only
    assert len(found_lines) == 1


LEDE = ("The Marrow Valley council voted on Tuesday to close the Ostrand ferry at the end of the year, after "
        "eleven years of losses on the crossing between Ostrand and Kellby.")


def test_a_headline_variant_after_the_first_paragraph_competes():
    text = (f"# Ostrand ferry to close after eleven years of losses\n\n{LEDE}\n\n"
            "Ostrand ferry will close after eleven years of losses on the crossing\n\n"
            "Ferry staff have been offered jobs on the new bus route, the council said.\n")
    assert [f.code for f in lint_text(text, path="a.md", select=["STR001"]).findings] == ["STR001"]


def test_an_seo_h2_restating_the_headline_competes_but_a_section_heading_does_not():
    seo = (f"# Ostrand ferry closes after eleven years\n\n{LEDE}\n\n"
           "## Ostrand Ferry Finally Closes: Everything You Need to Know About the Eleven Years\n\n"
           "Ferry staff have been offered jobs on the new bus route, the council said.\n")
    assert [f.code for f in lint_text(seo, path="a.md", select=["STR001"]).findings] == ["STR001"]
    section = (f"# Ostrand ferry closes after eleven years\n\n{LEDE}\n\n## What happens to the crew\n\n"
               "Ferry staff have been offered jobs on the new bus route, the council said.\n\n"
               "## Ostrand Ferry\n\nThe vessel will be sold.\n")
    assert lint_text(section, path="a.md", select=["STR001"]).findings == []
