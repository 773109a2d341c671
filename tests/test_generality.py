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


def test_a_workflow_folder_is_not_a_genre_but_a_page_address_is():
    assert article_genre(parse_text(REVIEW_BODY.replace("Impressively, ", ""), "desk/review/ferry.md", "md")).name == "news"
    assert article_genre(parse_text(REVIEW_BODY, "desk/reviews/kestrel.md", "md")).name == "review"


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


# -- saved pages: hidden text, device copies, the template's short lines --------------------------------------

def _page(body: str) -> str:
    return f"<html><head><title>Brindle ferry</title></head><body><article>{body}</article></body></html>"


CAPTION = "Passengers wait on the Brindle quay in the rain for the last winter sailing of the year"


def test_a_captions_hidden_copy_is_not_a_paste_and_a_caption_twice_is():
    hidden = _page(f'<p>The harbour board cut the winter timetable on Tuesday after a month of talks.</p>'
                   f'<figure><img src="q.jpg" alt=""><span class="visually-hidden">{CAPTION}</span>'
                   f'<figcaption>{CAPTION}</figcaption></figure>')
    assert not blocking(hidden, "DUP001", "ferry.html")
    aria = hidden.replace('class="visually-hidden"', 'aria-hidden="true"')
    assert not blocking(aria, "DUP001", "ferry.html")
    twice = _page(f'<p>The harbour board cut the winter timetable on Tuesday after a month of talks.</p>'
                  f'<figure><img src="q.jpg" alt=""><figcaption>{CAPTION}</figcaption></figure>\n'
                  f'<figure><img src="r.jpg" alt=""><figcaption>{CAPTION}</figcaption></figure>')
    assert [f.line for f in blocking(twice, "DUP001", "ferry.html")] == [2]


PASSAGE = ("Ada Ferrow has sailed the Brindle crossing for thirty winters and says she has never seen the quay "
           "so quiet in December.")


def test_the_desktop_and_mobile_copies_of_a_passage_are_one_passage():
    variants = _page(f'<div class="portrait desktop-only"><p>{PASSAGE}</p></div>\n'
                     f'<div class="portrait mobile-only"><p>{PASSAGE}</p></div>')
    assert not blocking(variants, "DUP001", "ferry.html")
    pasted = _page(f'<p>{PASSAGE}</p>\n<p>{PASSAGE}</p>')
    assert len(blocking(pasted, "DUP001", "ferry.html")) == 1


def test_a_short_template_line_repeated_under_itself_is_advisory_on_a_saved_page():
    # A video player's title over the same line as its intro: the page template's, not a paste.
    player = _page('<p>The harbour board cut the winter timetable on Tuesday after a month of talks.</p>'
                   '<p><em>Brindle ferry: the last winter sailing</em></p>\n'
                   '<div class="player-title">Brindle ferry: the last winter sailing</div>')
    found = findings(player, "DUP001", "ferry.html")
    assert found and all(f.severity == "info" for f in found)
    # The same two lines in a draft (not a saved page) are a paste.
    draft = "<p>The board met.</p><p>Brindle ferry: the last winter sailing</p><p>Brindle ferry: the last winter sailing</p>"
    assert blocking(draft, "DUP001", "ferry.html")


# -- GRM001: a capital that starts a line or a sentence the parser ran on -------------------------------------

def test_a_capital_after_a_footnote_number_or_a_line_break_is_a_sentence_start():
    # "does" and "opposition" in lower case here, so a capital on them below is evidence of a slip.
    base = ("<p>The harbour board said the winter service would stop in December; it does not expect "
            "opposition, and the board wrote to every household on the island about the change.</p>")
    footnote = base + ("<p>The ferry lost money on the winter sailings.3 Does the board think the island can "
                       "do without a ferry for the whole winter?</p>")
    assert not blocking(footnote, "GRM001", "ferry.html")
    lyric = base + "<p>The ferry sails at dawn on the tide<br>Does the island wait for the ferry at all</p>"
    assert not blocking(lyric, "GRM001", "ferry.html")
    slip = base + ("<p>Despite their Opposition to the cut, the islanders were never asked before the "
                   "winter service was cut.</p>")
    assert [f.excerpt for f in blocking(slip, "GRM001", "ferry.html")] == ["Opposition"]
    ran_on = base + ("<p>The ferry lost money on the winter sailings and Does the board think the island can "
                     "do without a ferry for the whole winter?</p>")
    assert [f.excerpt for f in blocking(ran_on, "GRM001", "ferry.html")] == ["Does"]


# -- genre from the writer's voice --------------------------------------------------------------------------------

BLOG = [
    "I have taken the Brindle ferry every winter since I was nine, and I'm not ready to give it up.",
    "Why does the harbour board think a bus and a bridge two hours away will do? It won't.",
    "We pay the same harbour tax as the mainland towns, and we don't get a winter sailing for it.",
    "I asked the board for its figures last month, and I'm still waiting for an answer.",
    "Unfortunately, the board has made up its mind, and we will be the ones who wait on the quay.",
    "If you've never stood on that quay in January, you can't know what a cancelled sailing costs.",
]


def test_copy_in_the_writers_own_voice_reads_as_opinion_and_a_glued_on_judgement_still_blocks():
    blog = "# Keep our winter ferry\n\n" + "\n\n".join(BLOG) + "\n"
    article = parse_text(blog, "ferry.md", "md")
    found = article_genre(article)
    assert found.name == "opinion" and not found.declared and "own voice" in found.evidence[0]
    adverbs = findings(blog, "NEU001", "ferry.md")
    assert adverbs and all(f.severity == "info" for f in adverbs)
    # A judgement word glued onto a sentence already written keeps its capital seam: an edit in any genre.
    glued = blog.replace("Unfortunately, the board", "Unfortunately, The board")
    assert [f.excerpt for f in blocking(glued, "NEU001", "ferry.md")] == ["Unfortunately"]


def test_news_that_quotes_people_in_their_own_voice_stays_news():
    news = "# Brindle ferry cut\n\n" + "\n\n".join(
        f"“{line}” said {name}, who lives on the island." for line, name in zip(BLOG, (
            "Ada Ferrow", "Tomas Lirr", "Ines Wald", "Ada Ferrow", "Tomas Lirr", "Ines Wald")))
    assert article_genre(parse_text(news, "ferry.md", "md")).name == "news"


# -- REL001: the page's apparatus is not another story ------------------------------------------------------------

from test_kinds_relevance import FOREIGN, STORY  # noqa: E402  (the ferry story and a paragraph from elsewhere)


def _story(*extra: str) -> str:
    return "\n\n".join(STORY + list(extra)) + "\n"


def test_a_credit_line_a_notes_section_and_a_log_excerpt_are_not_another_story():
    # Each of these names people, places and dates the story never mentions: read as paragraphs, they block.
    credit = _story("Ilse Varnhagen contributed reporting from the Grain Accord talks between the Republic of "
                    "Corvania and the Northern Barley Board, which set barley import quotas and tariff reductions.")
    assert not blocking(credit, "REL001", "ferry.md")
    notes = _story("## Notes", FOREIGN)
    assert not blocking(notes, "REL001", "ferry.md")
    log = _story("09:12:44.118 E Corvania/BarleyQuota: 2231 2240 import 1987 rejected 0x7f3a Tariff 118 4410 "
                 "rc=4 09:12:45.020 W Northern/Board: 2231 2241 schedule 0x11 reductions 22 decade 33 "
                 "09:12:46.300 I Republic/Accord: 2231 2242 signed 0x12 quotas 44")
    assert not blocking(log, "REL001", "ferry.md")
    # The paragraph from another story, in the body, is still found.
    assert blocking(_story(FOREIGN), "REL001", "ferry.md")


# -- SRC001: the setting of the attribution -----------------------------------------------------------------------

FERRY_NEWS = ["The Brindle harbour board cut the winter ferry timetable on Tuesday, ending the last daily "
              "sailing to the island.", "The board's chair, Ada Ferrow, said the route had lost money for six winters."]


def test_an_attribution_in_a_question_is_advisory_and_the_same_claim_stated_blocks():
    asked = "\n\n".join(FERRY_NEWS + ["Critics say the board never costed a bridge, so was the cut ever necessary?"])
    stated = "\n\n".join(FERRY_NEWS + ["Critics say the board never costed a bridge before it cut the ferry."])
    assert findings(asked, "SRC001") and not blocking(asked, "SRC001")
    assert [f.excerpt for f in blocking(stated, "SRC001")] == ["Critics say"]


def test_a_columnists_some_say_is_rhetoric_but_critics_say_is_still_a_hidden_source():
    column = "# Keep our winter ferry\n\n" + "\n\n".join(BLOG + [
        "Some say the island should just learn to live with a bus, and I've heard that argument all year."])
    assert article_genre(parse_text(column, "ferry.md", "md")).name == "opinion"
    assert findings(column, "SRC001") and not blocking(column, "SRC001")
    critics = column.replace("Some say the island", "Critics say the island")
    assert [f.excerpt for f in blocking(critics, "SRC001")] == ["Critics say"]


# -- SRC004 and CON001: the speaker and the name are there ---------------------------------------------------------

def test_a_quotation_that_goes_on_with_the_paragraphs_speaker_or_follows_an_inverted_verb_has_a_speaker():
    lead = "The Brindle harbour board cut the winter ferry timetable on Tuesday.\n\n"
    goes_on = lead + ("“We ran it at a loss for six winters,” said Ada Ferrow, the board's chair. The route lost "
                      "money every year. “Nobody wanted this outcome, least of all the crew who sailed it.”\n")
    # SRC004 is advisory on its own (it gates when other sourcing evidence corroborates it): compare findings.
    assert not findings(goes_on, "SRC004")
    inverted = lead + "Replied Ferrow, with some care, “We will look at a weekend sailing next winter.”\n"
    assert not findings(inverted, "SRC004")
    nobody = lead + ("The route lost money every year. “Nobody wanted this outcome, least of all the crew who "
                     "sailed it.”\n")
    assert findings(nobody, "SRC004")


def test_a_thing_and_its_plural_are_not_one_person_spelled_two_ways():
    base = ("The Brindle Players won the Harbour Award for their winter show, and the company's director, "
            "Ines Wald, thanked the crew.")
    plural = base + "\n\nIt was the third time the company had been shortlisted for the Harbour Awards.\n"
    assert not [f for f in findings(plural, "CON001") if "spelled" in f.message]
    misspelt = base + "\n\nThe company's director, Ines Walde, said the crew had rehearsed on the ferry.\n"
    assert [f for f in findings(misspelt, "CON001") if "spelled" in f.message]


def test_a_recap_of_the_headings_and_a_pull_quote_set_first_are_not_repeats_and_a_pasted_sentence_is():
    sections = ("# Five ways to keep the ferry running\n\n## Run a weekend sailing through the winter months\n\n"
                "The board could sail on Saturdays only.\n\n## Sell season tickets to the island households\n\n"
                "Households would pay in autumn.\n\n")
    recap = sections + ("## In short\n\nBoth would cost the board little. Run a weekend sailing through the winter "
                        "months. Sell season tickets to the island households.\n")
    assert not findings(recap, "DUP002")
    pull = ("# Ferry cut\n\n> The island loses its only winter road to the mainland in December.\n\n"
            "The board voted on Tuesday. The island loses its only winter road to the mainland in December. "
            "A bus will run instead.\n")
    assert not findings(pull, "DUP002")
    pasted = ("# Ferry cut\n\nThe island's ferry stops in December after eleven years of losses.\n\n"
              "Ada Ferrow runs the quay shop. The island's ferry stops in December after eleven years of losses.\n")
    assert blocking(pasted, "DUP002")


def test_a_capitals_abbreviation_used_throughout_is_a_name_and_a_lone_tk_is_a_hole():
    lead = "The Brindle harbour board cut the winter ferry timetable on Tuesday."
    name = lead + ("\n\nThe XX union represents the crew. XX members voted to strike, and XX said the vote "
                   "was clear.\n")
    found = findings(name, "STR002")
    assert found and not blocking(name, "STR002")
    hole = lead + "\n\nThe ferry carried TK passengers on its last winter sailing.\n"
    assert blocking(hole, "STR002")


def test_a_group_naming_a_term_is_advisory_and_one_characterising_blocks():
    lead = "The Brindle harbour board cut the winter ferry timetable on Tuesday.\n\n"
    term = lead + "Experts call the eleven empty weeks the Long Gap.\n"
    judged = lead + "Experts call the cut a betrayal of the island that the board will regret for years.\n"
    assert not blocking(term, "SRC001")
    assert [f.excerpt for f in blocking(judged, "SRC001")] == ["Experts call"]


# -- NEU001/NEU002: a source's description, and a likeness graded ---------------------------------------------------

def test_a_word_inside_a_sources_description_is_theirs_and_the_reporters_own_blocks():
    # "Regrettably," already shows the reporter's voice, which corroborates a loaded word beside it.
    lead = ("The Brindle harbour board cut the winter ferry timetable on Tuesday.\n\n"
            "Regrettably, the board did not ask the island first.\n\n")
    theirs = lead + "Ada Ferrow wrote an open letter describing a chaotic board that had stopped listening.\n"
    ours = lead + "The chaotic board had stopped listening to the island.\n"

    def loaded(text):
        return [f for f in api.check_text(text, "d.md", select=["neutrality"], config=False).findings
                if f.code == "NEU002"]

    assert not loaded(theirs)
    assert [(f.excerpt, f.severity) for f in loaded(ours)] == [("chaotic", "warning")]


def test_a_degree_adverb_on_a_likeness_is_advisory_and_on_an_act_it_blocks():
    lead = "The Brindle harbour board cut the winter ferry timetable on Tuesday.\n\n"
    likeness = lead + "The new bus, which looked remarkably like the old ferry's lifeboat, left the quay at noon.\n"
    act = lead + "The board brazenly ignored the island's petition when it voted.\n"
    found = findings(likeness, "NEU001")
    assert found and not blocking(likeness, "NEU001")
    assert [f.excerpt for f in blocking(act, "NEU001")] == ["brazenly"]
