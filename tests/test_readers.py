"""Readers: blocks, kinds and exact source positions for plain text, Markdown with front matter, and HTML."""

from __future__ import annotations

import pytest

from copydesk.readers import BinaryFile, ReaderError, decode, parse_text, read_article


def block_source(article, block) -> str:
    """The source text a whole block maps to."""
    s = block.map.to_source(0)
    e = block.map.to_source(len(block.text), end=True)
    return article.source.text[s:e]


def kinds(article):
    return [(b.kind, b.text) for b in article.blocks]


def test_plain_text_paragraphs_lines_and_bullets():
    text = ("Skip the queue\n\nThe ferry to Osterby resumed on Monday.\nThe ferry to Osterby resumed on Monday.\n\n"
            "  • Osterby\n  • *\n- Harbour\n\nA long paragraph that was hard-wrapped by the reporter's editor at\n"
            "about seventy characters so it runs over more than one line in\nthe file.\n")
    a = parse_text(text, "a.txt", "txt")
    assert kinds(a) == [
        ("line", "Skip the queue"),
        ("paragraph", "The ferry to Osterby resumed on Monday."),
        ("paragraph", "The ferry to Osterby resumed on Monday."),
        ("list_item", "Osterby"),
        ("list_item", "*"),
        ("list_item", "Harbour"),
        ("paragraph", "A long paragraph that was hard-wrapped by the reporter's editor at about seventy characters "
                      "so it runs over more than one line in the file."),
    ]
    assert [b.start_line for b in a.blocks] == [1, 3, 4, 6, 7, 8, 10]
    assert a.blocks[-1].end_line == 12
    assert a.blocks[3].marker == "•"
    # a word on the wrapped paragraph's second line maps back to that line and column
    para = a.blocks[-1]
    at = para.text.index("seventy")
    assert a.span_position(para, at, at + len("seventy")) == (11, 7, 11, 14)


def test_empty_bullet_keeps_a_position():
    a = parse_text("Intro line here today.\n\n  •\n", "a.txt", "txt")
    item = a.blocks[-1]
    assert item.kind == "list_item" and item.text == ""
    assert a.span_position(item, 0, 0)[:2] == (3, 3)


def test_markdown_front_matter_and_blocks():
    text = """---
title: "Tram line reaches Velden"
description: The first tram in forty years ran on Sunday.
author: Mira Holt
date: 2026-03-01
tags: [Velden, Transport]
image:
  caption: The tram at Velden station.
---

# Tram line reaches Velden

The first **tram** in forty years ran on [Sunday](https://example.org/x), carrying 300 people.

- Velden
- Transport
-

> "It feels like the town woke up," said Ada Kern.

![The tram at Velden station](tram.jpg)

*Photo: Ravi Dunn*
*Photo: Ravi Dunn*

<!-- copydesk: disable-file -->
"""
    a = parse_text(text, "a.md", "md")
    got = kinds(a)
    assert ("title", "Tram line reaches Velden") in got
    assert ("dek", "The first tram in forty years ran on Sunday.") in got
    assert ("byline", "Mira Holt") in got
    assert ("caption", "The tram at Velden station.") in got
    assert a.meta["tags"] == ["Velden", "Transport"]
    assert a.meta["date"] == "2026-03-01"
    body = [(b.kind, b.text) for b in a.body]
    assert body == [
        ("heading", "Tram line reaches Velden"),
        ("paragraph", "The first tram in forty years ran on Sunday, carrying 300 people."),
        ("list_item", "Velden"),
        ("list_item", "Transport"),
        ("list_item", ""),
        ("quote", '"It feels like the town woke up," said Ada Kern.'),
        ("caption", "The tram at Velden station"),
        ("caption", "Photo: Ravi Dunn"),
        ("caption", "Photo: Ravi Dunn"),
    ]
    para = a.body[1]
    assert para.start_line == 13
    at = para.text.index("Sunday")
    line, col, end_line, end_col = a.span_position(para, at, at + 6)
    assert a.source.line_text(line)[col - 1:end_col - 1] == "Sunday"
    at = para.text.index("tram")
    line, col, _, end_col = a.span_position(para, at, at + 4)
    assert (line, a.source.line_text(line)[col - 1:end_col - 1]) == (13, "tram")
    assert [b.start_line for b in a.body[-2:]] == [23, 24]
    title = next(b for b in a.blocks if b.kind == "title")
    assert block_source(a, title) == "Tram line reaches Velden"
    assert title.start_line == 2 and not title.in_body


@pytest.mark.parametrize("front, message", [
    ("---\ntitle: [unclosed\n---\nBody text here.\n", "malformed front matter on line 2"),
    ("---\ntitle: Fine\nBody never closes the block\n", "has no closing '---'"),
    ("---\n- just\n- a list\n---\nBody.\n", "expected 'key: value' pairs"),
])
def test_malformed_front_matter_is_a_clear_error(front, message):
    with pytest.raises(ReaderError, match="malformed front matter") as err:
        parse_text(front, "a.md", "md")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_html_fragment_and_whole_page_positions():
    page = """<!DOCTYPE html>
<html><head><title>Bakery wins prize</title>
<meta name="description" content="A Lindholm bakery won the national bread prize.">
<meta name="keywords" content="Lindholm, Baking">
<script>var x = "<p>not text</p>";</script><style>p { color: red }</style></head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Bakery wins &amp; celebrates</h1>
<p>The Rye &amp; Crumb bakery   in
Lindholm won the prize on Friday.</p>
<figure><img src="a.jpg"><figcaption>Owner Sanna Berg with the loaf.</figcaption></figure>
<blockquote><p>We never expected this.</p></blockquote>
<ul><li>Lindholm</li><li></li></ul>
<div class="share-tools">Share this article</div>
</article>
<footer><p>Copyright Lindholm Gazette</p></footer>
</body></html>
"""
    a = parse_text(page, "a.html", "html")
    assert a.whole_page
    assert a.meta["tags"] == ["Lindholm", "Baking"]
    got = kinds(a)
    assert ("title", "Bakery wins prize") in got
    assert ("dek", "A Lindholm bakery won the national bread prize.") in got
    assert all("not text" not in t and "color" not in t for _, t in got)
    body = {b.text: b for b in a.body}
    assert body["Home News"].region == "nav"
    assert body["Bakery wins & celebrates"].kind == "heading"
    para = body["The Rye & Crumb bakery in Lindholm won the prize on Friday."]
    assert para.kind == "paragraph" and para.start_line == 10 and para.end_line == 11
    at = para.text.index("Lindholm")
    assert a.span_position(para, at, at + 8) == (11, 1, 11, 9)
    amp = para.text.index("&")
    line, col, end_line, end_col = a.span_position(para, amp, amp + 1)
    assert a.source.line_text(line)[col - 1:end_col - 1] == "&amp;"
    assert body["Owner Sanna Berg with the loaf."].kind == "caption"
    assert body["We never expected this."].kind == "quote"
    assert body["Share this article"].region == "share"
    assert body["Copyright Lindholm Gazette"].region == "footer"
    empty = [b for b in a.body if b.kind == "list_item" and not b.text]
    assert len(empty) == 1 and a.span_position(empty[0], 0, 0)[:2] == (14, 22)


@pytest.mark.parametrize("page, what", [
    ("<p>One</p>\n<!-- a comment that never ends\n<p>Two</p>\n", "unclosed comment on line 2"),
    ("<p>One</p>\n<script>\nvar a = 1;\n<p>Two</p>\n", "unclosed <script> element on line 2"),
])
def test_an_unclosed_comment_or_script_hides_the_rest_as_in_a_browser(page, what):
    a = parse_text(page, "a.html", "html")
    assert [b.text for b in a.blocks] == ["One"]  # what a browser shows
    assert any(what in n and "malformed HTML" in n for n in a.notices)


def test_markup_inside_a_scripts_strings_is_script():
    page = ("<html><body><script>var s = \"<style>\" + '<!--' + \"<script>\";</script>\n"
            "<p>The ferry sails at six.</p>\n<style>p::before { content: '<!--'; }</style>\n<p>Fares are unchanged.</p>\n"
            "</body></html>\n")
    a = parse_text(page, "a.html", "html")
    assert [b.text for b in a.body] == ["The ferry sails at six.", "Fares are unchanged."]
    assert not a.notices


@pytest.mark.parametrize("declaration", [
    '<meta charset="iso-8859-1">',
    '<meta charset=windows-1252>',
    '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">',
])
def test_a_page_in_a_declared_legacy_encoding_reads_cleanly(declaration):
    page = f"<html><head>{declaration}</head><body><p>Café on the Königsallee – “open” again</p></body></html>"
    a = read_article("a.html", page.encode("cp1252"))
    assert [b.text for b in a.body] == ["Café on the Königsallee – “open” again"]
    assert not a.notices


def test_an_undeclared_page_that_is_not_utf8_is_read_as_windows_1252():
    a = read_article("a.html", "<p>Caf\u00e9 cr\u00e8me</p>".encode("cp1252"))
    assert [b.text for b in a.body] == ["Café crème"] and not a.notices


def test_a_utf8_page_declaring_utf8_and_a_bom_win():
    assert [b.text for b in read_article("a.html", '<meta charset="utf-8"><p>Köln</p>'.encode()).body] == ["Köln"]
    a = read_article("a.html", b"\xef\xbb\xbf" + '<meta charset="iso-8859-1"><p>Köln</p>'.encode())
    assert [b.text for b in a.body] == ["Köln"]


def test_a_markdown_draft_declaring_its_encoding_in_front_matter():
    draft = "---\ntitle: Caf\u00e9\nencoding: windows-1252\n---\nThe caf\u00e9 reopened.\n".encode("cp1252")
    a = read_article("a.md", draft)
    assert [b.text for b in a.body] == ["The café reopened."] and not a.notices
    undeclared = read_article("a.md", "The caf\u00e9 reopened.\n".encode("cp1252"))
    assert any("not valid UTF-8" in n and "encoding:" in n for n in undeclared.notices)


def test_lenient_html_still_reads():
    a = parse_text("<p>First paragraph here\n<p>Second one</b></i>\n<li>item", "a.html", "html")
    assert [b.text for b in a.blocks] == ["First paragraph here", "Second one", "item"]
    assert not a.whole_page


def test_quotes_are_found_in_blocks():
    a = parse_text('The mayor said “we will rebuild” and left. He added "soon".\n', "a.txt", "txt")
    b = a.blocks[0]
    assert [b.text[s:e] for s, e in b.quotes] == ["“we will rebuild”", '"soon"']
    assert b.in_quote(b.text.index("rebuild"))
    assert not b.in_quote(b.text.index("mayor"))


def test_decoding_boms_binary_and_bad_bytes():
    assert decode("\ufeffHello".encode("utf-8"))[0] == "Hello"
    assert decode("Grüße aus Köln".encode("utf-16"))[0] == "Grüße aus Köln"
    with pytest.raises(BinaryFile):
        decode(b"PK\x03\x04\x00\x00binary")
    text, notices = decode(b"caf\xe9 au lait\nline two\n")
    assert text.startswith("caf\ufffd au lait")
    assert "not valid UTF-8" in notices[0] and "line 1" in notices[0]


def test_size_limit():
    with pytest.raises(ReaderError, match="over the 10-byte limit"):
        read_article("a.txt", b"x" * 11, max_bytes=10)


def test_raw_html_inside_markdown_is_read_with_positions():
    text = ("# Ferry saved\n\nThe night ferry will keep running.\n\n<div class=\"newsletter-box\">\n"
            "<p>Get the Herald every morning</p>\n</div>\n\n<figure><figcaption>The pier at dawn.</figcaption></figure>\n")
    a = parse_text(text, "a.md", "md")
    box = next(b for b in a.blocks if b.text == "Get the Herald every morning")
    assert box.region == "newsletter" and box.start_line == 6
    assert block_source(a, box) == "Get the Herald every morning"
    caption = next(b for b in a.blocks if b.kind == "caption")
    assert caption.attrs["figure_has_media"] is False and block_source(a, caption) == "The pier at dawn."


@pytest.mark.parametrize("fmt, text", [
    ("txt", "Intro line of the story here.\r\n\r\nThe ferry sails at nine tonight.\r\n"),
    ("md", "# Intro\r\n\r\nThe ferry sails at *nine* tonight.\r\n"),
    ("html", "<h1>Intro</h1>\r\n<p>The ferry sails\r\nat nine tonight.</p>\r\n"),
])
def test_windows_line_endings_keep_positions(fmt, text):
    a = parse_text(text, f"a.{fmt}", fmt)
    block = next(b for b in a.blocks if "nine" in b.text)
    at = block.text.index("nine")
    line, col, end_line, end_col = a.span_position(block, at, at + 4)
    assert a.source.line_text(line)[col - 1:end_col - 1] == "nine"
    assert line == {"txt": 3, "md": 3, "html": 3}[fmt]


@pytest.mark.parametrize("fmt, text", [
    ("txt", "Ferry saved\n\nBy Orla Finnegan\n\nBy the river, the old mill stood empty.\n"),
    ("md", "# Ferry saved\n\nBy Orla Finnegan\n\nBy the river, the old mill stood empty.\n"),
    ("html", "<h1>Ferry saved</h1><p>By Orla Finnegan</p><p>By the river, the old mill stood empty.</p>"),
])
def test_bylines_are_their_own_kind(fmt, text):
    a = parse_text(text, f"a.{fmt}", fmt)
    assert [b.kind for b in a.body][1:] == ["byline", "paragraph"]


def test_readers_comments_are_page_furniture_and_inline_code_is_marked():
    page = ("<html><body><article><h1>Ferry back</h1><p>The ferry sailed at <code>06:30</code>.</p></article>"
            "<div class=\"comment-content\"><p>Great news! So happy!</p></div></body></html>")
    a = parse_text(page, "p.html", "html")
    body = {b.text: b for b in a.blocks}
    assert body["Great news! So happy!"].region == "comment"
    sailed = body["The ferry sailed at 06:30."]
    assert [sailed.text[x:y] for x, y in sailed.attrs["code_spans"]] == ["06:30"]
