"""Generality on copy nobody tuned on (issue 25): each class of wrong blocking finding seen on unseen outlets,
in drafts we wrote, in both forms: the wrong finding is gone or advisory, and the real defect still blocks.
Real spaCy on real text through the library API; the genre and language reach the JSON report."""

from __future__ import annotations

import pytest

from conftest import check_json, run_cli, write
from copydesk import api
from copydesk.genre import article_genre
from copydesk.readers import parse_text

GATE = ("error", "warning")


def findings(text: str, rule: str, path: str = "draft.md", fmt: str | None = None) -> list:
    result = api.check_text(text, path, fmt=fmt, select=[rule], config=False)
    return [f for f in result.findings if f.code == rule]


def blocking(text: str, rule: str, path: str = "draft.md", fmt: str | None = None) -> list:
    return [f for f in findings(text, rule, path, fmt) if f.severity in GATE]


# -- genre, from metadata and from the text ---------------------------------------------------------------------

REVIEW_BODY = ("The Kestrel 5 is the lightest tablet Harrowgate has made, and it shows in the hand.\n\n"
               "Impressively, the Kestrel 5 beats last year's model on every benchmark we ran.\n\n"
               "Battery life came to eleven hours in our looping video test.\n")


@pytest.mark.parametrize("text,path,genre", [
    ("---\ntitle: Kestrel 5\nsection: Reviews\n---\n\n" + REVIEW_BODY, "review.md", "review"),
    ("---\ntitle: Kestrel 5\ntype: opinion\n---\n\n" + REVIEW_BODY, "column.md", "opinion"),
    (REVIEW_BODY, "site/opinion/kestrel.md", "opinion"),
    ('<html><head><script type="application/ld+json">{"@context": "https://schema.org", '
     '"@type": "ReviewNewsArticle", "headline": "Kestrel 5"}</script></head><body><article>'
     + "".join(f"<p>{p}</p>" for p in REVIEW_BODY.split("\n\n")) + "</article></body></html>", "k.html", "review"),
])
def test_the_declared_genre_is_read_from_metadata(text, path, genre):
    article = parse_text(text, path, path.rsplit(".", 1)[1])
    found = article_genre(article)
    assert found.name == genre and found.declared and found.evidence


def test_a_slug_word_is_not_a_genre():
    article = parse_text(REVIEW_BODY, "news/2026/opinion-poll-finds-tablets-popular.md", "md")
    assert article_genre(article).name == "news"


def test_the_genre_is_read_from_the_text_when_nothing_is_declared():
    howto = "".join(f"{line}\n\n" for line in (
        "Before you repaint a window frame, you should scrape off every loose flake of the old paint.",
        "Sand the bare wood until your fingertip feels no ridge where the old coat ends.",
        "If you work in the sun, the primer dries before it can soak in, so pick a cloudy morning.",
        "You will need two thin coats rather than one thick one; your brush should be nearly dry.",
        "Clean your brush in warm soapy water as soon as you finish."))
    assert article_genre(parse_text("# Repainting a window\n\n" + howto, "w.md", "md")).name == "howto"
    news = ("# Ferry cut at Brindle\n\nThe Brindle harbour board cut the winter timetable on Tuesday.\n\n"
            "\"You cannot run an empty boat,\" said board chair Ines Varga.\n\n"
            "The last ferry will leave at six from November, two hours earlier than now.\n\n"
            "Passenger numbers after dark fell by a third last winter, the board said.\n")
    assert article_genre(parse_text(news, "n.md", "md")).name == "news"  # quoted "you" is the source's


def test_in_a_review_the_reporters_voice_rules_are_advisory_and_news_still_blocks(tmp_path):
    write(tmp_path / "review.md", "---\ntitle: Kestrel 5\nsection: Reviews\n---\n\n" + REVIEW_BODY)
    write(tmp_path / ".copydesk.toml", 'opinion = "on"\n')  # keep the rules on: the genre policy decides
    report, proc = check_json("review.md", cwd=tmp_path)
    f = report["files"][0]
    assert f["genre"]["name"] == "review" and f["genre"]["declared"] is True
    neu = [x for x in f["findings"] if x["code"] == "NEU001"]
    assert neu and all(x["severity"] == "info" and x["advisory"] for x in neu)
    assert proc.returncode == 0
    # The same sentence in a news story blocks.
    news = "# Kestrel 5 on sale\n\nHarrowgate put the Kestrel 5 on sale on Monday.\n\n" \
           "Impressively, the Kestrel 5 beats last year's model on every benchmark.\n"
    assert blocking(news, "NEU001")


def test_a_genre_can_be_judged_as_news_by_config(tmp_path):
    write(tmp_path / "review.md", "---\ntitle: Kestrel 5\nsection: Reviews\n---\n\n" + REVIEW_BODY)
    write(tmp_path / ".copydesk.toml", 'opinion = "on"\n[genres]\nreview = "on"\n')
    report, proc = check_json("review.md", cwd=tmp_path)
    assert any(x["code"] == "NEU001" and x["severity"] == "warning" for x in report["files"][0]["findings"])
    assert proc.returncode == 1


def test_a_bad_genres_setting_is_a_config_error(tmp_path):
    write(tmp_path / "a.md", "# A\n\nText.\n")
    write(tmp_path / ".copydesk.toml", '[genres]\nsermon = "on"\n')
    proc = run_cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2 and b"genres" in proc.stderr and b"Traceback" not in proc.stderr


def test_in_a_how_to_page_speculation_is_advice():
    page = ("---\ntitle: Saving on heating\ntype: how-to\n---\n\n"
            "A roll of felt under the boards could turn the loft into the warmest room in the house.\n")
    spec = findings(page, "SRC003", "heat.md")
    assert spec and all(f.severity == "info" for f in spec)
    news = "# Heating bills\n\nThe council's new levy could turn Westmere into the dearest town to heat.\n"
    assert blocking(news, "SRC003")


# -- DUP001: the HTML headline echoed by the first paragraph -----------------------------------------------------

def test_an_html_headline_repeated_as_the_first_paragraph_is_the_export_layout():
    echo = ("<h1>Winter timetable for the Brindle ferry</h1>\n<p>Winter timetable for the Brindle ferry</p>\n"
            "<p>The harbour board said the last sailing would leave at six from November.</p>\n")
    assert not findings(echo, "DUP001", "f.html", "html")
    pasted = ("<h1>Winter timetable for the Brindle ferry</h1>\n"
              "<p>The harbour board said the last sailing would leave at six from November.</p>\n"
              "<p>The harbour board said the last sailing would leave at six from November.</p>\n")
    assert blocking(pasted, "DUP001", "f.html", "html")


# -- SRC001 ------------------------------------------------------------------------------------------------------

def test_a_group_whose_member_is_named_next_is_advisory_and_a_bare_group_blocks():
    named_next = ("# Depot plan\n\nThe Westmere board wants a new bus depot. Some councillors argue the depot "
                  "is too small.\n\n\"We need twice the space,\" said Councillor Ana Brink, who chairs the "
                  "transport committee.\n")
    assert findings(named_next, "SRC001") and not blocking(named_next, "SRC001")
    bare = ("# Depot plan\n\nThe Westmere board wants a new bus depot. Critics say the board ignored the "
            "neighbours.\n\nThe board meets again in March.\n")
    assert blocking(bare, "SRC001")


def test_a_cited_claim_and_the_noun_say_do_not_block():
    cited = "# Quarry\n\nRainfall on the quarry has doubled since 1990, researchers believe [4].\n"
    assert not blocking(cited, "SRC001")
    noun = "# Quarry\n\nResidents of the lane wanted some say in the sale of the land.\n"
    assert not blocking(noun, "SRC001")
    uncited = "# Quarry\n\nRainfall on the quarry has doubled since 1990, researchers believe.\n"
    assert blocking(uncited, "SRC001")


# -- NEU001: force of a denial ------------------------------------------------------------------------------------

def test_an_intensity_adverb_on_a_denial_is_advisory_and_on_an_act_it_blocks():
    denial = "# Quarry\n\nThe mining firm vehemently denied that it had dumped waste in the quarry.\n"
    assert findings(denial, "NEU001") and not blocking(denial, "NEU001")
    act = "# Quarry\n\nThe board brazenly ignored the residents' petition.\n"
    assert blocking(act, "NEU001")
