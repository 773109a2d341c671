"""HTML reader: a CMS fragment or a whole saved page, with the source position of every character."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from copydesk.document import Article, SourceMap, TextBuilder
from copydesk.readers.errors import ReaderError
from copydesk.readers.plain import BYLINE

BLOCK_TAGS = {
    "title": "title", "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "p": "paragraph", "figcaption": "caption", "li": "list_item", "dt": "line", "dd": "line",
    "td": "line", "th": "line", "caption": "caption", "address": "byline",
}
# Elements whose contents never reach a reader.
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "object", "select"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# Containers that are page furniture rather than the story, on a whole saved page.
FURNITURE_TAGS = {"nav", "header", "footer", "aside", "form"}
# Words in class or id names that mark furniture ("social-share-buttons", "newsletterSignup", "ad-slot").
FURNITURE_WORDS = frozenset("""
share sharing sharebar social related recommended recommendations recommend newsletter newsletters subscribe
subscription signup cookie cookies consent gdpr comment comments commentlist disqus promo advert adverts
advertisement ads ad sponsor
sponsored breadcrumb breadcrumbs menu navbar nav footer header masthead sidebar widget widgets popular trending
paywall banner toolbar outbrain taboola topbar
""".split())
NAME_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
PULLQUOTE = re.compile(r"pull-?quote|pullout|pull_quote", re.I)
# Text no reader sees: screen-reader-only labels ("(opens in new tab)"), elements hidden by attribute or inline
# style, and decorative copies marked aria-hidden. Kept as blocks (nothing is lost) but marked, so the
# duplicate rules do not read a caption's hidden copy or a link's spoken label as a paste.
HIDDEN_CLASS = re.compile(r"(?<![\w-])(?:sr-only|sr-text|visually-?hidden|visuallyhidden|screen-?reader(?:-\w+)*|"
                          r"a11y(?:-\w+)*|offscreen|element-invisible|hide-text|u-hidden|is-hidden)(?![\w-])", re.I)
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# A copy of the page shown to one kind of screen only ("g-desktop-only", "hide-on-mobile", "visible-xs"):
# a page carries the desktop and the mobile version of the same passage, and a reader sees one.
DEVICE_CLASS = re.compile(r"(?<![a-z])(mobile|desktop|tablet|handheld|phone|small-screen|large-screen)(?![a-z])|"
                          r"(?<![\w-])(?:visible|hidden|d-none)-(xs|sm|md|lg|xl)\b", re.I)
MEDIA_TAGS = {"img", "picture", "video", "iframe", "svg", "audio", "embed", "object", "source"}
# Inline-level elements that still start a new line inside a block (a list item's <p>s).
BREAK_TAGS = {"p", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "address"}
# Elements that end a run of loose text (text not inside any block element).
CONTAINER_TAGS = {"div", "section", "blockquote", "figure", "ul", "ol", "table", "tr", "header", "footer", "nav",
                  "aside", "form", "article", "main", "body", "html"}
META_KINDS = {"description": "dek", "og:description": "dek", "twitter:description": "dek", "author": "byline",
              "keywords": "tags", "news_keywords": "tags", "article:tag": "tags"}
WS = re.compile(r"\s+")
DATE_META = ("article:published_time", "og:published_time", "article:modified_time", "date", "pubdate",
             "publish_date", "dc.date", "sailthru.date", "parsely-pub-date", "datepublished")


class _Reader(HTMLParser):
    def __init__(self, article: Article, has_main: bool):
        super().__init__(convert_charrefs=False)
        self.has_main = has_main  # the page marks its story with <article>/<main>: text outside is furniture
        self.article = article
        self.src = article.source
        self.stack: list[tuple[str, str | None]] = []  # (tag, furniture label or None)
        self.region_ids: list[int] = []  # element number of each open element, parallel to stack
        self.element_count = 0
        self.skip_depth = 0
        self.current: tuple | None = None  # (tag, level, builder, region, kind, tag offset, tag length)
        self.code_at: list[int] = []  # where each open <code> began in the current block's text
        self.loose: TextBuilder | None = None  # text outside any block element (a <div>, <span>...)
        self.loose_region: tuple[str, int] | None = None
        self.quote_depth = 0
        self.saw_body = False
        self.main_depth = 0
        self.main_tags: list[int] = []  # stack depths of the open <article>/<main> elements
        self.pull_depth_at: list[int] = []  # stack depths of open pull-quote elements
        self.figures: list[dict] = []  # open <figure>s: whether they hold media, and their captions
        self.hidden_at: list[int] = []  # stack depths of open elements no reader sees (HIDDEN_CLASS...)
        self.device_at: list[tuple[int, str]] = []  # stack depths of open one-screen-only elements, and which
        self.loose_hidden: tuple[bool, str | None] = (False, None)

    # -- positions --------------------------------------------------------------------------
    def _offset(self) -> int:
        line, col = self.getpos()
        return self.src.line_starts[line - 1] + col

    def _region(self) -> tuple[str, int] | None:
        """The outermost furniture element around here, as (label, element number): a nav inside a
        site header is one region."""
        for depth, (tag, label) in enumerate(self.stack):
            if label:
                return label, self.region_ids[depth]
        return None

    # -- text ---------------------------------------------------------------------------------
    def _target(self) -> TextBuilder:
        if self.current:
            return self.current[2]
        if self.loose is None:
            self.loose = TextBuilder()
            self.loose_region = self._region()
            self.loose_hidden = self._visibility()
        return self.loose

    def _line_break(self) -> None:
        """Where the block's text breaks onto a new line in a browser (a <br>, a <div> inside it): the next
        word starts a line, whatever the sentence splitter makes of it (a lyric, a card's title and blurb)."""
        if self.current:
            self.current[2].breaks.append(self.current[2].length)
        elif self.loose is not None:
            self.loose.breaks.append(self.loose.length)

    def _visibility(self) -> tuple[bool, str | None]:
        """(hidden from every reader, the one kind of screen it shows on) for text starting here."""
        return bool(self.hidden_at), (self.device_at[-1][1] if self.device_at else None)

    @staticmethod
    def _hides(attrs: dict) -> bool:
        return ("hidden" in attrs or attrs.get("aria-hidden", "").strip().lower() == "true"
                or bool(HIDDEN_STYLE.search(attrs.get("style", ""))) or bool(HIDDEN_CLASS.search(attrs.get("class", ""))))

    def _add_text(self, data: str, start: int) -> None:
        if self.skip_depth or not data:
            return
        if not self.current and self.loose is None and not data.strip():
            return  # whitespace between elements is not text
        target = self._target()
        pos = 0
        for m in WS.finditer(data):
            if m.start() > pos:
                target.add(data[pos:m.start()], start + pos)
            if not target.parts or not target.parts[-1].endswith(" "):
                target.add(" ", start + m.start(), m.end() - m.start())
            pos = m.end()
        if pos < len(data):
            target.add(data[pos:], start + pos)

    def handle_data(self, data: str) -> None:
        self._add_text(data, self._offset())

    def _add_ref(self, text: str) -> None:
        if self.skip_depth:
            return
        start = self._offset()
        raw = self.src.text
        end = raw.find(";", start, start + 40)
        length = (end + 1 - start) if end >= 0 else len(self.get_starttag_text() or "&")
        self._target().add(text, start, max(1, length))

    def handle_entityref(self, name: str) -> None:
        self._add_ref(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self._add_ref(html.unescape(f"&#{name};"))

    # -- structure ------------------------------------------------------------------------------
    def _furniture_label(self, tag: str, attrs: dict) -> str | None:
        """Why this element is page furniture, or None. Inside <article>/<main>, only nav, forms and
        class/id names count: a story's own <header>, <footer> or <aside> (a pull quote) is content."""
        if tag in ("nav", "form") or (tag in FURNITURE_TAGS and not self.main_depth):
            return tag
        role = (attrs.get("role") or "").lower()
        if role in ("navigation", "banner", "contentinfo", "complementary", "search") and not self.main_depth:
            return role
        names = " ".join(filter(None, [attrs.get("class"), attrs.get("id")]))
        return next((w for w in (t.lower() for t in NAME_WORD.findall(names)) if w in FURNITURE_WORDS), None)

    def handle_starttag(self, tag: str, attrs_list) -> None:
        attrs = {k: (v or "") for k, v in attrs_list}
        if tag == "body":
            self.saw_body = True
        if tag == "html" and attrs.get("lang", "").strip():
            self.article.meta.setdefault("lang", attrs["lang"].strip())
        if tag == "meta":
            self._meta(attrs)
            return
        if tag in MEDIA_TAGS and self.figures:
            self.figures[-1]["media"] = True
        if tag in VOID_TAGS:
            if tag == "br":
                self._add_text(" ", self._offset())
                self._line_break()
            return
        if tag in SKIP_TAGS:
            self.skip_depth += 1
            self.stack.append((tag, None))
            self.region_ids.append(-1)
            return
        label = self._furniture_label(tag, attrs)
        if PULLQUOTE.search(" ".join(filter(None, [attrs.get("class"), attrs.get("id")]))):
            self.pull_depth_at.append(len(self.stack))
        if tag in ("article", "main") or attrs.get("role") == "main":
            self.main_depth += 1
            self.main_tags.append(len(self.stack))
        if self._hides(attrs):
            self.hidden_at.append(len(self.stack))
        device = DEVICE_CLASS.search(attrs.get("class", ""))
        if device:
            self.device_at.append((len(self.stack), (device.group(1) or device.group(2)).lower()))
        self.stack.append((tag, label))
        self.region_ids.append(self.element_count)
        self.element_count += 1
        if tag == "figure":
            self.figures.append({"media": False, "captions": []})
        if tag == "blockquote":
            self.quote_depth += 1
        if tag in ("code", "kbd", "samp") and self.current:
            self.code_at.append(self.current[2].length)  # inline code is not prose: the house rules skip it
        if label or tag in BLOCK_TAGS or tag in CONTAINER_TAGS:
            self._flush_loose()
        if tag in CONTAINER_TAGS or tag in BREAK_TAGS:
            self._line_break()  # a <div> inside a list item starts a new line of it
        if tag in BLOCK_TAGS:
            self._flush_current()  # nested block elements: the inner one starts a new block
            kind = BLOCK_TAGS[tag]
            if kind == "paragraph" and self.quote_depth:
                kind = "quote"
            level = int(tag[1]) if kind == "heading" else 0
            self.current = (tag, level, TextBuilder(), self._region(), kind, self._offset(),
                            len(self.get_starttag_text() or ""), self._visibility())

    def handle_startendtag(self, tag, attrs_list) -> None:
        self.handle_starttag(tag, attrs_list)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if not any(t == tag for t, _ in self.stack):
            return  # a stray closing tag; browsers ignore it too
        while self.stack:
            open_tag, _ = self.stack.pop()
            self.region_ids.pop()
            if open_tag in SKIP_TAGS:
                self.skip_depth -= 1
            if open_tag == "blockquote":
                self.quote_depth -= 1
            if open_tag in ("code", "kbd", "samp") and self.code_at and self.current:
                builder = self.current[2]
                builder.code.append((min(self.code_at.pop(), builder.length), builder.length))
            if self.pull_depth_at and self.pull_depth_at[-1] == len(self.stack):
                self.pull_depth_at.pop()
            if self.hidden_at and self.hidden_at[-1] == len(self.stack):
                self.hidden_at.pop()
            if self.device_at and self.device_at[-1][0] == len(self.stack):
                self.device_at.pop()
            if self.main_tags and self.main_tags[-1] == len(self.stack):
                self.main_tags.pop()
                self.main_depth -= 1
            if open_tag == "figure" and self.figures:
                figure = self.figures.pop()
                for block in figure["captions"]:
                    block.attrs["figure_has_media"] = figure["media"]
            if self.current and open_tag == self.current[0]:
                self._flush_current()
            if open_tag == tag:
                break
        if tag in CONTAINER_TAGS or tag in FURNITURE_TAGS:
            self._flush_loose()
        if tag in CONTAINER_TAGS or tag in BREAK_TAGS:
            self._line_break()

    def _flush_current(self) -> None:
        if not self.current:
            return
        tag, level, builder, region, kind, tag_at, tag_len, visibility = self.current
        self.current = None
        self.code_at.clear()
        text, smap = builder.stripped()
        if not text and kind != "list_item":
            return
        if kind == "paragraph" and BYLINE.match(text):
            kind = "byline"
        if not text:  # an empty list item: point at its tag, so structure rules can report it
            smap = SourceMap()
            smap.add(0, 0, tag_at, max(1, tag_len))
        if region is None and self.has_main and not self.main_depth and kind != "title":
            region = ("outside-article", -1)  # a whole page's body text outside its <article>/<main>
        block = self.article.add_block(kind, text, smap, heading_level=level, region=region and region[0],
                                       origin="meta" if kind == "title" else "body")
        if region:
            block.attrs["region_id"] = region[1]
        if self.pull_depth_at:
            block.attrs["pullquote"] = True
        _mark_visibility(block, visibility)
        if tag in ("td", "th"):
            block.attrs["table_cell"] = True  # data, not prose or furniture
        _mark_breaks(block, builder)
        if builder.code:
            raw = builder.text()
            lead = len(raw) - len(raw.lstrip())
            block.attrs["code_spans"] = [(max(0, a - lead), max(0, b - lead)) for a, b in builder.code]
        if tag == "figcaption":
            if self.figures:
                self.figures[-1]["captions"].append(block)
            else:
                block.attrs["figure_has_media"] = False  # a figcaption outside any <figure>

    def _flush_loose(self) -> None:
        if self.loose is None:
            return
        builder, region = self.loose, self.loose_region
        self.loose = None
        text, smap = builder.stripped()
        if region is None and self.has_main and not self.main_depth:
            region = ("outside-article", -1)
        if text:
            block = self.article.add_block("line", text, smap, region=region and region[0])
            if region:
                block.attrs["region_id"] = region[1]
            _mark_visibility(block, self.loose_hidden)
            _mark_breaks(block, builder)

    def _meta(self, attrs: dict) -> None:
        key = (attrs.get("name") or attrs.get("property") or "").lower()
        kind = META_KINDS.get(key)
        content = attrs.get("content", "")
        if key in DATE_META and content.strip():
            self.article.meta.setdefault(key, html.unescape(content).strip())  # dates the article (dates.py)
        if key in ("article:section", "article:opinion", "genre", "section", "og:type") and content.strip():
            # The page's own genre ("Opinion", "Reviews") decides how neutrality rules treat it.
            self.article.meta.setdefault(key, html.unescape(content).strip())
        if not kind or not content.strip() or any(b.kind == kind and b.origin == "meta" for b in self.article.blocks):
            return
        start = self._offset()
        tag_text = self.get_starttag_text() or ""
        value = html.unescape(content).strip()
        builder = TextBuilder()
        where = tag_text.find(content)
        builder.add(value, start + max(0, where), len(content) if where >= 0 else len(tag_text))
        text, smap = builder.stripped()
        if kind == "tags":
            self.article.meta["tags"] = [t.strip() for t in value.split(",") if t.strip()]
        self.article.add_block(kind, text, smap, origin="meta")

    def close(self) -> None:
        super().close()
        self._flush_current()
        self._flush_loose()


def _mark_breaks(block, builder: TextBuilder) -> None:
    if builder.breaks:
        raw = builder.text()
        lead = len(raw) - len(raw.lstrip())
        block.attrs["line_breaks"] = sorted({max(0, at - lead) for at in builder.breaks if 0 < at - lead < len(block.text)})


def _mark_visibility(block, visibility: tuple[bool, str | None]) -> None:
    hidden, device = visibility
    if hidden:
        block.attrs["hidden"] = True
    if device:
        block.attrs["device"] = device


# When more than this share of a page's words sits in hidden elements, the marks are the state the page was
# saved in (a modal open over an aria-hidden story), not text kept from readers: they are dropped.
HIDDEN_SHARE_LIMIT = 0.5


def _unmark_saved_state(article: Article) -> None:
    words = [(len(b.text.split()), b) for b in article.blocks if b.in_body]
    total = sum(n for n, _ in words)
    hidden = sum(n for n, b in words if b.attrs.get("hidden"))
    if total and hidden / total > HIDDEN_SHARE_LIMIT:
        for _, b in words:
            b.attrs.pop("hidden", None)


HAS_MAIN = re.compile(r"<(?:article|main)\b|\brole\s*=\s*[\"']?main\b", re.I)
# Where a browser stops reading markup: a comment, or an element whose content is raw text (a script
# holding "<!--" or "<style>" in a string is still script), up to its own end.
_RAW_OPEN = re.compile(r"<!--|<(script|style|textarea|title|xmp)\b[^>]*>", re.I)
_RAW_CLOSE = {tag: re.compile(rf"</{tag}[\s/>]", re.I) for tag in ("script", "style", "textarea", "title", "xmp")}


def hidden_tail(text: str) -> tuple[int, str] | None:
    """Where a comment or raw-text element that is never closed starts, if one is: a browser shows nothing
    after it. Scanned as a browser's tokenizer does, so markup inside a script's strings is script."""
    pos = 0
    while True:
        m = _RAW_OPEN.search(text, pos)
        if m is None:
            return None
        if m.group(0) == "<!--":
            end = text.find("-->", m.end())
            if end < 0:
                return m.start(), "comment"
            pos = end + 3
            continue
        tag = m.group(1).lower()
        close = _RAW_CLOSE[tag].search(text, m.end())
        if close is None:
            return m.start(), f"<{tag}> element"
        pos = close.end()


def read_html(article: Article) -> None:
    text = article.source.text
    hidden = hidden_tail(text)
    if hidden:
        # A browser renders the page up to there and shows nothing after it: so do we, and say where.
        at, what = hidden
        line = article.source.position(at)[0]
        article.notices.append(f"malformed HTML: an unclosed {what} on line {line} hides the rest of the file "
                               f"(as in a browser); read up to there")
        text = text[:at]
    reader = _Reader(article, bool(HAS_MAIN.search(text)))
    try:
        reader.feed(text)
        reader.close()
    except (AssertionError, ValueError, IndexError) as exc:  # html.parser's own failures
        raise ReaderError(f"malformed HTML: {exc}") from None
    if reader.rawdata.strip():
        line = article.source.position(len(text) - len(reader.rawdata))[0]
        article.notices.append(f"malformed HTML: markup left open on line {line}; the text after it was not read")
    article.whole_page = reader.saw_body
    _unmark_saved_state(article)
    title = next((b for b in article.blocks if b.kind == "title"), None)
    if title:
        article.meta.setdefault("title", title.text)
