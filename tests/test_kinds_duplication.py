"""Duplication kinds on drafts written for these tests, including what must not be flagged."""

from __future__ import annotations

from copydesk import lint_text


def found(text: str, path: str = "draft.txt", select=("duplication",)):
    return [(f.code, f.line) for f in lint_text(text, path=path, select=list(select)).findings]


PARA = "Shift workers at the Inchkeel fish plant said the late crossing was the only way home after the evening shift."


def test_exact_copy_far_apart_points_at_the_first():
    text = f"{PARA}\n\nThe council met on Wednesday.\n\nThe vote was 11 to 4 in favour.\n\n{PARA}\n"
    result = lint_text(text, select=["DUP001"])
    (f,) = result.findings
    assert (f.line, f.column, f.end_line) == (7, 1, 7)
    assert "repeats line 1 word for word (6 lines below)" in f.message


def test_near_copy_with_a_word_changed_or_added():
    changed = PARA.replace("evening", "night")
    added = "Indeed, " + PARA
    for variant in (changed, added):
        text = f"{PARA}\n\nThe council met on Wednesday.\n\n{variant}\n"
        result = lint_text(text, select=["DUP001"])
        assert [(f.code, f.line) for f in result.findings] == [("DUP001", 5)]
        assert "almost word for word" in result.findings[0].message


def test_a_copy_with_a_new_clause_is_not_a_near_copy():
    text = f"{PARA}\n\nThe council met on Wednesday.\n\nAccording to the union's survey of its members, {PARA[0].lower()}{PARA[1:]}\n"
    assert found(text, select=["DUP001"]) == []


def test_case_and_punctuation_are_folded():
    text = "A crane lifts the new span into place at dawn.\nA CRANE LIFTS THE NEW SPAN INTO PLACE, AT DAWN!\n"
    assert found(text) == [("DUP001", 2)]


def test_adjacent_short_captions_are_duplicates_but_repeated_credits_are_not():
    text = (PARA + "\n\nNight ferry\nNight ferry\n\nPhoto: Kasia Nowak\n\nThe vote was 11 to 4.\n\n"
            "Photo: Kasia Nowak\n\nThe operator welcomed the decision.\n\nPhoto: Kasia Nowak\n")
    assert found(text) == [("DUP001", 4)]


def test_quotes_repeated_verbatim_are_duplicates():
    quote = "“Without the late boat I would sleep in my car,” said plant worker Tadhg Moran."
    text = f"{quote}\n\nThe council met on Wednesday and approved the subsidy.\n\n{quote}\n"
    assert found(text) == [("DUP001", 5)]


def test_sentence_glued_into_a_caption_after_a_dash():
    dek = "Dunmore councillors voted on Wednesday to keep the night ferry to Inchkeel running for two more years."
    text = f"{dek}\n\nFerry Vote in Dunmore\n\nThe night ferry at the pier. - {dek}\n"
    result = lint_text(text, select=["DUP002"])
    (f,) = result.findings
    assert (f.line, f.column) == (5, 32) and "already appears on line 1" in f.message


def test_pull_quotes_are_not_duplicates():
    html = ("<html><body><article><p>Plant workers rely on the crossing. “Without the late boat I would sleep in my "
            "car,” said Tadhg Moran, a worker at the plant.</p>\n<aside class=\"pullquote\"><p>“Without the late boat I "
            "would sleep in my car,” said Tadhg Moran, a worker at the plant.</p></aside>\n</article></body></html>\n")
    assert found(html, path="page.html") == []
    text = ("The operator had warned of losses. No one asked whether the island could manage without the late boat "
            "at all.\n\nThe council met on Wednesday.\n\nNo one asked whether the island could manage without the late "
            "boat at all.\n")
    assert found(text) == []


def test_headline_echo_under_the_headline_is_allowed():
    text = "Dunmore Keeps Its Night Ferry\n\nDunmore Keeps Its Night Ferry\n\n" + PARA + "\n"
    assert found(text) == []


def test_summary_section_detected_by_shape_not_heading_words():
    body = ("The night ferry to Inchkeel will keep running for two more years after councillors approved a subsidy.\n\n"
            "The subsidy of 180,000 euros covers the losses the operator reported outside the summer season.\n\n"
            "Shift workers at the fish plant said the crossing was their only way home after the evening shift.\n\n")
    section = ("Worth knowing\n\n"
               "  • Councillors approved a subsidy so the night ferry to Inchkeel keeps running for two more years.\n"
               "  • The 180,000 euro subsidy covers losses the operator reported outside the summer season.\n"
               "  • Shift workers said the crossing was their only way home after the evening shift.\n")
    result = lint_text(body + section, select=["DUP003", "DUP004"])
    got = [(f.code, f.line) for f in result.findings]
    assert got[0] == ("DUP003", 7)
    assert sorted(got[1:]) == [("DUP004", 9), ("DUP004", 10), ("DUP004", 11)]
    assert "lines 1, 3 and 5" in result.findings[0].message


def test_a_list_that_adds_information_is_not_a_summary():
    body = ("The night ferry to Inchkeel will keep running for two more years after councillors approved a subsidy.\n\n"
            "Timetable\n\n"
            "  • Monday to Thursday the last boat leaves Dunmore pier at eleven at night.\n"
            "  • On Fridays and Saturdays an extra sailing leaves at half past midnight.\n"
            "  • Sunday sailings stop at nine in the evening from October to March.\n")
    assert found(body, select=["DUP003", "DUP004"]) == []


def test_near_duplicate_search_scales_linearly():
    import time

    paras = [f"Paragraph {i} tells of boat number {i} which sailed from pier {i % 7} carrying {i * 3} crates today."
             for i in range(3000)]
    start = time.perf_counter()
    assert found("\n\n".join(paras), select=["DUP001"]) == []
    assert time.perf_counter() - start < 30  # a pairwise scan would take minutes


def test_a_meta_description_repeating_the_lede_is_not_a_duplicate():
    lede = "Dunmore councillors voted on Wednesday to keep the night ferry to Inchkeel running for two more years."
    md = f"---\ntitle: Ferry saved\ndescription: {lede}\n---\n\n{lede} The subsidy is 180,000 euros.\n"
    assert found(md, path="a.md") == []
    html = f'<html><head><meta name="description" content="{lede}"></head><body><p>{lede}</p></body></html>\n'
    assert found(html, path="a.html") == []


def test_a_top_line_pasted_twice_back_to_back_is_still_a_duplicate():
    text = "Crowds greet the night ferry at Dunmore pier\nCrowds greet the night ferry at Dunmore pier\n\n" + PARA + "\n"
    assert found(text) == [("DUP001", 2)]


def test_a_line_pasted_twice_inside_one_markdown_paragraph():
    md = "# Ferry\n\nCrowds greet the late boat.\nCrowds greet the late boat.\n\n" + PARA + "\n"
    assert found(md, path="a.md") == [("DUP001", 4)]


def test_a_sentence_repeated_within_one_paragraph():
    text = ("The late boat leaves Dunmore pier at eleven every night of the week. The crossing takes forty minutes. "
            "The late boat leaves Dunmore pier at eleven every night of the week.\n")
    result = lint_text(text, select=["DUP002"])
    assert [(f.line, f.column) for f in result.findings] == [(1, 104)]


# -- structured repetition on real pages (issue 10) ---------------------------------------------------------

def _dup_codes(text: str, path: str = "draft.md") -> list[tuple[str, int]]:
    from copydesk import lint_text

    return [(f.code, f.line) for f in lint_text(text, path=path, select=["duplication"]).findings]


def test_a_meal_plans_labels_are_a_template():
    days = []
    for day, meal in [("Monday", "Lentil soup with rye bread and a green salad"),
                      ("Tuesday", "Baked cod with new potatoes and peas from the garden"),
                      ("Wednesday", "Mushroom risotto with parmesan and a lemon dressing"),
                      ("Thursday", "Chickpea curry with brown rice and spinach on the side")]:
        days.append(f"## {day}\n\n{meal}.\n\nPortion: one bowl\n\nServes: four people\n")
    assert _dup_codes("# Four dinners for a cold week\n\n" + "\n".join(days)) == []


def test_a_tour_date_list_is_a_template():
    rows = [f"- {d} — {city}, Harbour Hall\n- Tickets on sale now" for d, city in
            [("3 May", "Kellby"), ("9 May", "Ostrand"), ("15 May", "Tessel"), ("21 May", "Hallby")]]
    assert _dup_codes("# The Low Tides on tour\n\n" + "\n".join(rows) + "\n") == []


def test_a_product_roundups_buy_box_is_a_template():
    items = []
    for name in ("Norrfjell Trail 40 rucksack", "Brask Summit stove", "Velt Aurora headlamp", "Pirin Ridge tent"):
        items.append(f"## {name}\n\nA short review of the {name}, tested on a week of walking in the hills.\n\n"
                     "Check price at the shop\n")
    assert _dup_codes("# Kit for a summer of walking\n\n" + "\n".join(items)) == []


def test_a_caption_pasted_three_times_in_a_row_is_one_finding_listing_its_lines():
    cap = "The Ostrand ferry leaves Kellby harbour for the last time."
    text = f"The ferry made its last crossing on Sunday.\n\n{cap}\n{cap}\n{cap}\n\nPassengers waved from the quay.\n"
    found = _dup_codes(text, path="draft.txt")
    from copydesk import lint_text

    msgs = [f.message for f in lint_text(text, select=["DUP001"]).findings]
    assert len(found) == 1 and "3 times in a row (lines 3, 4, 5)" in msgs[0]


def test_a_saved_pages_menu_labels_are_navigation_not_paste(tmp_path):
    page = ("<html><body><ul><li>News</li><li>News</li><li>Local</li></ul>\n<article><h1>Ferry to close</h1>\n"
            "<p>The council voted to close the Ostrand ferry at the end of the year.</p>\n"
            "<p>The council voted to close the Ostrand ferry at the end of the year.</p>\n</article></body></html>")
    codes = [c for c, _ in _dup_codes(page, path="page.html")]
    assert codes == ["DUP001"]  # the pasted paragraph; not the menu's "News" over "News"


def test_the_same_element_twice_on_one_line_of_a_saved_page_is_its_template(tmp_path):
    slide = "<figure><figcaption>The Ostrand ferry at dawn, seen from Kellby harbour wall</figcaption></figure>"
    page = ("<html><body><article><h1>Ferry to close</h1>\n<p>The council voted to close the ferry.</p>\n"
            + slide + slide + "\n</article></body></html>")
    assert _dup_codes(page, path="page.html") == []


def test_an_html_summary_box_is_found_as_in_plain_text():
    from copydesk import lint_text

    body = ["The Marrow Valley council voted on Tuesday to close the Ostrand ferry at the end of the year after "
            "eleven years of losses.",
            "Ferry staff have been offered jobs on the new bus route to Ostrand, the council said on Tuesday.",
            "Passengers will pay the same fare on the bus as on the ferry for the first two years."]
    items = ["The council voted on Tuesday to close the Ostrand ferry at the end of the year.",
             "Ferry staff have been offered jobs on the new bus route to Ostrand, the council said.",
             "Passengers will pay the same fare on the bus as on the ferry for two years."]
    page = ("<article><h1>Ostrand ferry to close</h1>\n" + "".join(f"<p>{p}</p>\n" for p in body)
            + "<h2>At a glance</h2>\n<ul>" + "".join(f"<li>{i}</li>\n" for i in items) + "</ul></article>\n")
    assert [f.code for f in lint_text(page, path="a.html", select=["DUP003"]).findings] == ["DUP003"]
