"""Relevance kinds on drafts we wrote: a paragraph from another story, the hard cases that must stay quiet,
summary items that drift from the body, headlines the body never supports."""

from __future__ import annotations

import pytest

from conftest import check_json, span_text, write
from copydesk import lint_text


def found(text: str, path: str = "draft.txt", select=("relevance",)):
    return [(f.code, f.line, f.message) for f in lint_text(text, path=path, select=list(select)).findings]


def lines_of(text: str, code: str, path: str = "draft.txt") -> list[int]:
    return [line for c, line, _ in found(text, path) if c == code]


# A story about a ferry closing, six paragraphs that keep coming back to its people and places.
STORY = [
    "# Ostrand ferry to close at the end of the year",
    "The Marrow Valley council voted on Tuesday to close the Ostrand ferry at the end of the year, after eleven "
    "years of losses on the crossing between Ostrand and the valley's harbour town of Kellby.",
    "Councillor Ada Brennan, who voted against the closure, said the ferry was the only link to Kellby that did "
    "not depend on the coast road, which snow closes for weeks every winter.",
    "The council will replace the ferry with a bus route from Ostrand to Kellby that runs every half hour. "
    "Brennan said the bus would take twice as long as the ferry in winter.",
    "Ferry staff have been offered jobs on the new bus route, the council said. The ferry's crew of twelve will "
    "be retrained as drivers over the summer at the council's depot in Kellby.",
    "Passengers will pay the same fare on the bus as on the ferry for the first two years, after which the fare "
    "will follow the regional bus tariff, the council said.",
    "The harbour in Kellby will keep its ferry berth for emergencies. Brennan asked the council to run a winter "
    "ferry on weekends, but her motion failed by seven votes to four.",
]

FOREIGN = ("The Grain Accord of 1987, signed between the Republic of Corvania and the Northern Barley Board, set out "
           "quotas for barley imports and a schedule of tariff reductions for the following decade.")


def draft(*extra_at: tuple[int, str]) -> str:
    paragraphs = list(STORY)
    for position, text in sorted(extra_at, reverse=True):
        paragraphs.insert(position, text)
    return "\n\n".join(paragraphs) + "\n"


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_paragraph_from_another_story_is_flagged_with_its_evidence():
    text = draft((4, FOREIGN))
    hits = [(line, msg) for code, line, msg in found(text) if code == "REL001"]
    assert [line for line, _ in hits] == [line_of(text, "Grain Accord")]
    message = hits[0][1]
    assert "Corvania" in message and "nowhere else" in message
    assert "years from the story's" not in message  # the story gives no year of its own to compare with


def test_a_date_decades_from_the_story_is_part_of_the_evidence():
    dated = [("---\ntitle: Ostrand ferry to close\ndate: 2025-05-09\n---\n" + "\n\n".join(STORY[1:4]) + "\n\n"
              + FOREIGN + "\n\n" + "\n\n".join(STORY[4:]) + "\n")]
    result = lint_text(dated[0], path="draft.md", select=["REL001"])
    assert [f.code for f in result.findings] == ["REL001"]
    assert "1987, is 38 years from the story's (2025)" in result.findings[0].message


def test_the_clean_story_has_no_relevance_findings():
    assert found(draft()) == []


def test_short_blocks_carry_too_little_evidence():
    text = draft((4, "Barley prices rose in Corvania."))
    assert lines_of(text, "REL001") == []


def test_the_opening_of_a_new_section_is_read_with_what_follows():
    section = ("## The Halvard lighthouse",
               "The Halvard lighthouse on the headland, run by volunteers from the Tessel Maritime Trust since the "
               "keepers left, will lose its supply boat when the ferry stops.",
               "The Tessel Maritime Trust said its volunteers would need a boat of their own to reach the Halvard "
               "lighthouse, and asked the council for a grant to buy one.")
    text = draft((7, section[0]), (8, section[1]), (9, section[2]))
    assert lines_of(text, "REL001") == []


def test_a_background_paragraph_that_shares_the_storys_names_is_not_flagged():
    background = ("The Ostrand ferry first sailed to Kellby in 1952, when the Marrow Valley had no road to the coast "
                  "at all, and carried mail, cattle and schoolchildren for four decades.")
    assert lines_of(draft((3, background)), "REL001") == []


def test_a_new_person_who_is_then_discussed_is_not_flagged():
    newcomer = ("Selma Varga, who has skippered fishing boats out of Kellby harbour for thirty years, offered to buy "
                "the vessel and keep the crossing running privately.")
    follow_up = ("Varga said she would need a licence from the harbour master and a loan, and that the council had "
                 "not answered her letter about the ferry.")
    assert lines_of(draft((4, newcomer), (5, follow_up)), "REL001") == []


def test_an_explainer_box_is_not_flagged():
    explainer = ("What is a roll-on ferry?",
                 "A roll-on ferry is a ship that vehicles drive onto at one end and off at the other, without "
                 "cranes or ramps being moved, which keeps loading times short on busy crossings.")
    assert lines_of(draft((6, explainer[0]), (7, explainer[1])), "REL001") == []


def test_a_round_up_of_new_items_has_no_outlier():
    products = [
        "The Norrfjell Trail 40 is a light rucksack with a rain cover and a padded hip belt for long walks in hills.",
        "Brask Outdoor's Summit stove boils a litre of water in three minutes and folds into a pocket-sized case.",
        "The Velt Aurora headlamp lasts forty hours on one charge and has a red light mode that keeps night vision.",
        "Hallberg's wool socks dry overnight in a tent, resist blisters on descents and come in four thicknesses.",
        "The Pirin Ridge tent sleeps two, pitches in five minutes and weighs less than two kilograms with its pegs.",
    ]
    text = "# Five pieces of kit for a summer of walking\n\n" + "\n\n".join(products) + "\n"
    assert found(text) == []


def test_a_summary_item_about_another_subject_is_flagged():
    text = (draft() + "\nKey points\n\n"
            "  • The council voted on Tuesday to close the Ostrand ferry at the end of the year.\n"
            "  • Ferry staff have been offered jobs on the new bus route, the council said.\n"
            f"  • {FOREIGN}\n")
    assert lines_of(text, "REL001") == [line_of(text, "Grain Accord")]


def test_a_credit_line_is_not_a_story():
    text = draft((7, "Additional reporting by Marta Quist and Ilya Berenson in Tessaly; editing by Jonas Falk and "
                     "Petra Holm for the Coastal Wire service."))
    assert lines_of(text, "REL001") == []


# -- summary drift ------------------------------------------------------------------------------------------

BODY = (
    "The Marrow Valley council still needs the regional board's approval for its plan to close the Ostrand "
    "ferry at the end of the year.\n\n"
    "Councillor Ada Brennan has threatened to take the council to court over the closure.\n\n"
    "Ferry staff have been offered jobs on the new bus route to Ostrand, the council said.\n\n"
    "Passengers will pay the same fare on the bus as on the ferry for the first two years.\n\n"
    "The council has not decided what to do with the ferry's engines, its hull and its berth.\n\n"
)


def summary(*items: str) -> str:
    return BODY + "Key points\n\n" + "".join(f"  • {item}\n" for item in items)


FAITHFUL = ["Ferry staff have been offered jobs on the new bus route to Ostrand.",
            "Passengers will pay the same fare on the bus as on the ferry for two years."]


def drift_of(item: str) -> tuple[list[str], str]:
    text = summary(item, *FAITHFUL)
    result = lint_text(text, select=["REL002", "DUP004"])
    item_line = text.splitlines().index(f"  • {item}") + 1
    codes = [f.code for f in result.findings if f.line == item_line]
    messages = " ".join(f.message for f in result.findings if f.code == "REL002")
    return codes, messages


@pytest.mark.parametrize("item, says", [
    pytest.param("Councillor Ada Brennan has threatened or filed a court case over the closure.", "line 3",
                 id="a verb added to the body's verb"),
    pytest.param("The regional board has approved the council's plan to close the Ostrand ferry.", "as done",
                 id="a state reversed"),
    pytest.param("The council has decided what to do with the ferry's engines, hull and berth.", "denies",
                 id="a negation reversed"),
    pytest.param("Ferry staff have been offered jobs on the new bus route run by Halvorsen Transport.", "Halvorsen",
                 id="a new name"),
    pytest.param("Passengers will pay the same fare on the bus as on the ferry for the first five years, or 5 years "
                 "in all.", "5", id="a new number"),
    pytest.param("Ferry staff have been offered jobs on the new bus route, and the drivers' union has accepted the "
                 "offer.", "union", id="an added clause"),
    pytest.param("The council has already sold the ferry to a museum in another valley.", "“sold … museum”",
                 id="an act the body never reports"),
    pytest.param("The council plans to turn the Kellby waiting room into a maritime museum next spring.",
                 "no body sentence", id="a claim no body sentence makes"),
])
def test_each_kind_of_drift_is_flagged_with_what_changed(item, says):
    codes, message = drift_of(item)
    assert codes == ["REL002"] and says in message


def test_a_faithful_restatement_is_a_repeat_not_drift():
    codes, _ = drift_of("Ferry staff have been offered jobs on the new bus route to Ostrand, the council said.")
    assert codes == ["DUP004"]


def test_a_drifting_item_is_never_counted_as_restating_the_body():
    text = summary("The regional board has approved the council's plan to close the Ostrand ferry.", *FAITHFUL)
    result = lint_text(text, select=["DUP003"])
    assert [f.code for f in result.findings] == ["DUP003"]
    assert "2 of its 3 items" in result.findings[0].message


def test_a_list_under_another_heading_is_not_held_to_the_body():
    text = BODY + "How to get there\n\n" + "".join(f"  • {s}\n" for s in [
        "Take the coast road to Kellby and follow the signs for the harbour car park.",
        "The regional board has approved parking at the harbour for ferry passengers.",
        "Buses leave from the stop outside the old ferry terminal every half hour."])
    assert lines_of(text, "REL002") == []


# -- headline drift -----------------------------------------------------------------------------------------

def test_a_headline_naming_someone_the_body_never_mentions_is_flagged():
    text = "---\ntitle: Ostrand ferry to close as Halvorsen Shipping pulls out\n---\n" + "\n\n".join(STORY[1:]) + "\n"
    result = lint_text(text, path="draft.md", select=["REL003"])
    assert [f.code for f in result.findings] == ["REL003"]
    assert "Halvorsen Shipping" in result.findings[0].message
    assert span_text(text, result.findings[0].__dict__) == "Ostrand ferry to close as Halvorsen Shipping pulls out"


def test_a_site_name_in_a_page_title_is_not_held_to_the_body(tmp_path):
    page = ("<html lang=\"en\"><head><title>Ostrand ferry to close | The Kellby Clarion</title></head><body><article>"
            + "".join(f"<p>{p}</p>" for p in STORY[1:]) + "</article></body></html>")
    write(tmp_path / "page.html", page)
    report, _ = check_json("page.html", cwd=tmp_path, extra=("--select", "REL003"))
    assert report["files"][0]["findings"] == []


def test_a_paragraph_sharing_a_word_with_the_headline_is_on_the_subject():
    # Its only tie to the story is the headline's subject: the ferry.
    aside = ("The Grain Accord shipping lanes of the Republic of Corvania were once served by a ferry of the same "
             "class, built at the Northern Barley Board's yard and sold for scrap in 1987.")
    assert lines_of(draft((4, aside)), "REL001") == []


def test_a_paragraph_sharing_no_word_with_the_story_is_flagged_without_names():
    stray = ("Shoppers breathing scented oxygen through plastic tubes at the mall kiosk found the lavender blend "
             "calming, while the peppermint one woke them up before lunch in the food court upstairs.")
    text = draft((4, stray))
    hits = [(line, msg) for code, line, msg in found(text) if code == "REL001"]
    assert [line for line, _ in hits] == [line_of(text, "scented oxygen")]
    assert "names" not in hits[0][1]  # the evidence is its words alone
