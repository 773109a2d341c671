"""The one way in: lint_article() runs the selected rule cards over a parsed Article and ranks the findings."""

from __future__ import annotations

import os
import re
import signal
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from copydesk.document import Article
from copydesk.finding import Finding
from copydesk.registry import Registry, RuleCard
from copydesk.suppress import apply_suppressions, parse_directives

# Kinds that look at the linting itself and so run after suppression.
AFTER_SUPPRESSION = {"unused_suppression"}
SEVERITY_WEIGHT = {"error": 10.0, "warning": 4.0, "info": 1.0}
SCORE_WORDS = 500  # penalties are scaled to an article of this length
SCORE_HALF = 20.0  # penalty points (per 500 words) that halve the score
NLP_MAX_CHARS = 1_000_000  # spaCy's own default max_length, applied to the whole article
# Parsing costs about 0.15 s per 1,000 tokens (words and punctuation marks) on one core: 20,000 tokens
# (about 17,000 words of prose, twice a long-form feature) keeps any file within a few seconds, so a CI gate
# answers every file quickly. Tokens, not words: a run of 100,000 asterisks is one "word" and 100,000 tokens.
NLP_MAX_TOKENS = 20_000
_TOKEN = re.compile(r"\w+|[^\w\s]")
MAX_WORDS = 100_000  # fifty news articles: past this only the rules that compare or match blocks by shape run
FLOOD_COPIES = 5  # a block this many times over is a pasted flood: the copies are read once by most rules
# Rules that compare blocks with each other or count repeats: they see every copy.
SEES_COPIES = {"duplication", "boilerplate"}
# Compute the evidence features of every finding, not only the verified rules' (benchmarks/verifier/collect.py
# sets COPYDESK_EVIDENCE=all to gather training data); the features are kept on the findings, never reported.
EVIDENCE_VARIABLE = "COPYDESK_EVIDENCE"
RULE_TIMEOUT = 30.0  # seconds one rule may spend on one file: generous, since every kind is linear


@dataclass
class FileResult:
    path: str
    words: int = 0
    score: int | None = 100
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # this file could not be fully checked (exit 2)
    notices: list[str] = field(default_factory=list)  # worth saying, not failing (binary skipped, bad bytes)
    readability: dict[str, float] | None = None  # the article's figures, when a readability rule ran
    genre: dict | None = None  # what kind of copy it is and the evidence (copydesk.genre), when read
    skipped: bool = False
    lines: dict[int, str] = field(default_factory=dict)  # source text of the lines findings start on
    # The file as finding fingerprints name it: relative to its config file's folder when it lies under it, so
    # the same draft checked from another folder keeps its fingerprints (copydesk.report.fingerprint).
    fingerprint_path: str | None = None

    @property
    def checked(self) -> bool:
        return not self.skipped and self.score is not None


def article_score(findings: list[Finding], words: int) -> int:
    """0-100: 100 for a clean article, halved by every SCORE_HALF penalty points per 500 words.

    penalty = sum(weight(severity) * confidence), weights error 10, warning 4, info 1;
    scaled = penalty * 500 / max(words, 500); score = round(100 * SCORE_HALF / (SCORE_HALF + scaled)).
    """
    penalty = sum(SEVERITY_WEIGHT[f.severity] * f.confidence for f in findings)
    scaled = penalty * SCORE_WORDS / max(words, SCORE_WORDS)
    return round(100 * SCORE_HALF / (SCORE_HALF + scaled))


# Rules that read no English: they compare text with itself (duplication), match page furniture by shape,
# or check the article's shape. Every other category needs the English model or English word lists.
LANGUAGE_INDEPENDENT = {"duplication", "boilerplate", "structure"}


def lint_article(article: Article, cards: list[RuleCard], registry: Registry, model: str | None = None,
                 debug: bool = False, nlp_max_chars: int = NLP_MAX_CHARS, nlp_max_tokens: int = NLP_MAX_TOKENS,
                 opinion: str = "off", language: str = "auto", rule_timeout: float = RULE_TIMEOUT,
                 max_words: int = MAX_WORDS, parse_cache=None, genres: dict[str, str] | None = None) -> FileResult:
    """Run the cards over the article: NLP once if any card needs it, suppressions, ranking, score.

    opinion: what the neutrality rules do in an opinion piece (a column, review or editorial, declared in
    front matter or page metadata, or matched by the opinion-files setting): "off", "info" or "on".
    parse_cache: an nlp.ParseCache kept by a long-lived caller, so unchanged blocks are not parsed again.
    genres: per-genre overrides of the genre policy ({"review": "on"}: judge reviews as news)."""
    result = FileResult(path=article.path, words=article.words, notices=list(article.notices))
    cards = _apply_opinion_policy(article, cards, opinion, result)
    cards = _apply_language(article, cards, language, result)
    cards = _apply_genre_policy(article, cards, genres, result)
    cards = _apply_size_limit(article, cards, max_words, result)
    article.cache["cards"] = cards  # the run's cards: house-style rules compile one Matcher for all of them
    copies = _flood_copies(article, result)
    article.hidden = copies  # hidden for language analysis and most rules; SEES_COPIES rules get them back
    needs_nlp = [c for c in cards if c.kind_impl.needs_nlp]
    if needs_nlp and article.blocks:
        read = [b for b in article.blocks if b.index not in copies]
        chars = sum(len(b.text) for b in read)
        tokens = sum(len(_TOKEN.findall(b.text)) for b in read) if chars <= nlp_max_chars else 0
        over = (f"{chars:,} characters is over max-nlp-chars ({nlp_max_chars:,})" if chars > nlp_max_chars else
                f"{tokens:,} words and marks is over max-nlp-tokens ({nlp_max_tokens:,})"
                if tokens > nlp_max_tokens else None)
        if over:
            # Language analysis keeps every parsed sentence in memory and costs time in proportion to the text;
            # past this size no news article is plausible, so those rules are skipped (and said so) rather than
            # holding up a CI gate or exhausting memory.
            cards = [c for c in cards if not c.kind_impl.needs_nlp]
            result.notices.append(f"{over}; {len(needs_nlp)} rule(s) needing language analysis were skipped")
        else:
            from copydesk import nlp

            analyses = frozenset().union(*(c.kind_impl.analyses for c in needs_nlp))
            nlp.annotate(article, model, analyses, cache=parse_cache)
    findings: list[Finding] = []
    regular = [c for c in cards if c.kind not in AFTER_SUPPRESSION]
    late = [c for c in cards if c.kind in AFTER_SUPPRESSION]
    raw: list[tuple[RuleCard, list[Finding]]] = []
    for card in regular:
        article.hidden = frozenset() if card.category in SEES_COPIES else copies
        raw.append((card, _run(card, article, result, debug, rule_timeout)))
    article.hidden = frozenset()
    verified = {c.code for c in regular if c.verifier is not None}
    every = os.environ.get(EVIDENCE_VARIABLE) == "all"
    if verified or every:
        from copydesk import evidence

        evidence.annotate(article, raw, None if every else verified)
    from copydesk.verifier import verify

    corroborate([(c, found) for c, found in raw if c.verifier is None])
    for card, found in raw:
        findings.extend(verify(card, found) if card.verifier is not None else weigh(card, found))
    # Merge before suppressing, so silencing a defect silences it whole, not just one rule's view of it.
    findings.sort(key=Finding.sort_key)
    findings = _one_finding_per_defect(findings, {c.code for c in cards if c.kind_impl.covers})
    findings = _furniture_is_not_a_paste(findings)
    findings = _ours_first(findings, {c.code for c in cards if c.kind_impl.defers})
    directives = parse_directives(article, registry, {c.code for c in cards})
    findings = apply_suppressions(findings, directives)
    for card in late:
        findings.extend(weigh(card, _run(card, article, result, debug, rule_timeout)))
    findings.sort(key=Finding.sort_key)
    result.findings = findings
    result.lines = {f.line: article.source.line_text(f.line) for f in findings}
    result.score = article_score(findings, result.words)
    if any(c.category == "readability" for c in cards) and article.nlp_done:
        from copydesk.kinds.readability import article_figures

        result.readability = article_figures(article)
    return result


CORROBORATION = 0.1  # what a confident finding of another rule in the same category adds (docs/severity.md)
CORROBORATED_CATEGORIES = {"neutrality", "sourcing"}


def corroborate(raw: list[tuple[RuleCard, list[Finding]]]) -> None:
    """Editorial judgement across the article: a reporter's voice that already opens a sentence with
    "Regrettably," makes its "lucrative" more likely a judgement too, and a story that already pins one claim
    on "experts" makes its "faces criticism" more likely a hidden holder. So a finding of a neutrality or
    sourcing rule gains CORROBORATION when another rule of its category has a confident finding (at or above
    that rule's advisory-below) in the same article. Only findings confident on their own corroborate: no
    finding lifts another that lifted it. In clean copy this costs nothing at the gate, since it raises
    findings only in articles that already have a blocking one."""
    confident: dict[str, set[str]] = {}
    for card, found in raw:
        if card.category in CORROBORATED_CATEGORIES and card.severity != "info" and not card.genre_relaxed and any(
                f.confidence >= max(card.advisory_below, card.min_confidence) for f in found):
            confident.setdefault(card.category, set()).add(card.code)
    for card, found in raw:
        others = confident.get(card.category, set()) - {card.code}
        if not others:
            continue
        for f in found:
            f.confidence = round(min(0.95, f.confidence + CORROBORATION), 3)


def weigh(card: RuleCard, findings: list[Finding]) -> list[Finding]:
    """The severity model (docs/severity.md): a finding below the rule's min-confidence is not reported; one
    below its advisory-below confidence is shown as info, marked advisory, and so never fails the default gate.
    The card's severity says how bad the defect is; the finding's confidence says how sure the evidence is."""
    out = []
    for f in findings:
        if f.confidence < card.min_confidence:
            continue
        relaxed = card.genre_relaxed and not f.any_genre  # the genre policy: shown, never gating
        if (relaxed or f.advisory_only or f.confidence < card.advisory_below) and f.severity != "info":
            f.severity = "info"
            f.advisory = True
        out.append(f)
    return out


def _furniture_is_not_a_paste(findings: list[Finding]) -> list[Finding]:
    """A shop line or a share prompt repeated through a page ("See it now: Harbour Outdoor" under every
    product) is page furniture, reported once by the boilerplate rule with every line it is on. The same lines
    reported again as duplicated blocks would be one defect told twice, and the wrong one."""
    furniture = {" ".join(f.excerpt.lower().split()) for f in findings if f.category == "boilerplate"}
    if not furniture:
        return findings
    return [f for f in findings
            if not (f.category == "duplication" and " ".join(f.excerpt.lower().split()) in furniture)]


def _ours_first(findings: list[Finding], deferring: set[str]) -> list[Finding]:
    """Drop an outside engine's finding (LanguageTool) where one of our rules already flags the span: the
    reader gets one finding per defect, with our reason."""
    if not deferring:
        return findings
    ours = [f for f in findings if f.code not in deferring]

    def overlaps(a: Finding, b: Finding) -> bool:
        return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (a.end_line, a.end_column)

    return [f for f in findings if f.code not in deferring or not any(overlaps(f, o) for o in ours)]


def _language_independent(cards: list[RuleCard]) -> list[RuleCard]:
    """The cards that read no English (and the suppression check, which reads only the linting)."""
    return [c for c in cards if c.category in LANGUAGE_INDEPENDENT or c.kind == "unused_suppression"]


def _apply_language(article: Article, cards: list[RuleCard], language: str, result: FileResult) -> list[RuleCard]:
    """A draft that is not English runs only the rules that read no English, and the report says so once."""
    from copydesk.voice import article_language

    code = article_language(article, language)
    if code == "en":
        return cards
    kept = _language_independent(cards)
    if len(kept) < len(cards):
        result.notices.append(f"not English ({code}): only duplication, boilerplate and structure rules ran "
                              f"(setting 'language' to override)")
    return kept


def _apply_size_limit(article: Article, cards: list[RuleCard], max_words: int, result: FileResult) -> list[RuleCard]:
    """Past max_words the file is a dump, not a draft: the rules that find dumps (pasted copies, furniture,
    shape) still run, in time linear in its length; the rest would take minutes to say little."""
    if article.words <= max_words:
        return cards
    kept = [c for c in _language_independent(cards) if not c.kind_impl.needs_nlp]
    if len(kept) < len(cards):
        result.notices.append(f"{article.words:,} words is over max-words ({max_words:,}): only the duplication, "
                              f"boilerplate and structure rules that need no language analysis ran")
    return kept


def _flood_copies(article: Article, result: FileResult) -> frozenset[int]:
    """Indexes of the copies of any body block that occurs FLOOD_COPIES times or more (all but the first)."""
    seen: dict[tuple[str, str], int] = {}
    repeats: dict[tuple[str, str], list[int]] = {}
    for block in article.body:
        key = (block.kind, block.text)
        if key in seen:
            repeats.setdefault(key, []).append(block.index)
        else:
            seen[key] = block.index
    hidden = [i for copies in repeats.values() if len(copies) + 1 >= FLOOD_COPIES for i in copies]
    if hidden:
        result.notices.append(f"{len(hidden):,} pasted copies of repeated blocks were read once by the rules that "
                              f"do not compare blocks (duplicate-block reports each copy)")
    return frozenset(hidden)


def _apply_opinion_policy(article: Article, cards: list[RuleCard], policy: str,
                          result: FileResult) -> list[RuleCard]:
    """In a column or review, tone is the point: neutrality rules are turned off or down to info."""
    from copydesk.voice import declared_genre, is_opinion

    neutrality = [c for c in cards if c.category == "neutrality"]
    if policy == "on" or not neutrality or not is_opinion(article):
        return cards
    genre = declared_genre(article) or "opinion"
    if policy == "off":
        result.notices.append(f"an opinion piece ({genre}): neutrality rules are off (setting 'opinion')")
        return [c for c in cards if c.category != "neutrality"]
    result.notices.append(f"an opinion piece ({genre}): neutrality findings are info only (setting 'opinion')")
    return [replace(c, severity="info") if c.category == "neutrality" else c for c in cards]


def _apply_genre_policy(article: Article, cards: list[RuleCard], overrides: dict[str, str] | None,
                        result: FileResult) -> list[RuleCard]:
    """Opinion, review and first-person copy: the reporter's-voice rules are advisory; how-to and product
    copy: speculation too (copydesk.genre). Advisory, not off: the findings are shown, ranked after the rest,
    and never fail the default gate. Read only when a card it could relax runs, so other runs pay nothing."""
    from copydesk import genre as genres

    if not any(c.category == "neutrality" or c.kind == "speculation" for c in cards):
        return cards
    found = genres.article_genre(article)
    result.genre = found.to_json()
    relax = genres.relaxed(found.name, overrides)
    if not relax:
        return cards
    changed = {c.code for c in cards if genres.affected(c, relax)}
    # For a rule the verifier weighs, the genre is one piece of its evidence (copydesk.evidence), not an override:
    # only the rules weighed by their cards are made advisory, and only they are named.
    carded = sorted(c.code for c in cards if c.code in changed and c.verifier is None)
    if carded:
        result.notices.append(f"{found.name} copy ({'; '.join(found.evidence)}): "
                              f"{', '.join(carded)} are advisory (setting 'genres')")
    # Every finding of these rules is shown as advisory info, save those whose evidence holds in any genre.
    return [replace(c, genre_relaxed=True) if c.code in changed else c for c in cards]


class RuleTimeout(Exception):
    """A rule ran past its time budget on one file."""


@contextmanager
def _budget(seconds: float):
    """Interrupt the running rule after `seconds` (wall clock). Uses SIGALRM, so only on POSIX and in the
    main thread; elsewhere the rule runs unbounded (every kind is linear in the article's length, so the
    budget is a guard against the unforeseen, not the plan)."""
    usable = seconds > 0 and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield
        return

    def expire(_signum, _frame):
        raise RuleTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _run(card: RuleCard, article: Article, result: FileResult, debug: bool, budget: float = 0.0) -> list[Finding]:
    try:
        with _budget(budget):
            return list(card.kind_impl.check(article, card))
    except RuleTimeout:
        result.notices.append(f"rule {card.code} ({card.name}) was stopped after {budget:g} s on this file "
                              f"(setting 'rule-timeout'); the other rules' findings stand")
        return []
    except Exception as exc:  # a broken kind must not take the other rules down with it
        if debug:
            traceback.print_exc()
        result.errors.append(f"internal error in rule {card.code} ({card.name}): {type(exc).__name__}: {exc}")
        return []


def _one_finding_per_defect(ranked: list[Finding], covering: set[str]) -> list[Finding]:
    """Keep one finding per defect: drop a finding whose span lies inside a finding of a covering
    rule (see Kind.covers) of the same category, such as a sentence inside a repeated block or a link
    inside a furniture region. Findings of other rules never swallow each other. A sweep per
    category, not a pairwise scan."""
    dropped: set[int] = set()
    by_category: dict[str, list[tuple[int, Finding]]] = {}
    for i, f in enumerate(ranked):
        by_category.setdefault(f.category, []).append((i, f))
    for group in by_category.values():
        # Widest first among equal starts, covering rules first on equal spans, then best rank.
        group.sort(key=lambda p: ((p[1].line, p[1].column), (-p[1].end_line, -p[1].end_column),
                                  p[1].code not in covering, p[0]))
        reach = None
        for i, f in group:
            end = (f.end_line, f.end_column)
            if reach is not None and end <= reach:
                dropped.add(i)
            elif f.code in covering:
                reach = end
    return [f for i, f in enumerate(ranked) if i not in dropped]

