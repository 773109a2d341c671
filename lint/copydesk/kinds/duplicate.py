"""Duplication kinds: blocks, sentences and summary sections that repeat text already in the article."""

from __future__ import annotations

import heapq
import re
from collections import Counter, defaultdict
from difflib import SequenceMatcher
from typing import Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding, whole_lines
from copydesk.framework import Option, kind
from copydesk.kinds.text import clip, fold, shingle_hashes, split_sentences, word_count
from copydesk.summary import compare_items, summary_sections

DEFAULT_KINDS = ["paragraph", "caption", "list_item", "heading", "quote", "line"]
SKETCH = 6  # bottom-k sketch size per block, for finding near-duplicate candidates
BUCKET_CAP = 40  # a sketch value shared by more blocks than this is common phrasing, not a copy


def _near_pairs(tokens: list[list[str]], min_words: int) -> dict[int, set[int]]:
    """Candidate earlier blocks for each block: those sharing a value of a bottom-k bigram sketch.

    Near-identical blocks share most bigrams, so their smallest hashes coincide; unrelated blocks
    rarely do. Linear in the article's length instead of comparing every pair.
    """
    buckets: dict[int, list[int]] = defaultdict(list)
    sketches: dict[tuple[str, ...], set[int]] = {}  # a block pasted many times is sketched once
    for i, toks in enumerate(tokens):
        if len(toks) >= min_words:
            key = tuple(toks)
            if key not in sketches:
                sketches[key] = set(heapq.nsmallest(SKETCH, set(shingle_hashes(toks))))
            for h in sketches[key]:
                buckets[h].append(i)
    pairs: dict[int, set[int]] = defaultdict(set)
    for members in buckets.values():
        if 1 < len(members) <= BUCKET_CAP:
            for j, later in enumerate(members):
                pairs[later].update(members[:j])
    return pairs


def _near_copy(a: list[str], b: list[str], threshold: float, max_changed: int) -> float:
    """Similarity of two word sequences if they differ by small edits only, else 0.

    Small means a few words changed, added or dropped in all (punctuation and case are already
    folded away): a sentence with a clause added is a new sentence, not a copy."""
    if 2 * min(len(a), len(b)) / (len(a) + len(b)) < threshold:
        return 0.0  # the length difference alone rules it out (what real_quick_ratio computes)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.quick_ratio() < threshold:
        return 0.0
    changed = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in matcher.get_opcodes() if op != "equal")
    if changed > max_changed:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= threshold else 0.0


def _template_keys(blocks: list[Block], keys: list[str], max_words: int) -> set[str]:
    """Short texts a page repeats as a pattern: three or more copies, evenly spread (the gaps between them
    differ by no more than half the mean gap, or one block), or each under a heading of the same level. A
    meal plan's "Portion:", a tour list's "Tickets", a product box's "Buy now" are structure, not paste."""
    where: dict[str, list[int]] = defaultdict(list)
    for pos, key in enumerate(keys):
        # A label, not a sentence: a pasted sentence three times over is still a paste.
        if key and word_count(key) <= max_words and not blocks[pos].text.rstrip().endswith((".", "!", "?")):
            where[key].append(pos)
    out = set()
    for key, positions in where.items():
        if len(positions) < 3:
            continue
        gaps = [b - a for a, b in zip(positions, positions[1:])]
        mean = sum(gaps) / len(gaps)
        even = mean > 1 and max(gaps) - min(gaps) <= max(1, mean / 2)
        headed = all(p > 0 and blocks[p - 1].kind == "heading" for p in positions) and len(
            {blocks[p - 1].heading_level for p in positions}) == 1
        if even or headed:
            out.add(key)
    return out


def _sections(article: Article) -> dict[int, tuple[int, int, int]]:
    """Block index -> (section, heading level, place in the section) for the story's blocks under a heading.
    A section runs from a heading to the next heading of the same or a higher level."""
    out: dict[int, tuple[int, int, int]] = {}
    section, level, place = -1, 0, 0
    for b in article.story_blocks():
        if b.kind == "heading":
            section, level, place = b.index, b.heading_level or 1, 0
            continue
        if section >= 0:
            out[b.index] = (section, level, place)
            place += 1
    return out


def _parallel_sections(article: Article) -> "callable":
    """Sibling sections of the same shape (the days of a meal plan, the weeks of a training plan, the rounds
    of a fixtures list, a product box per product): a block that repeats the block in the same place of a
    sibling is the pattern, not a paste. A whole section given twice (every block the same) is still a copy."""
    where = _sections(article)
    members: dict[int, list[Block]] = defaultdict(list)
    for b in article.story_blocks():
        if b.index in where:
            members[where[b.index][0]].append(b)
    shape = {sec: tuple(b.kind for b in blocks) for sec, blocks in members.items()}
    texts = {sec: tuple(fold(b.text) for b in blocks) for sec, blocks in members.items()}

    def parallel(a: Block, b: Block) -> bool:
        wa, wb = where.get(a.index), where.get(b.index)
        if wa is None or wb is None or wa[0] == wb[0] or wa[1] != wb[1]:
            return False
        sa, sb = shape[wa[0]], shape[wb[0]]
        if texts[wa[0]] == texts[wb[0]]:
            return False  # the whole section twice: a paste
        similar = abs(len(sa) - len(sb)) <= 1 and sum(x == y for x, y in zip(sa, sb)) >= min(len(sa), len(sb)) - 1
        return similar and abs(wa[2] - wb[2]) <= 1

    return parallel


QUOTE_OPENERS = "\"“‘'«"
_LABEL = re.compile(r"^\s*([^:]{1,30}):\s+\S")


LEADING_SHARE = 0.3  # a summary in the first 30% of the story's blocks leads it
LEADING_FACTOR = 0.6
PROSE_WORDS = 12
_COMMENT_LIKE = re.compile(r"^\s*(?:\[(?:…|\.\.\.)\]|>|»|@\w|(?:comment|kommentar|reply|antwort)\b)", re.I)


def _comment_like(block: Block) -> bool:
    """A pingback ("[…] excerpt […]"), a quoted line in a reply, an @-reply: the conversation under a post."""
    return bool(_COMMENT_LIKE.match(block.text))


def _labelled_entries(a: str, b: str) -> bool:
    """Two entries of a schedule or a list that differ only in their leading label ("Tuesday: run 1
    minute..." and "Thursday: run 1 minute..."): the same session on two days, not a paste."""
    ma, mb = _LABEL.match(a), _LABEL.match(b)
    return bool(ma and mb and ma.group(1).strip().lower() != mb.group(1).strip().lower()
                and fold(a[ma.end(1):]) == fold(b[mb.end(1):]))


def _headline_echo(first: Block, first_pos: int, later: Block, later_pos: int, markup: bool = False) -> bool:
    """The headline repeated as the first line under it: a layout habit, not a pasted copy. In plain text
    and Markdown a copy on the very next line, with no blank line between, is a paste all the same. In HTML
    line breaks are the exporter's, not the writer's: an <h1> and a first <p> that repeats it are two elements
    whatever lines they sit on, the export layout docs/rules allow, so the line test does not apply there."""
    headline = first.kind in ("heading", "title") or (first_pos == 0 and not first.text.rstrip().endswith((".", "!", "?")))
    if not headline or later_pos > 4:
        return False
    return (markup and later.kind != first.kind) or later.start_line > first.end_line + 1


@kind(
    "duplicate_block",
    options={
        "block_kinds": Option("block-kinds", DEFAULT_KINDS, "which blocks are compared"),
        "min_words": Option("int", 4, "shorter blocks count only when repeated back to back", min=1),
        "similarity": Option("float", 0.85, "word-sequence similarity (0-1) at which a block is a near copy",
                             min=0.5, max=1.0),
        "near_min_words": Option("int", 8, "blocks shorter than this must match exactly", min=2),
        "max_changed_words": Option("int", 2, "most words changed, added or dropped in a near copy", min=1),
        "exempt": Option("list[regex]", [], "blocks matching any of these may repeat (photo credits, separators)"),
        "template_max_words": Option("int", 5, "a label this short (not a sentence) that recurs three times or "
                                     "more at a regular interval is a template, not a paste", min=0),
    },
    fields=("first_line", "block_kind", "distance", "how"),
    covers=True,
)
def duplicate_block(article: Article, card) -> Iterator[Finding]:
    """A block whose text already appeared earlier: word for word after folding, or after small edits."""
    opts = card.options
    allowed = set(opts["block_kinds"])
    # Table cells repeat by nature ("Yes", a team's name in every round): they are data, not copy.
    # The story only: a saved page's menus and footers repeat by design (a mobile and a desktop menu), and
    # BOI002 reports those regions whole.
    # Hidden text (a caption's screen-reader copy, a link's "(opens in new tab)") is no copy a reader sees.
    blocks = [b for b in article.story_blocks() if b.kind in allowed and not b.attrs.get("table_cell")
              and not b.attrs.get("hidden")]
    keys = [fold(b.text) for b in blocks]
    templated = _template_keys(blocks, keys, opts["template_max_words"])
    tokens = [k.split() for k in keys]
    # Pull quotes repeat the body by design; credits and embeds match the card's exempt patterns.
    # Worked out only for blocks that have a copy, since most blocks have none.
    exempt_memo: dict[tuple[bool, str], bool] = {}  # by text: a block pasted many times is matched once

    def exempt(i: int) -> bool:
        b = blocks[i]
        memo = (bool(b.attrs.get("pullquote", False)), b.text)
        if memo not in exempt_memo:
            exempt_memo[memo] = memo[0] or any(p.search(b.text) for p in opts["exempt"])
        return exempt_memo[memo]

    candidates = _near_pairs(tokens, opts["near_min_words"])
    parallel = _parallel_sections(article)
    occurrences = Counter(keys)
    core = article.story_core(blocks)  # on a saved page, the run of blocks that holds the story
    first_seen: dict[str, int] = {}
    reported: set[int] = set()
    run_members: set[int] = set()  # later copies in a run already reported as one finding
    for pos, block in enumerate(blocks):
        key = keys[pos]
        if not key:
            continue
        earlier = first_seen.setdefault(key, pos)
        if key in templated:
            continue  # a label the page repeats in a pattern ("Portion:", a tour's "Tickets"): a template
        if (earlier != pos or candidates.get(pos)) and exempt(pos):
            continue
        how, ratio = "word for word", 1.0
        if earlier == pos:  # no exact copy before: look for a near one
            best = max(((_near_copy(tokens[c], tokens[pos], opts["similarity"], opts["max_changed_words"]), c)
                        for c in candidates.get(pos, ()) if c not in reported and not exempt(c)), default=(0.0, -1))
            if best[0] <= 0.0:
                continue
            ratio, earlier = best
            how = f"almost word for word ({round(ratio * 100)}% alike)"
        adjacent = earlier == pos - 1 or (pos > 0 and keys[pos - 1] == key)
        if not adjacent and word_count(key) < opts["min_words"]:
            continue
        if (adjacent and article.whole_page and word_count(key) < opts["min_words"]
                and block.kind in ("list_item", "heading", "line")):
            continue  # a saved page's menu label over its own first entry ("News" > "News"): navigation
        if (pos > 0 and keys[pos - 1] == key and (pos - 1 in reported or pos - 1 in run_members)
                and block.start_line <= blocks[pos - 1].end_line + 1):
            run_members.add(pos)
            continue  # the third copy in a row and beyond: the run is one finding, which lists its lines
        first = blocks[earlier]
        if _headline_echo(first, earlier, block, pos, markup=article.format == "html"):
            continue
        in_core = core is not None and core[0] <= first.index <= core[1] and core[0] <= block.index <= core[1]
        if core and not in_core and not adjacent:
            continue  # a saved page's template (a teaser, a menu, a comment form) repeating outside the story
        if parallel(first, block) or _labelled_entries(first.text, block.text):
            continue  # the same dish on two days of a meal plan, the same session in two weeks of a plan
        if article.whole_page and first.start_line == block.start_line:
            continue  # the same element twice on one line of markup: a page template's copy (carousels, menus)
        if first.attrs.get("device") != block.attrs.get("device"):
            continue  # the desktop and the mobile version of one passage: a reader sees one of them

        reported.add(pos)
        run = [pos]
        # Copies stacked line under line (a caption pasted three times) are one finding; copies with blank
        # lines between stay separate, so a suppression comment between them keeps its exact scope.
        while (run[-1] + 1 < len(blocks) and keys[run[-1] + 1] == key
               and blocks[run[-1] + 1].start_line <= blocks[run[-1]].end_line + 1):
            run.append(run[-1] + 1)
        distance = "directly below" if adjacent else f"{block.start_line - first.end_line} lines below"
        if len(run) > 1:
            if len(run) < 6:
                lines = "lines " + ", ".join(str(n) for n in [first.start_line] + [blocks[p].start_line for p in run])
            else:  # a pasted flood: the range, not thousands of line numbers
                lines = f"lines {first.start_line} to {blocks[run[-1]].start_line}"
            distance = f"directly below, {len(run) + 1} times in a row ({lines})"
        confidence = (1.0 if ratio == 1.0 else 0.9) * (1.0 if adjacent else 0.95)
        prose_in_story = (in_core and block.kind in ("paragraph", "caption") and word_count(key) >= PROSE_WORDS
                          and not _comment_like(block))
        # On a saved page a short line that is not a caption (a player's title over its intro line, an embed's
        # placeholder, a topic label, a teaser's kicker) repeats by the template's design even right below
        # itself; a caption under two photos, or prose, repeated is the paste readers see.
        twin = blocks[pos - 1] if pos > 0 and keys[pos - 1] == key else first  # the copy it sits under, if any
        short_line = word_count(key) < PROSE_WORDS and not (block.kind == twin.kind == "caption")
        template_like = ((word_count(key) < opts["min_words"] and block.kind != "caption")
                         or short_line
                         or not (adjacent or prose_in_story)
                         or (adjacent and ratio < 1.0)  # "posting as Facebook" over "posting as Google+"
                         or (not adjacent and occurrences[key] >= 3))  # a box the template repeats down the page
        if article.whole_page and template_like:
            # A saved page's template repeats teasers, bylines, captions and boxes far apart by design: a copy
            # away from its original there is as likely the template as a paste. Advisory; a copy pasted right
            # below its original, or a paragraph of prose restated inside the story, is a paste on any page. Short
            # labels ("Opinion" over "Opinion") are the template's.
            confidence *= article.page_factor
        finding = make_finding(card, article, block, confidence=confidence,
                               through=blocks[run[-1]] if len(run) > 1 else None,
                               first_line=first.start_line, block_kind=block.kind.replace("_", " "), how=how,
                               distance=distance)
        if all(blocks[p].text == first.text and blocks[p].kind == first.kind for p in run):
            finding.fix = whole_lines(article, block, blocks[run[-1]])  # only character-for-character copies
        yield finding


@kind(
    "duplicate_sentence",
    options={
        "min_words": Option("int", 8, "shorter sentences may repeat (slogans, short quotes)", min=3),
        "block_kinds": Option("block-kinds", ["paragraph", "caption", "list_item", "quote", "line", "heading"],
                              "body blocks whose sentences are compared"),
    },
    fields=("first_line", "words"),
)
def duplicate_sentence(article: Article, card) -> Iterator[Finding]:
    """A sentence that already appeared, word for word after folding, in another place of the article.

    Body text only: a meta description or front-matter dek that repeats the lede is never shown
    beside it, so it is no defect."""
    opts = card.options
    seen: dict[str, tuple[Block, int]] = {}
    for block in article.story_blocks():
        if block.kind not in opts["block_kinds"]:
            continue
        for start, end in split_sentences(block.text):
            key = fold(block.text[start:end])
            if word_count(key) < opts["min_words"]:
                continue
            if key not in seen:
                seen[key] = (block, start)
                continue
            first, first_start = seen[key]
            if first is block and first_start == start:
                continue
            if first is not block and fold(first.text) == fold(block.text):
                continue  # the whole block is a copy: that is DUP001's finding, not a sentence's
            if first is not block and (key == fold(block.text) or block.attrs.get("pullquote")):
                continue  # lifted out of a paragraph and shown on its own further down: a pull quote
            if first.kind in ("heading", "title") and first.text.lstrip()[:1] in QUOTE_OPENERS:
                continue  # a quote headline ("“The sea always wins ...”") quotes the body by design
            if first.kind == "heading" and key == fold(first.text):
                continue  # a section's heading restated in a closing recap or a contents list: the structure
            if (first.kind == "quote" or first.attrs.get("pullquote")) and key == fold(first.text) \
                    and first is not block:
                continue  # a pull quote set before the paragraph it is lifted from
            yield make_finding(card, article, block, start, end,
                               confidence=0.95 * article.page_factor,
                               first_line=article.span_position(first, first_start, first_start + 1)[0],
                               words=word_count(key))


# -- summary boxes ------------------------------------------------------------------------------------------

@kind(
    "summary_restates_body",
    options={
        "overlap": Option("float", 0.45, "share of an item's content words found in one or two body sentences",
                          min=0.1, max=1.0),
        "min_share": Option("float", 0.3, "share of items that must restate the body to flag the section",
                            min=0.1, max=1.0),
        "min_items": Option("int", 3, "fewest items that make a summary section", min=2),
        "report": Option("str", "section", "what to flag: the section's heading once, or each restating item",
                         choices=("section", "items")),
    },
    fields=("items", "restating", "lines", "heading"),
    # The parse tells an item that repeats a sentence from one that changes its claim (REL002's drift).
    needs_nlp=("tags", "lemmas", "parse", "entities"),
)
def summary_restates_body(article: Article, card) -> Iterator[Finding]:
    """A key-points / highlights section whose items mostly repeat sentences of the body. An item that
    shares the words of a body sentence but changes its claim is drift (REL002), never a repeat."""
    opts = card.options
    for head, items in summary_sections(article, opts["min_items"]):
        restating = [v for v in compare_items(article, head, items, opts["overlap"]) if v.restates]
        if len(restating) < 2 or len(restating) < opts["min_share"] * len(items):
            continue
        if opts["report"] == "section":
            all_lines = sorted({ln for v in restating for ln in v.lines})
            # A summary box ahead of the body it sums up is a reader's shortcut by design ("The key points");
            # one after it, restating what the reader has just read, is the generated kind. Advisory at the top.
            body = article.story_blocks()
            place = next((i for i, b in enumerate(body) if b is head), len(body))
            leading = place < len(body) * LEADING_SHARE
            factor = (LEADING_FACTOR if leading else 1.0) * article.page_factor
            yield make_finding(card, article, head, confidence=0.85 * factor,
                               items=len(items), restating=len(restating),
                               lines=_line_list(all_lines), heading=clip(head.text, 40))
            continue
        for v in restating:
            yield make_finding(card, article, v.item, confidence=min(0.95, 0.5 + v.share / 2), items=len(items),
                               restating=1, lines=_line_list(v.lines), heading=clip(head.text, 40))


def _line_list(lines: list[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return "lines " + ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
