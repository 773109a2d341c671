"""Relevance kinds: the article as a whole. A block about another story, a summary item that changes the
claim of the body line it resembles, a headline the body never supports.

The evidence is the article itself (its lemmas, names and years), read from the one spaCy pass: no model of
the world and no network. A block is judged against the rest of its own article, so a story about tariffs
and a story about tides are held to their own vocabularies.
"""

from __future__ import annotations

import re
from functools import lru_cache
from statistics import median
from typing import Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, kind
from copydesk.kinds.text import clip
from copydesk.summary import compare_items, summary_sections
from copydesk.topic import (CAST_LABELS, BlockProfile, Profile, describe, lemma_share, name_words,
                            profile, shared_names, GENERIC)

SCORED_KINDS = ("paragraph", "list_item")
SHORT_WORDS = 8  # the fewest content words any block needs to be judged at all
# A brief has too few paragraphs for "the rest of the article" to define a subject.
MIN_JUDGED = 4
MIN_ARTICLE_WORDS = 150
# Interview turns ("Q: ...", "A: ...") answer the question above them, in words of their own.
INTERVIEW_TURN = re.compile(r"^\W*(?:Q|A|Question|Answer)\s*[:.)]\s", re.I)
# Credit lines and picture labels name people and places the story never mentions, by design.
CREDIT = re.compile(r"^\W*(?:(?:additional |further )?(?:reporting|writing|editing|research|photos?|graphics|video|"
                    r"production|illustrations?) (?:by|from)\b|(?:header |featured |lead |top )?(?:image|photo|picture|"
                    r"illustration|credit)s?(?: credit)?\s*:|sources?\s*:)|"
                    # "Ana Brink contributed reporting from Lisbon.", "Staff writer Joe Loe contributed to this report."
                    r"^[^.!?]{0,120}\bcontributed (?:reporting|research|to this (?:report|story|article))\b", re.I)
# Sections appended to the story (notes, sources, corrections, the author's bio): new names by design.
APPENDIX_HEADINGS = re.compile(r"^\W*(?:notes?|footnotes|end ?notes|sources?|references|bibliography|further reading|"
                               r"corrections?|clarifications?|about the authors?|credits|acknowledg(?:e)?ments|"
                               r"methodology|editor'?s notes?)\W*$", re.I)
NEIGHBOUR_KINDS = ("paragraph", "list_item", "heading", "quote", "caption", "line")


def _neighbour_lemmas(prof: Profile, index: int) -> set[str]:
    """Lemmas of the nearest story blocks before and after (a heading between counts as a neighbour, so a
    section's opening paragraph is read with its heading and the paragraph that continues it)."""
    out: set[str] = set()
    for step in (-1, 1):
        j, taken = index + step, 0
        while 0 <= j < len(prof.blocks) and taken < 2:
            other = prof.blocks[j]
            if other.block.in_body and other.block.kind in NEIGHBOUR_KINDS:
                out |= other.lemma_set
                taken += 1
                if other.block.kind != "heading":
                    break
            j += step
    return out


def _name_key(name: str) -> tuple[str, str]:
    """A name's full form and its initials: 'the European Union' -> ('european union', 'eu')."""
    text = re.sub(r"^(?:the|a|an)\s+|[’']s$", "", name.strip(), flags=re.I)
    capitals = re.findall(r"\b[A-Z]", text)
    return text.lower(), "".join(capitals).lower() if len(capitals) >= 2 else text.lower()


def _same_name(a: str, b: str) -> bool:
    (full_a, short_a), (full_b, short_b) = _name_key(a), _name_key(b)
    return full_a == full_b or full_a == short_b or short_a == full_b or full_a.endswith(" " + full_b) \
        or full_b.endswith(" " + full_a)


def _central(prof: Profile, bp: BlockProfile, name: str) -> bool:
    """The story keeps coming back to this name: two other blocks name it (by its full form, its surname or
    its initials), or the headline does."""
    blocks = sum(1 for other in prof.blocks if other is not bp and any(_same_name(name, n) for _, n in other.names))
    in_headline = any(_same_name(name, n) for other in prof.blocks if other.block.kind in ("title", "dek")
                      for _, n in other.names)
    return blocks >= 2 or in_headline


def _far_years(prof: Profile, bp: BlockProfile, gap: int) -> list[int]:
    """The block's years when every one of them is at least `gap` years from the story's."""
    if prof.story_year is None or not bp.years:
        return []
    own = [y for y in bp.years if abs(y - prof.story_year) >= gap]
    if len(own) < len(set(bp.years)) or any(prof.elsewhere(bp, str(y)) for y in own):
        return []
    return sorted(set(own))


def _appendix_blocks(article: Article) -> set[int]:
    """Indexes of the blocks under an appendix heading ("Notes", "Sources", "Corrections"), to the next
    heading of the same or a higher level."""
    out: set[int] = set()
    level = 0
    for b in article.story_blocks():
        if b.kind == "heading":
            if level and (b.heading_level or 1) <= level:
                level = 0
            if APPENDIX_HEADINGS.match(b.text):
                level = b.heading_level or 1
            continue
        if level:
            out.add(b.index)
    return out


PROSE_SHARE = 0.6  # of a block's words that are words, not numbers, codes and paths


_WORDLIKE = re.compile(r"[\"“‘'(]*[^\W\d_][^\W\d_’'-]*[’'.,;:!?\"”)]*")


@lru_cache(maxsize=4096)  # a pure function of the block's text: a warm re-check reads only changed blocks
def _prose(text: str) -> bool:
    """A block of prose, not a log excerpt, a code listing or a table of figures pasted as a paragraph
    ("10-25 17:12:11.001 24358 W dex2oat: /system/..."): those name nothing, so "found nowhere else" means
    nothing there."""
    tokens = text.split()
    wordlike = sum(1 for t in tokens if _WORDLIKE.fullmatch(t))
    return bool(tokens) and wordlike >= PROSE_SHARE * len(tokens)


def judged_blocks(article: Article, prof: Profile, min_words: int = 12) -> list[tuple[int, BlockProfile, float]]:
    """(index in the profile, block profile, cohesion) of each block the rule judges: a story paragraph or list
    item of prose, long enough, not a credit line, an interview turn, a table cell or a pull quote. Cohesion is
    the share of its content words found in another block."""
    return [(i, bp, lemma_share(prof, bp)) for i, bp in enumerate(prof.blocks)
            if bp.block.in_body and bp.block.kind in SCORED_KINDS and not bp.block.attrs.get("table_cell")
            and not bp.block.attrs.get("pullquote") and len(bp.lemmas) >= min(min_words, SHORT_WORDS)
            and not CREDIT.match(bp.block.text) and not INTERVIEW_TURN.match(bp.block.text)
            and _prose(bp.block.text)]


def _years_evidence(far: list[int], story_year: int) -> str:
    years = ", ".join(map(str, far))
    return (f"its date{'s' if len(far) > 1 else ''}, {years}, {'are' if len(far) > 1 else 'is'} "
            f"{abs(far[0] - story_year)} years from the story's ({story_year})")


CONTINUATION_DISCOUNT = 0.25
CONTEXT_BLOCKS = 8  # other blocks whose meaning stands for the rest of the story
_CONTINUES = re.compile(r"^\s*(?:[\"“‘']|(?:He|She|They|His|Her|Their)\b)")


def _continues(block) -> bool:
    """The paragraph opens with a pronoun or a quotation mark: the story's thread, or its speaker, goes on."""
    return bool(_CONTINUES.match(block.text))


@kind(
    "off_topic_block",
    options={
        "min_words": Option("int", 12, "content words a block needs before it is judged (shorter ones "
                            "carry too little evidence)", min=4),
        "cohesion": Option("float", 0.3, "a block is unconnected below this share of its content words used "
                           "elsewhere in the article", min=0.0, max=1.0),
        "relative": Option("float", 0.5, "...and below this fraction of the article's typical (median) share, "
                           "so loosely knit copy is held to its own standard", min=0.0, max=1.0),
        "neighbour_cohesion": Option("float", 0.15, "...and below this share used in the blocks beside it",
                                     min=0.0, max=1.0),
        "words_only": Option("float", 0.1, "a block with no new name or date is flagged only at or below this "
                             "share of words used elsewhere (and half of it beside it); 0 turns this off",
                             min=0.0, max=1.0),
        "year_gap": Option("int", 10, "years between a block's dates and the story's that count as evidence",
                           min=1),
        "max_outliers": Option("int", 2, "an article with more unconnected blocks than this is a collection "
                               "(a round-up, listings, a digest), where each item is new by design", min=1),
        "semantic": Option("bool", True, "weigh meaning with the sentence-embedding model (copydesk.semantic); "
                           "without it, or with this off, word overlap alone decides and findings are advisory"),
        "semantic_cohesion": Option("float", 0.2, "a block is a candidate for the meaning test below this share "
                                    "of its content words used elsewhere", min=0.0, max=1.0),
        "semantic_cut": Option("float", 0.2, "...and is flagged below this cosine similarity of its meaning to "
                               "the rest of the story", min=-1.0, max=1.0),
        "semantic_on_topic": Option("float", 0.35, "a block at or above this similarity is on the story's "
                                    "subject in meaning, whatever its words", min=-1.0, max=1.0),
    },
    fields=("evidence", "block_kind"),
    needs_nlp=("tags", "lemmas", "entities"),
)
def off_topic_block(article: Article, card) -> Iterator[Finding]:
    """A paragraph or list item about another subject. Word overlap proposes: few of its words recur in the
    article. Meaning decides (copydesk.semantic): its embedding is far from the rest of the story's. Without the
    meaning model, the older evidence decides (none of the people, places or organisations it names appear
    anywhere else, or its dates are decades from the story's, and it does not connect to the blocks beside it)
    and the findings are advisory."""
    opts = card.options
    prof = profile(article)
    if prof is None:
        return
    judged = judged_blocks(article, prof, opts["min_words"])
    if len(judged) < MIN_JUDGED or article.words < MIN_ARTICLE_WORDS:
        return  # too little story to hold a block against
    typical = median(c for _, _, c in judged)
    limit = min(opts["cohesion"], opts["relative"] * typical)
    heads = {id(b) for b in _headlines(article)}
    headline_lemmas = {w for hp in prof.blocks if id(hp.block) in heads for w in hp.lemma_set if w not in GENERIC}
    # Meaning: embedded only when some block shares few words with the story (about one article in six), so most
    # articles cost nothing here. The rest of the story is read from at most CONTEXT_BLOCKS of its other judged
    # blocks, evenly spaced: the mean of their meanings, at a bounded cost however long the article.
    targets = [k for k, (i, bp, c) in enumerate(judged) if c < opts["semantic_cohesion"]]
    meaning: dict[int, float] | None = None
    failed = False
    if opts["semantic"] and targets:
        from copydesk import semantic

        others = [k for k in range(len(judged)) if k not in set(targets)]
        step = max(1, -(-len(others) // CONTEXT_BLOCKS))
        chosen = sorted(set(targets) | set(others[::step]))
        try:
            sims = semantic.relatedness([judged[k][1].block.text for k in chosen],
                                        [chosen.index(k) for k in targets])
            meaning = {judged[chosen[j]][1].block.index: v for j, v in sims.items()}
            article.cache["semantic_relatedness"] = meaning
        except semantic.SemanticUnavailable:
            failed = True
    outliers: list[tuple[BlockProfile, str, float]] = []
    for i, bp, cohesion in judged:
        sim = meaning.get(bp.block.index) if meaning is not None else None
        if sim is not None and sim < opts["semantic_cut"] and cohesion < opts["semantic_cohesion"]:
            # Far from the story in meaning and in words: another story, whatever names it shares. On a saved page
            # a sidebar or a sponsored box inside the story's run looks the same, so it counts for less there.
            unused = sum(not prof.lemma_elsewhere(bp, w) for w in bp.lemma_set)
            confidence = (0.75 + min(0.2, (opts["semantic_cut"] - sim))) * article.page_factor
            _, strangers = shared_names(prof, bp)
            parts = [f"its meaning is far from the rest of the story (similarity {sim:.2f})"]
            if strangers:
                parts.append(f"it names {describe(strangers)}, found nowhere else in the article")
            parts.append(f"{unused} of its {len(bp.lemma_set)} content words appear nowhere else")
            far = _far_years(prof, bp, opts["year_gap"])
            if far:
                parts.append(_years_evidence(far, prof.story_year))
            outliers.append((bp, "; ".join(parts), confidence))
            continue
        shared, new = shared_names(prof, bp)
        far = _far_years(prof, bp, opts["year_gap"])
        # A block naming people or places found nowhere else and dated decades from the story is about
        # something else even if its wording echoes the story's (generated filler shares "significant").
        # A name it shares with the story ties it only if the story keeps coming back to that name.
        dated_away = bool(far and new)
        ties = [n for n in shared if not dated_away or _central(prof, bp, n)]
        if cohesion >= (max(limit, 0.5) if dated_away else limit):
            continue
        neighbours = lemma_share(prof, bp, _neighbour_lemmas(prof, i))
        if neighbours >= opts["neighbour_cohesion"]:
            continue
        # Unconnected words usually describe a digression, a list of tips, a reviewer's aside: the names and
        # dates are what say "another story". Only a block that shares almost no word with the article and
        # none with the blocks beside it is judged on its words alone. A block that shares a name with the
        # story is background.
        words_only = (cohesion <= opts["words_only"] and neighbours <= opts["words_only"] / 2
                      and len(bp.lemmas) >= opts["min_words"])
        if ties or not (new or far or words_only):
            continue
        # A block that shares a distinctive word with the headline is on the story's subject.
        if bp.lemma_set & headline_lemmas:
            continue
        # A short block carries little evidence: it must share next to nothing and name two strangers.
        if len(bp.lemmas) < opts["min_words"] and (cohesion > 0.1 or len(new) < 2):
            continue
        if sim is not None and sim >= opts["semantic_on_topic"]:
            continue  # new words, but on the story's subject in meaning: a new speaker, background
        unused = sum(not prof.lemma_elsewhere(bp, w) for w in bp.lemma_set)
        parts = []
        if new:
            parts.append(f"it names {describe(new)}, found nowhere else in the article")
        parts.append(f"{unused} of its {len(bp.lemma_set)} content words appear nowhere else")
        if far:
            parts.append(_years_evidence(far, prof.story_year))
        confidence = 0.6 + 0.3 * max(0.0, 1 - cohesion / max(limit, 1e-9)) + (0.1 if dated_away else 0.0)
        if _continues(bp.block) and not dated_away and not new:
            # "He urged offices to ...", "She still faces nine charges": a pronoun or a quotation opening the
            # paragraph, naming nobody the story lacks, carries on with someone the story already has, whatever
            # new words it brings. A quotation whose speaker is new to the story ("..., said Akin") does not.
            confidence -= CONTINUATION_DISCOUNT
        if opts["semantic"] and not failed:
            # Meaning does not set it apart (or was not needed to: its words are not that far from the story's).
            # New words alone misjudge too often (a new speaker, background, a round-up's other item): shown, not
            # blocking.
            confidence = min(confidence, 0.55)
        outliers.append((bp, "; ".join(parts), confidence))
    if len(outliers) > opts["max_outliers"]:
        return  # a collection: every item is new by design, none is an outlier
    # On a saved page only the story is reported: a teaser, a "more stories" list or the site's footer outside
    # the run of its prose is the template's (BOI002 reports those regions), and hidden text no reader sees.
    # They still count above, so a page of teasers is still a collection.
    core = article.story_core()
    appended = _appendix_blocks(article)
    for bp, evidence, confidence in outliers:
        if bp.block.attrs.get("hidden") or (core is not None and not core[0] <= bp.block.index <= core[1]):
            continue
        if bp.block.index in appended:
            continue  # under "Notes", "Sources", "About the author": the page's apparatus, not another story
        f = make_finding(card, article, bp.block, confidence=min(confidence, 0.95), evidence=evidence,
                         block_kind="list item" if bp.block.kind == "list_item" else "paragraph")
        # Word overlap alone misjudges on-topic paragraphs in new words: without the meaning model the finding is
        # shown, never blocking (copydesk.semantic says so once per run).
        f.advisory_only = failed
        yield f


@kind(
    "summary_drift",
    options={
        "resemble": Option("float", 0.3, "share of an item's content words found in a body sentence for the "
                           "item to be read as a version of it", min=0.1, max=1.0),
        "min_items": Option("int", 2, "fewest items that make a summary section", min=2),
        "unsupported": Option("bool", True, "also flag a summary item on the story's subject that no body "
                              "sentence comes close to (a claim the summary adds)"),
        "semantic_support": Option("float", 0.7, "...unless a body sentence says the same in other words: its "
                                   "meaning (copydesk.semantic) is at least this close", min=-1.0, max=1.0),
    },
    fields=("heading", "how"),
    needs_nlp=("tags", "lemmas", "parse", "entities"),
)
def summary_drift(article: Article, card) -> Iterator[Finding]:
    """A key-points item that resembles a body sentence but changes its claim: a verb or object added, a
    name or number the body never gives, a negation or a state reversed, a clause of its own."""
    opts = card.options
    for head, items in summary_sections(article, opts["min_items"]):
        for v in compare_items(article, head, items, overlap=0.45, resemble=opts["resemble"]):
            if v.drift:
                yield make_finding(card, article, v.item, confidence=0.75 if len(v.drift) == 1 else 0.85,
                                   heading=clip(head.text, 40),
                                   how=f"changes the claim of line {v.lines[0]}: {'; '.join(v.drift)}")
            elif v.unsupported and opts["unsupported"]:
                # Few shared words may still be the same claim in other words: meaning decides when it can.
                sim = _closest_in_meaning(article, v.item, {b.index for b in items})
                if sim is not None and sim >= opts["semantic_support"]:
                    continue
                meaning = f"; closest in meaning {sim:.2f}" if sim is not None else ""
                yield make_finding(card, article, v.item, confidence=0.6, heading=clip(head.text, 40),
                                   how=f"says what no body sentence says (the closest, line {v.lines[0]}, shares "
                                       f"{round(v.share * 100)}% of its words{meaning})")


MEANING_SENTENCES = 120  # body sentences an unsupported summary item is compared with, at most


def _closest_in_meaning(article: Article, item: Block, summary: set[int]) -> float | None:
    """The highest cosine between a summary item and the body's sentences (copydesk.semantic); None without the
    model."""
    from copydesk import semantic
    from copydesk.voice import sentences

    body = [s.text for s in sentences(article) if s.block.index not in summary and s.block.kind == "paragraph"
            and len(s.text.split()) >= 5][:MEANING_SENTENCES]
    if not body:
        return None
    try:
        vecs = semantic.embedder().embed([item.text] + body)
    except semantic.SemanticUnavailable:
        return None
    return float(max(vecs[1:] @ vecs[0]))


def _headlines(article: Article) -> list[Block]:
    """The title (without a site name after a bar or dash) and the dek; front matter and page metadata
    first, else the first heading."""
    found = [b for b in article.blocks if b.kind in ("title", "dek") and not b.in_body]
    found += [b for b in article.body[:3] if b.kind in ("title", "dek")]
    if not any(b.kind == "title" for b in found):
        first = next((b for b in article.body[:3] if b.kind == "heading" and b.heading_level <= 1), None)
        if first is None and article.body and article.body[0].kind == "line" and len(article.body[0].text.split()) <= 20:
            first = article.body[0]  # a plain-text draft's first line is its headline
        found += [first] if first else []
    return found


TITLE_PARTS = re.compile(r"\s+(?:[|–—]|-|::|»)\s+")


def _headline_part(block: Block) -> tuple[int, int]:
    """The span of the headline proper in a page title: its longest part between bars and dashes, since the
    others are the site's name ("Osterby Post | ...") or section."""
    if block.kind != "title":
        return 0, len(block.text)
    cuts = [0] + [x for m in TITLE_PARTS.finditer(block.text) for x in (m.start(), m.end())] + [len(block.text)]
    parts = [(cuts[k], cuts[k + 1]) for k in range(0, len(cuts), 2)]
    return max(parts, key=lambda p: p[1] - p[0])


@kind(
    "headline_drift",
    options={
        "min_body_words": Option("int", 80, "bodies shorter than this are not held to their headline", min=1),
    },
    fields=("what", "which"),
    needs_nlp=("tags", "lemmas", "entities"),
)
def headline_drift(article: Article, card) -> Iterator[Finding]:
    """A headline or dek that names someone or something the body never mentions."""
    prof = profile(article)
    if prof is None:
        return
    body = [bp for bp in prof.blocks if bp.block.in_body and bp.block.kind not in ("title", "dek", "tags", "byline")]
    if sum(len(bp.block.text.split()) for bp in body) < card.options["min_body_words"]:
        return
    body_words = set().union(*(bp.words for bp in body)) if body else set()
    for block in _headlines(article):
        start, end = _headline_part(block)
        missing = []
        for offset, doc in block.docs:
            for ent in doc.ents:
                words = name_words(ent.text)
                if (ent.label_ in CAST_LABELS and start <= offset + ent.start_char < end and words
                        and not words & body_words):
                    missing.append(ent.text)
        if missing:
            yield make_finding(card, article, block, start, end, confidence=0.8, which=describe(missing),
                               what="headline" if block.kind in ("title", "heading") else "standfirst")
