"""Boilerplate kinds: page furniture (navigation, widgets, prompts) left in a draft."""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding, whole_lines
from copydesk.framework import Option, kind
from copydesk.kinds.text import clip, fold, word_count

# Words that, on a short line, belong to a site's interface rather than to a story. Strong words
# are interface-only; weak ones are ordinary words that interfaces lean on.
STRONG = frozenset("""
subscribe subscriber subscribers subscription subscriptions unsubscribe newsletter newsletters cookie cookies
login logout signup username password menu navigation sidebar advertisement advertisements advert adverts
ads sponsored promoted comments comment whatsapp facebook twitter instagram linkedin pinterest reddit tiktok
youtube telegram rss inbox app apps podcast podcasts notifications bookmark bookmarks permalink enlarge fullscreen
homepage tweet retweet share shares sharing print email e-mail trending recommended related latest popular skip
privacy copyright consent feedback sitemap loading click tap swipe scroll download advertising advertise viewed
picks gallery slideshow accessibility reply replies
""".split())
# Ordinary words interface text leans on; not prose verbs like "support" or "join", so that a subhead
# such as "Popular support" is not mistaken for a widget.
WEAK = frozenset("""
read more also watch listen view see show hide next previous prev back top home search video videos photo
photos stories articles article story page site website ad our us this the your you to for of on in and or a an
with by via from content main policy terms conditions contact about news continue continues reading most load
link links alerts account register below above paid partner rights reserved all now up notice statement service
editor's editors might like are closed shared coverage full
""".split())
# A bare imperative at the start of a short line is an interface action when its object is an
# interface thing ("Join the conversation", "Copy link", "Manage cookies"), not when it is a
# headline's ("Follow the money", "Watch this space").
IMPERATIVES = frozenset("""
join get download follow sign subscribe support donate listen watch read click tap share email print like register
try save bookmark log open load see view discover explore continue don't dont copy report send manage create
become leave show gift accept reject allow enable disable
""".split())
UI_OBJECTS = frozenset("""
conversation discussion link error tip tips cookies cookie account member membership journalism browser more later
article story stories reply comment comments newsletter newsletters app alerts notifications settings preferences
gallery video photos page site us our here free full instagram twitter facebook whatsapp linkedin tiktok youtube
email inbox subscription subscriber updates podcast
""".split())
DEICTIC = re.compile(r"\b(?:our|us|this (?:article|story|page|post|video)|(?:the|our)\b[\w ]{0,30}\bapp|your inbox|"
                     r"newsletter|alerts?)\b", re.I)
# Two-word interface verbs: "sign" or "log" alone are ordinary words ("Sign of the times").
# Widget labels made of ordinary words ("Top stories", "Up next") count as interface wording too.
UI_PHRASES = re.compile(r"\b(?:sign|log|opt)[ -](?:in|up|out|on)\b|\bdon[’']?t miss\b|@\w{2,}|"
                        r"\b(?:top|more|next|previous|other|similar|recent|further)\s+(?:stories|articles|posts|videos|"
                        r"galleries|headlines|reads?)\b|\b(?:up|read|watch) next\b|\bkeep reading\b|\bjump to\b", re.I)
SPONSOR = re.compile(r"^(?:sponsored|presented|brought to you|paid for|supported|powered) by\b", re.I)
NAV_SEPARATORS = re.compile(r"\s[|»›>·•]\s|\s/\s")
LINKY = re.compile(r"https?://|www\.|[»›→]\s*$|^\s*[«‹←]")
PROSE_END = re.compile(r"[.!?][\"”’')]*$")
TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _furniture_score(block: Block, judge_max_words: int) -> tuple[float, str]:
    """How much a short block looks like interface text, 0-1, and why."""
    text = block.text.strip()
    toks = [t.casefold() for t in TOKEN.findall(text)]
    if not toks:
        return 0.0, ""
    n = len(toks)
    phrases = len(UI_PHRASES.findall(text))
    strong = sum(t in STRONG for t in toks) + phrases
    ui = min(n, sum(t in STRONG or t in WEAK for t in toks) + 2 * phrases)
    label_end = text.endswith((":", "»", "›", "→", ">", "..."))
    prose = PROSE_END.search(text) is not None and n >= 5
    imperative = toks[0] in IMPERATIVES and n <= 10 and (
        DEICTIC.search(text) is not None or (n <= 6 and any(t in UI_OBJECTS for t in toks[1:])) or phrases > 0)
    nav = len(NAV_SEPARATORS.findall(text)) >= 2 and all(word_count(p) <= 3 for p in re.split(r"[|»›>·•/]", text))
    if imperative or (phrases and n <= 3):
        return 0.8, "an invitation to readers"
    if SPONSOR.match(text) and n <= 8:
        return 0.8, "a sponsor line"
    if n > judge_max_words:
        return 0.0, ""
    if nav:
        return 0.8, "a navigation trail"
    if prose:
        return 0.0, ""
    if ui == n and (strong or label_end):
        return 0.85 if strong else 0.7, "interface wording"
    if ui / n >= 0.75 and strong:
        return 0.6, "interface wording"
    if ui == n:  # only words interfaces lean on ("Top stories"): furniture only at an edge, among furniture
        return 0.6, "interface wording"
    return 0.0, ""


# Affiliate disclosures and shop boxes: "we may earn a commission", "affiliate link", "$49.99 at Brask".
COMMISSION = re.compile(r"\b(?:we|i|this site|the publisher) (?:may )?(?:earn|receive|get) (?:a )?(?:small )?"
                        r"(?:commission|fee|share of sales)|\baffiliate links?\b|"
                        r"^\W*[$£€]\s?\d[\d.,]*\s+(?:at|from|on)\s+\S", re.I)


@kind(
    "page_furniture",
    options={
        "phrases": Option("list[str]", [], "whole lines that are page furniture (compared folded)"),
        "prefixes": Option("list[str]", [], "line openings that are page furniture (`Read also: ...`)"),
        "max_words": Option("int", 12, "longer blocks are prose, never furniture", min=1),
        "judge_max_words": Option("int", 8, "unlisted lines are judged only up to this many words", min=1),
        "threshold": Option("float", 0.7, "score (0-1) at which an unlisted line is reported", min=0.1, max=1.0),
    },
    fields=("phrase", "reason", "repeats"),
)
def page_furniture(article: Article, card) -> Iterator[Finding]:
    """A short line that is page furniture: a listed phrase, or interface wording judged by its shape,
    its vocabulary, its place at the edges of the article and its neighbours."""
    opts = card.options
    phrases = {fold(p) for p in opts["phrases"]}
    # A prefix counts when a separator follows it ("Read also: ...", "Watch | ..."), so that
    # "Watch this space" is not taken for a video widget.
    prefixes = [re.compile(r"^\W*" + r"\s+".join(map(re.escape, p.split())) + r"\s*(?:[:|»›>–—-]|$)", re.I)
                for p in opts["prefixes"]]
    body = article.body
    scores: list[tuple[float, str]] = []
    judged: dict[str, tuple[float, str]] = {}  # by text: a line pasted thousands of times is judged once
    for block in body:
        n = word_count(block.text)
        if (block.kind in ("quote", "caption", "byline") or block.attrs.get("table_cell") or block.quotes
                or not block.text.strip() or n > 40):
            scores.append((0.0, ""))
            continue
        if COMMISSION.search(block.text):  # a disclosure is a sentence, often longer than a menu line
            scores.append((1.0, "an affiliate or shop line"))
            continue
        if n > opts["max_words"]:
            scores.append((0.0, ""))
            continue
        key = fold(block.text)
        if key in phrases or any(p.match(block.text) for p in prefixes):
            scores.append((1.0, "a known furniture phrase"))
        else:
            if block.text not in judged:
                judged[block.text] = _furniture_score(block, opts["judge_max_words"])
            scores.append(judged[block.text])
    last = len(body) - 1
    groups: dict[str, list[tuple[Block, float, str]]] = {}
    for i, block in enumerate(body):
        score, reason = scores[i]
        if score <= 0:
            continue
        # Furniture clusters at the edges of an article, between sections and in runs; a lone
        # interface-ish line in the middle of a story less so.
        edge = i <= 1 or i >= last - 2
        between = i < last and body[i + 1].kind == "heading" and block.kind != "heading"
        neighbour = any(0 <= j <= last and scores[j][0] >= 0.6 for j in (i - 1, i + 1))
        linky = LINKY.search(block.text) is not None
        if score < 1.0:
            score = min(0.95, score + 0.1 * (edge or between) + 0.1 * neighbour + 0.1 * linky)
        if score >= opts["threshold"]:
            where = (" at the edge of the article" if edge else " between sections" if between else "") if score < 1.0 else ""
            # A shop line or a share bar repeated through the page is one defect: one finding naming every line.
            key = fold(re.sub(r"\d[\d.,]*", "#", block.text))
            groups.setdefault(key, []).append((block, score, reason + where))
    for members in groups.values():
        block, score, reason = members[0]
        repeats = ""
        if len(members) > 1:
            lines = [str(b.start_line) for b, _, _ in members]
            shown = ", ".join(lines[:12]) + (f" and {len(lines) - 12} more" if len(lines) > 12 else "")
            repeats = f" It appears {len(members)} times: lines {shown}."
        finding = make_finding(card, article, block, confidence=max(s for _, s, _ in members),
                               phrase=clip(block.text.strip().rstrip(":")), reason=reason, repeats=repeats)
        # Only a line that is furniture beyond doubt (a listed phrase, a shop line, an edge line scored 0.9+)
        # is removed by --fix, and only when it is alone on its line and repeated nowhere else.
        if score >= 0.9 and len(members) == 1:
            finding.fix = whole_lines(article, block)
        yield finding


@kind(
    "page_region",
    options={
        "max_prose_words": Option("int", 25, "a region holding a sentence this long is content, not furniture", min=5),
    },
    fields=("region", "blocks", "sample"),
    covers=True,
)
def page_region(article: Article, card) -> Iterator[Finding]:
    """On a whole saved page: a run of blocks inside navigation, header, footer, aside, forms or widgets
    (share, related, newsletter, cookie, comments), or outside the page's <article>; once per region."""
    if not article.whole_page:
        return
    # One group per furniture element (or per run of text outside the <article>).
    groups: list[list[Block]] = []
    for block in article.body:
        if block.region is None:
            groups.append([])
            continue
        key = (block.region, block.attrs.get("region_id"))
        if groups and groups[-1] and (groups[-1][-1].region, groups[-1][-1].attrs.get("region_id")) == key:
            groups[-1].append(block)
        else:
            groups.append([block])
    limit = card.options["max_prose_words"]
    # A region holding the story's headline or a real paragraph is the story's own header or body.
    groups = [g for g in groups if g and not any(
        (b.kind == "heading" and b.heading_level == 1)
        or (word_count(b.text) >= limit and PROSE_END.search(b.text.strip())) for b in g)]
    for group in groups:
        if not group:
            continue
        first, last = group[0], group[-1]
        sample = ", ".join(f'"{clip(b.text, 30)}"' for b in group[:3]) + (", ..." if len(group) > 3 else "")
        yield make_finding(card, article, first, confidence=0.9, through=last, region=first.region.replace("-", " "),
                           blocks=f"{len(group)} block{'s' * (len(group) != 1)}", sample=sample)
