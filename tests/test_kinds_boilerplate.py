"""Boilerplate kinds: listed phrases, unlisted furniture judged by shape, and regions of saved pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk import lint_text

FIXTURES = Path(__file__).parent / "fixtures"


def found(text: str, path: str = "draft.txt"):
    return [(f.code, f.line) for f in lint_text(text, path=path, select=["boilerplate"]).findings]


def test_unlisted_furniture_is_judged_and_prose_is_not():
    # None of these lines is in the phrase list; the judgement has to find them.
    text = (FIXTURES / "scraped-draft.txt").read_text()
    result = lint_text(text, select=["BOI001"], path="scraped-draft.txt")
    assert sorted(f.line for f in result.findings) == [1, 3, 11, 17, 19, 21]
    assert all("known furniture phrase" not in f.message for f in result.findings)
    assert all(f.confidence < 1.0 for f in result.findings)


def test_the_phrase_list_works_alone_and_is_certain():
    result = lint_text("Skip to main content\n\nThe pier reopened on Monday after repairs.\n", select=["BOI001"])
    assert [(f.line, f.confidence) for f in result.findings] == [(1, 1.0)]


def test_old_rule_name_still_selects_through_the_redirect():
    result = lint_text("Skip to main content\n\nThe pier reopened on Monday after repairs.\n", select=["boilerplate-phrase"])
    assert [f.code for f in result.findings] == ["BOI001"]


def test_story_lines_with_interface_words_are_not_furniture():
    text = ("Ferry Share Prices Fall\n\n"
            "Inchkeel Marine shares fell 4 percent on Tuesday after the council vote.\n\n"
            "FRANCE WINS\n\n"
            "The French crew won the regatta for the third year running.\n\n"
            "Read the full council report at the library, the clerk said.\n\n"
            "By Orla Finnegan\n\n"
            "Photo: Kasia Nowak\n\n"
            "“Follow us on the water,” the skipper shouted to the crowd.\n")
    assert found(text) == []


def test_whole_saved_page_regions_once_each():
    text = (FIXTURES / "saved-page.html").read_text()
    result = lint_text(text, path="saved-page.html", select=["boilerplate"])
    regions = [(f.code, f.line, f.message.split(" region")[0]) for f in result.findings]
    assert regions == [("BOI002", 11, "A cookie"), ("BOI002", 13, "A header"), ("BOI002", 27, "A share"),
                       ("BOI002", 29, "A related"), ("BOI002", 30, "A comments"), ("BOI002", 32, "A footer")]
    header = result.findings[1]
    assert header.end_line == 14  # through the last nav link
    assert text.splitlines()[13][header.end_column - 6:header.end_column - 1] == "Sport"


def test_story_header_byline_pull_quote_and_captions_are_not_regions():
    text = (FIXTURES / "saved-page.html").read_text()
    result = lint_text(text, path="saved-page.html")
    lines = {f.line for f in result.findings}
    assert not lines & {17, 18, 19, 20, 21, 22, 23, 24, 25, 26}


def test_fragments_are_not_whole_pages():
    html = "<p>The pier reopened on Monday after repairs.</p>\n<footer><p>Reporting by Orla Finnegan.</p></footer>\n"
    assert found(html, path="fragment.html") == []


def test_blog_page_without_article_element():
    # No <article>/<main>: furniture is known by element and class names (camelCase too) and by wording;
    # the story's own header (it holds the H1) and its paragraphs are left alone.
    text = (FIXTURES / "blog-page.html").read_text()
    result = lint_text(text, path="blog-page.html")
    assert sorted(f.line for f in result.findings) == [5, 13, 15, 16]
    assert {f.category for f in result.findings} == {"boilerplate"}


def test_furniture_between_sections_and_link_trails():
    md = ("# Night ferry saved\n\nThe council met on Wednesday and voted to keep the late boat.\n\n"
          "It was a long meeting with speakers from the island and the fish plant.\n\n"
          "More on this story »\n\n## Reaction\n\nThe operator welcomed the vote and will publish a timetable.\n\n"
          "The union welcomed it too.\n\nIt meets again next week.\n\nThe mayor was not available.\n")
    result = lint_text(md, path="a.md", select=["BOI001"])
    assert [(f.line, "between sections" in f.message) for f in result.findings] == [(7, True)]


FURNITURE = ["Join the conversation", "Copy link", "Report an error", "Send us a tip", "Manage cookies",
             "Create a free account", "Become a member", "Open in browser", "Leave a reply", "Most viewed",
             "Editor's picks", "Photo gallery", "Privacy Notice", "Accessibility statement", "Sponsored by Kelvale Bank",
             "Follow @kelvalepost on Instagram", "Don't miss", "Save for later", "Gift this article", "See more",
             "Top stories", "Up next", "Keep reading", "Jump to content"]
SUBHEADS = ["The vote", "What happens next", "Why it matters", "By the numbers", "Follow the money",
            "Watch this space", "Back to school", "Top of the table", "Sign of the times", "Search for survivors",
            "Share prices slump", "Popular support", "The latest twist", "Read between the lines", "Next steps",
            "Further reading", "Recent history", "Other voices"]
BODY = ["The harbour at Kelvale reopened to fishing boats on Monday after a three-week closure.",
        "Skippers said the closure had cost them most of the spring season.",
        "The harbour board said repairs to the north wall cost 1.8 million euros.",
        "A second crane will be installed in the autumn, the board said."]


@pytest.mark.parametrize("line", FURNITURE)
def test_unlisted_furniture_at_the_end_of_a_story(line):
    text = "\n\n".join(BODY + [line]) + "\n"
    assert [f.line for f in lint_text(text, select=["BOI001"]).findings] == [9]


@pytest.mark.parametrize("line", SUBHEADS)
def test_short_subheads_are_not_furniture_anywhere(line):
    for at in (0, 2, 4):
        parts = BODY[:at] + [line] + BODY[at:]
        assert lint_text("\n\n".join(parts) + "\n", select=["BOI001"]).findings == [], (line, at)


def test_a_shop_line_repeated_through_a_roundup_is_one_finding_naming_every_line():
    from copydesk import lint_text

    items = []
    for name, price in [("Norrfjell Trail 40 rucksack", "89"), ("Brask Summit stove", "45"),
                        ("Velt Aurora headlamp", "32"), ("Pirin Ridge tent", "240")]:
        items.append(f"The {name} survived a week of rain in the Tessel hills and still looks new.\n\n"
                     f"See it now: Brask Outdoor\n")
    text = ("# Kit that survived the wettest week of the year\n\n" + "\n".join(items)
            + "\nWe may earn a commission when you buy through links on this page.\n")
    found = [f for f in lint_text(text, select=["BOI001"]).findings]
    shop = [f for f in found if "See it now" in f.message]
    assert len(shop) == 1 and "appears 4 times: lines 5, 9, 13, 17" in shop[0].message
    assert any("affiliate or shop line" in f.message for f in found)


def test_a_markdown_share_bar_written_with_bold_and_links_is_furniture():
    from copydesk import lint_text

    text = ("---\ntitle: Ferry to close\n---\nThe council voted on Tuesday to close the Ostrand ferry.\n\n"
            "**Share on Facebook** | **Share on X** | [Email](mailto:desk@example.org)\n\n"
            "Ferry staff have been offered jobs on the new bus route, the council said.\n")
    found = lint_text(text, path="a.md", select=["BOI001"]).findings
    assert [f.line for f in found] == [6]
