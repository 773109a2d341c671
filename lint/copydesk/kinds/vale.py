"""Kinds for checks imported from Vale styles (`copydesk import-vale`): they match as Vale does, with Vale's
regular expressions over the text of the scoped blocks, quotations included, so that a migration changes
nothing by surprise. A style's `voice_aware: true` (in its style.yaml) turns on copydesk's voice awareness
instead: the text selector of every card's scope reads as narration, and quoted speech is skipped.

Vale's template for a word list is (?m)\\b(?:a|b|c)\\b, or (?m)(?:a|b|c) with nonword: true, prefixed with (?i)
when ignorecase is set; a substitution puts each swap key in its own group and reports the replacement of the
group that matched.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, compile_pattern, kind

_SPACES = re.compile(r"[ \t]{2,}")
# Vale's scope selectors copydesk reads ("heading.h2", "~blockquote"), and narration: copydesk's voice awareness.
VALE_SCOPES = ("text", "heading", "heading.h1", "heading.h2", "heading.h3", "heading.h4", "heading.h5",
               "heading.h6", "paragraph", "sentence", "list", "blockquote", "table", "table.header", "table.cell",
               "summary", "narration")
HEADINGS = ("title", "heading")
TEXT_KINDS = ("title", "heading", "paragraph", "list_item", "quote", "caption", "line", "dek", "cell")


def vale_regex(tokens: list[str], ignorecase: bool, nonword: bool, raw: list[str] | None = None,
               append: bool = False) -> re.Pattern:
    """One pattern for a Vale existence check, as Vale builds it: the raw pieces joined, before the token
    template (after it with append), word boundaries unless nonword or there are no tokens; refused if it could
    backtrack forever (OptionError). Built once per check, not once per article."""
    return _vale_regex(tuple(tokens), ignorecase, nonword, tuple(raw or ()), append)


@lru_cache(maxsize=256)
def _vale_regex(tokens: tuple[str, ...], ignorecase: bool, nonword: bool, raw: tuple[str, ...],
                append: bool) -> re.Pattern:
    body = "|".join(tokens)
    template = r"(?:{})" if nonword or not tokens else r"\b(?:{})\b"
    tokens_part = template.format(body) if tokens else ""
    joined = "".join(raw or [])
    source = "(?m)" + (tokens_part + joined if append else joined + tokens_part)
    source = ("(?i)" if ignorecase else "") + source
    compile_pattern(source)  # the guard only: it adds IGNORECASE for cards, and Vale's case rule is its own
    return re.compile(source)


def exception_pattern(exceptions: list[str]) -> re.Pattern | None:
    """Vale's exceptions as Vale compiles them: one case-sensitive (?m)\b(?:...)\b, longest first so that the
    alternation is greedy; a match is left alone when it contains one. An exception that is not a regex Python
    reads is taken as the literal text."""
    if not exceptions:
        return None
    parts = []
    for e in sorted(exceptions, key=len, reverse=True):
        try:
            re.compile(e)
            parts.append(e)
        except re.error:
            parts.append(re.escape(e))
    return re.compile(r"(?m)\b(?:" + "|".join(parts) + r")\b")


def _excepted(pattern: re.Pattern | None, text: str) -> bool:
    return pattern is not None and pattern.search(text) is not None


def _check_tokens(value: Any) -> None:
    for token in value:
        try:
            re.compile(token)
        except re.error as exc:
            raise ValueError(f"token {token!r} is not a regular expression Python reads: {exc}") from None


def scope_parts(scope: str) -> tuple[list[str], list[str]]:
    """A scope option's selectors, comma-separated as Vale lists them: (included, excluded with "~")."""
    items = [x.strip() for x in scope.split(",") if x.strip()]
    return [x for x in items if not x.startswith("~")], [x[1:] for x in items if x.startswith("~")]


def voice_aware_scope(scope: str) -> str:
    """The scope with copydesk's voice awareness: the text selector becomes narration (quoted speech skipped)."""
    included, excluded = scope_parts(scope)
    included = ["narration" if x == "text" else x for x in included] or ["narration"]
    return ",".join(included + ["~" + x for x in excluded])


def _check_scope(value: Any) -> None:
    included, excluded = scope_parts(str(value))
    unknown = [x for x in included + excluded if x not in VALE_SCOPES]
    if unknown or not included + excluded:
        raise ValueError(f"scope {value!r}: each selector must be one of {', '.join(VALE_SCOPES)} (a ~ excludes)")


def _selects(block: Block, selector: str) -> bool:
    if selector in ("text", "narration", "sentence", "summary"):
        return block.kind in TEXT_KINDS
    if selector == "heading":
        return block.kind in HEADINGS
    if selector.startswith("heading.h"):
        level = int(selector[-1])
        return block.kind == "heading" and block.heading_level == level or block.kind == "title" and level == 1
    if selector == "paragraph":
        return block.kind in ("paragraph", "line", "quote")
    if selector == "list":
        return block.kind == "list_item"
    if selector == "blockquote":
        return block.kind == "quote"
    return bool(block.attrs.get("table_cell"))  # table, table.header, table.cell


def blocks_in_scope(article: Article, scope: str) -> Iterator[Block]:
    """The body's blocks a Vale scope selects: any included selector (text when none is), and no excluded."""
    included, excluded = scope_parts(scope)
    for block in article.blocks:
        if not block.in_body or not block.text:
            continue
        if any(_selects(block, x) for x in included or ["text"]) and not any(_selects(block, x) for x in excluded):
            yield block


def vale_options(scope: str = "text", scope_help: str = "") -> dict[str, Option]:
    """The options every imported kind has: its Vale scope (selectors, "~" excluding, narration for copydesk's
    voice awareness) and the Vale check it came from."""
    return {
        "scope": Option("str", scope, "Vale scope: " + (scope_help or "text, heading, heading.h1 to h6, paragraph, "
                        "sentence, list, blockquote, table, summary; comma-separated, ~ excluding; narration "
                        "skips quoted speech"), validate=_check_scope),
        "origin": Option("str", "", "the Vale check this card was converted from (Style.Check)"),
    }


def _skip(block: Block, scope: str, start: int, end: int) -> bool:
    if block.in_code(start, end):
        return True  # Vale leaves inline code alone, and so does copydesk
    return "narration" in scope_parts(scope)[0] and (block.kind == "quote" or block.in_quote(start, end))


@kind(
    "vale_existence",
    options={
        "tokens": Option("list[str]", [], "Vale token regexes", validate=_check_tokens),
        "raw": Option("list[str]", [], "Vale raw regex pieces, joined as they are", validate=_check_tokens),
        "exceptions": Option("list[str]", [], "matches to leave alone (Vale exceptions)"),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        "nonword": Option("bool", False, "Vale nonword: no word boundaries around the tokens"),
        **vale_options(),
    },
    fields=("match",),
)
def vale_existence(article: Article, card) -> Iterator[Finding]:
    """A Vale existence check: any match of its tokens (or raw pattern) in scope."""
    opts = card.options
    pattern = vale_regex(opts["tokens"], opts["ignorecase"], opts["nonword"], opts["raw"])
    exceptions = exception_pattern(opts["exceptions"])
    for block in blocks_in_scope(article, opts["scope"]):
        for m in pattern.finditer(block.text):
            if m.end() == m.start() or _skip(block, opts["scope"], m.start(), m.end()):
                continue
            text = m.group()
            if _excepted(exceptions, text):
                continue
            # Vale reads the rendered text, where a run of spaces is one space: so does its message.
            yield make_finding(card, article, block, m.start(), m.end(), confidence=card.confidence,
                               match=_SPACES.sub(" ", text))


@kind(
    "vale_substitution",
    options={
        "swap": Option("mapping", {}, "Vale swap: a regex and its replacement (alternatives separated by |)"),
        "exceptions": Option("list[str]", [], "matches to leave alone (Vale exceptions)"),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        "nonword": Option("bool", False, "Vale nonword: no word boundaries around the terms"),
        **vale_options(),
    },
    fields=("expected", "observed"),
)
def vale_substitution(article: Article, card) -> Iterator[Finding]:
    """A Vale substitution check: each swap key in its own group; the replacement of the group that matched,
    in the observed text's case when the check ignores case."""
    opts = card.options
    keys = list(opts["swap"])
    groups = "|".join(f"({k})" for k in keys)
    template = r"(?:{})" if opts["nonword"] else r"\b(?:{})\b"
    pattern = re.compile(("(?i)" if opts["ignorecase"] else "") + "(?m)" + template.format(groups))
    # Which top-level group a match came from: the first group of each key, counted past the key's own groups.
    firsts, at = [], 1
    for k in keys:
        firsts.append(at)
        at += 1 + re.compile(k).groups
    exceptions = exception_pattern(opts["exceptions"])
    for block in blocks_in_scope(article, opts["scope"]):
        for m in pattern.finditer(block.text):
            if m.end() == m.start() or _skip(block, opts["scope"], m.start(), m.end()):
                continue
            index = next((i for i, g in enumerate(firsts) if m.group(g) is not None), None)
            if index is None or _excepted(exceptions, m.group()):
                continue
            observed = m.group().strip()
            expected = opts["swap"][keys[index]]
            choices = expected.split("|")
            if any(c == observed or (opts["ignorecase"] and c.lower() == observed.lower()) for c in choices):
                continue
            if opts["ignorecase"] and observed[:1].isupper() and expected[:1].islower():
                expected = expected[:1].upper() + expected[1:]
            start = m.start() + (len(m.group()) - len(m.group().lstrip()))
            finding = make_finding(card, article, block, start, start + len(observed), confidence=card.confidence,
                                   expected=expected, observed=observed)
            if len(choices) == 1:
                finding.replacement = expected
            yield finding


# -- occurrence, repetition, conditional, capitalization -------------------------------------------------------

def _guarded(value: Any) -> None:
    """A card's Vale regex (or list of them): it must compile, and not nest unbounded repeats."""
    from copydesk.framework import OptionError

    for pattern in [value] if isinstance(value, str) else value:
        try:
            compile_pattern(pattern)
        except OptionError as exc:
            raise ValueError(str(exc)) from None


_SENTENCE_BREAK = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]?[A-Z0-9])")


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a block's text, split at a full stop, question or exclamation mark and a capital, as
    a rule-based segmenter like Vale's does (no language model: imported checks read text only)."""
    spans, at = [], 0
    for m in _SENTENCE_BREAK.finditer(text):
        spans.append((at, m.start()))
        at = m.end()
    spans.append((at, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _units(article: Article, scope: str) -> Iterator[list[tuple[Block, int, int]]]:
    """The pieces (block, start, end) of each unit a counting check counts in: a sentence, a block, or (text)
    the whole article."""
    included = scope_parts(scope)[0]
    blocks = list(blocks_in_scope(article, scope))
    if any(x in ("text", "summary") for x in included):
        yield [(b, 0, len(b.text)) for b in blocks]
        return
    for block in blocks:
        if "sentence" in included:
            for a, b in _sentences(block.text):
                yield [(block, a, b)]
        else:
            yield [(block, 0, len(block.text))]


@kind(
    "vale_occurrence",
    options={
        "token": Option("str", "", "Vale token: the regex counted", validate=_guarded),
        "max": Option("int", 0, "more matches than this in a scope is an alert (0: no maximum)", min=0),
        "min": Option("int", 0, "fewer matches than this in a scope is an alert (0: no minimum)", min=0),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        **vale_options("sentence", "what is counted in: sentence, paragraph, heading, or text (the whole article)"),
    },
    fields=(),
)
def vale_occurrence(article: Article, card) -> Iterator[Finding]:
    """A Vale occurrence check: more than `max` (or fewer than `min`) matches of its token in a sentence, a
    paragraph or the whole text, reported once per scope at its first match outside code."""
    opts = card.options
    pattern = vale_regex([], opts["ignorecase"], True, ["(?:" + opts["token"] + ")"])
    for pieces in _units(article, opts["scope"]):
        found = [(block, m.start() + a, m.end() + a) for block, a, b in pieces
                 for m in pattern.finditer(block.text[a:b]) if m.end() > m.start()]
        if not (opts["max"] and len(found) > opts["max"] or opts["min"] and len(found) < opts["min"]):
            continue
        if not found:
            if pieces:  # too few, and nothing to point at: the start of the piece, as Vale marks line 1
                block, a, _ = pieces[0]
                yield make_finding(card, article, block, a, a + 1, confidence=card.confidence)
            continue
        block, start, end = next((f for f in found if not f[0].in_code(f[1], f[2])), found[0])
        yield make_finding(card, article, block, start, end, confidence=card.confidence)


@kind(
    "vale_repetition",
    options={
        "tokens": Option("list[str]", [], "Vale tokens: the regexes whose matches must not repeat",
                         validate=_guarded),
        "max": Option("int", 0, "repeats allowed in a row", min=0),
        "alpha": Option("bool", False, "only repeats of letters count (not \"// //\")"),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        "exceptions": Option("list[str]", [], "repeats to leave alone (Vale exceptions)"),
        **vale_options(),
    },
    fields=("match",),
)
def vale_repetition(article: Article, card) -> Iterator[Finding]:
    """A Vale repetition check: the same token twice in a row ("the the") within one sentence; inline code
    breaks a run, as it does in Vale."""
    opts = card.options
    pattern = re.compile(("(?i)" if opts["ignorecase"] else "") + "(" + "|".join(opts["tokens"]) + ")")
    exceptions = exception_pattern(opts["exceptions"])
    for block in blocks_in_scope(article, opts["scope"]):
        prev, prev_at, count = None, 0, 0
        for m in pattern.finditer(block.text):
            if m.end() == m.start():
                continue
            current = None if block.in_code(m.start(), m.end()) else m.group().strip()
            hit = bool(current) and prev is not None and (
                current.lower() == prev.lower() if opts["ignorecase"] else current == prev)
            hit = hit and (not opts["alpha"] or current.isalpha())
            count = count + 1 if hit else count
            span = block.text[prev_at:m.end()]
            if hit and count > opts["max"] and len(_sentences(span)) == 1 and not _excepted(exceptions, span):
                if not _skip(block, opts["scope"], prev_at, m.end()):
                    yield make_finding(card, article, block, prev_at, m.end(), confidence=card.confidence,
                                       match=current)
                count = 0
            prev, prev_at = current, m.start()


@kind(
    "vale_conditional",
    options={
        "first": Option("str", "", "Vale first: the pattern whose match needs a definition",
                        validate=_guarded),
        "second": Option("str", "", "Vale second: the definition; its capture groups name what it defines",
                         validate=_guarded),
        "exceptions": Option("list[str]", [], "matches of first that need no definition"),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        **vale_options(),
    },
    fields=("match",),
)
def vale_conditional(article: Article, card) -> Iterator[Finding]:
    """A Vale conditional check: a match of `first` (an acronym) with no match of `second` (its definition)
    earlier in the article or in the same block; without a capture group in `second`, its presence anywhere
    in the block is enough."""
    opts = card.options
    flags = re.IGNORECASE if opts["ignorecase"] else 0
    first, second = re.compile(opts["first"], flags | re.M), re.compile(opts["second"], flags | re.M)
    exceptions = exception_pattern(opts["exceptions"])
    defined: set[str] = set()
    for block in blocks_in_scope(article, opts["scope"]):
        text = block.text
        if second.groups:
            defined.update(g for m in second.finditer(text) for g in m.groups() if g)
        elif second.search(text):
            continue
        for m in first.finditer(text):
            found = m.group()
            if m.end() == m.start() or found in defined or _excepted(exceptions, found):
                continue
            if _skip(block, opts["scope"], m.start(), m.end()):
                continue
            yield make_finding(card, article, block, m.start(), m.end(), confidence=card.confidence, match=found)


_WORD = re.compile(r"[\w*]+\S*")
_SMALL = frozenset("a an and as at but by en for if in nor of on or per the to v v. via vs vs. with".split())


def _capital_words(text: str, exceptions: re.Pattern | None) -> list[str]:
    if exceptions is not None:  # an exception may be a phrase: it is one word here, as in Vale
        joined = re.compile(exceptions.pattern.removeprefix("(?m)") + r"|[\w*]+\S*")
        return [m.group() for m in joined.finditer(text)]
    return _WORD.findall(text)


def _sentence_case(text: str, indicators: list[str], exceptions: re.Pattern | None, threshold: float) -> bool:
    words = _capital_words(text.rstrip("?!.:"), exceptions)
    count = 0.0
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        for mark in ("-", "'", "’"):
            if mark in w:
                w = w.split(mark)[0]
                break
        if w == w.upper() or any(prev.endswith(s) for s in indicators) or (exceptions and exceptions.search(w)):
            count += 1
        elif i == 0 and w != w.lower().capitalize():
            return False
        elif i == 0 or w == w.lower():
            count += 1
    return not words or count / len(words) > threshold


def _title_case(text: str, exceptions: re.Pattern | None, threshold: float) -> bool:
    words = _capital_words(text, exceptions)
    count = 0.0
    for i, w in enumerate(words):
        small = w.lower() in _SMALL and 0 < i < len(words) - 1
        expected = w.lower() if small else w[:1].upper() + w[1:]
        if w == expected or w == w.upper() or (exceptions and exceptions.search(w)):
            count += 1
    return not words or count / len(words) > threshold


@kind(
    "vale_capitalization",
    options={
        "match": Option("str", "$sentence", "Vale match: $sentence, $title, $lower, $upper, or a regex the text "
                        "must match", validate=lambda v: None if v.startswith("$") else _guarded(v)),
        "exceptions": Option("list[str]", [], "words allowed in any case (names, products)"),
        "indicators": Option("list[str]", [], "a word after one ending with these may take any case (\":\")"),
        "threshold": Option("float", 0.8, "the share of words that must be right", min=0, max=1),
        **vale_options("heading"),
    },
    fields=("match",),
)
def vale_capitalization(article: Article, card) -> Iterator[Finding]:
    """A Vale capitalization check: each block in scope (a heading) in sentence case, title case, lower or upper
    case, or matching a pattern; the whole block is reported."""
    opts = card.options
    exceptions = exception_pattern(opts["exceptions"])
    match = opts["match"]
    for block in blocks_in_scope(article, opts["scope"]):
        text = block.text
        if match == "$sentence":
            good = _sentence_case(text, opts["indicators"], exceptions, opts["threshold"])
        elif match == "$title":
            good = _title_case(text, exceptions, opts["threshold"])
        elif match == "$lower":
            good = text == text.lower() or bool(exceptions and exceptions.search(text))
        elif match == "$upper":
            good = text == text.upper() or bool(exceptions and exceptions.search(text))
        else:
            good = re.search(match, text) is not None or bool(exceptions and exceptions.search(text))
        if not good:
            yield make_finding(card, article, block, 0, len(text), confidence=card.confidence, match=text)


# -- consistency, metric -----------------------------------------------------------------------------------------

def _check_either(value: Any) -> None:
    if not isinstance(value, dict) or not value:
        raise ValueError("either needs at least one pair of forms")
    for a, b in value.items():
        _guarded([str(a), str(b)])


@kind(
    "vale_consistency",
    options={
        "either": Option("mapping", {}, "Vale either: pairs of forms of which an article may use only one",
                         validate=_check_either),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        "nonword": Option("bool", False, "Vale nonword: no word boundaries around the forms"),
        **vale_options(),
    },
    fields=("match",),
)
def vale_consistency(article: Article, card) -> Iterator[Finding]:
    """A Vale consistency check: both forms of a pair in one article ("advisor" and "adviser"). From the
    block where the second form appears, each block using either form is reported once, at the first place
    its last match's text occurs in the block, as Vale reports it."""
    opts = card.options
    template = r"(?:{})" if opts["nonword"] else r"\b(?:{})\b"
    flags = re.IGNORECASE if opts["ignorecase"] else 0
    pairs = [re.compile(template.format(f"(?P<a>{a})|(?P<b>{b})"), flags | re.M) for a, b in opts["either"].items()]
    seen: list[set[str]] = [set() for _ in pairs]
    for block in blocks_in_scope(article, opts["scope"]):
        for n, pattern in enumerate(pairs):
            matches = [m for m in pattern.finditer(block.text) if m.end() > m.start()]
            seen[n].update("a" if m.group("a") is not None else "b" for m in matches)
            if not matches or len(seen[n]) < 2:
                continue
            text = matches[-1].group()
            start = block.text.find(text)
            if _skip(block, opts["scope"], start, start + len(text)):
                continue
            yield make_finding(card, article, block, start, start + len(text), confidence=card.confidence,
                               match=text)


# The names a Vale metric formula may use; each is counted over the article's body.
METRIC_VARIABLES = ("words", "sentences", "syllables", "characters", "complex_words", "long_words",
                    "polysyllabic_words", "paragraphs", "pre", "list", "blockquote", "heading_h1", "heading_h2",
                    "heading_h3", "heading_h4", "heading_h5", "heading_h6")
_MATH = ("sqrt", "log", "log10", "pow", "abs", "floor", "ceil", "exp", "min", "max")


def evaluate_formula(expr: str, values: dict[str, float]) -> Any:
    """A Vale metric formula or condition (arithmetic, comparisons, `math.sqrt(...)`), read by a small evaluator
    of Python's syntax tree, never by eval: names other than the metric variables are refused (ValueError)."""
    import ast
    import math
    import operator

    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
           ast.Mod: operator.mod, ast.Pow: operator.pow, ast.USub: operator.neg, ast.UAdd: operator.pos,
           ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Lt: operator.lt, ast.LtE: operator.le,
           ast.Eq: operator.eq, ast.NotEq: operator.ne}

    def ev(node: Any) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.Name) and node.id in values:
            return values[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in ops:
            left, right = ev(node.left), ev(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                return 0.0  # an empty article: Vale's counts are zero too, and its score says nothing
            if isinstance(node.op, ast.Pow) and abs(right) > 64:
                raise ValueError("an exponent too large for a readability formula")
            return ops[type(node.op)](left, right)
        if isinstance(node, ast.UnaryOp) and type(node.op) in ops:
            return ops[type(node.op)](ev(node.operand))
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in ops:
            return ops[type(node.ops[0])](ev(node.left), ev(node.comparators[0]))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and not node.keywords \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "math" and node.func.attr in _MATH:
            fn = {"abs": abs, "min": min, "max": max}.get(node.func.attr) or getattr(math, node.func.attr)
            return fn(*(ev(a) for a in node.args))
        raise ValueError(f"{ast.dump(node)[:60]} is not part of a metric formula")

    source = re.sub(r"heading\.(h[1-6])", r"heading_\1", expr.strip())
    if len(source) > 500:
        raise ValueError("a formula longer than 500 characters")
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"{expr!r} does not parse: {exc.msg}") from None
    return ev(tree)


def _check_formula(value: Any) -> None:
    evaluate_formula(str(value), {v: 1.0 for v in METRIC_VARIABLES})


def _check_condition(value: Any) -> None:
    evaluate_formula(f"1.0 {value}", {v: 1.0 for v in METRIC_VARIABLES})


_METRIC_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def article_metrics(article: Article) -> dict[str, float]:
    """Vale's metric variables over the article's prose: words, sentences (rule-based), syllables (the CMU
    dictionary through textstat), characters, long words (seven letters or more), polysyllabic words (three
    syllables or more), complex words (polysyllabic, not capitalised, not hyphenated), and counts of
    paragraphs, list items, block quotes and headings by level."""
    from copydesk.syllables import syllables

    if "vale_metrics" in article.cache:  # counted once per article, however many metric checks read them
        return article.cache["vale_metrics"]
    v = {name: 0.0 for name in METRIC_VARIABLES}
    for block in article.body:
        if block.kind == "heading" and 1 <= block.heading_level <= 6:
            v[f"heading_h{block.heading_level}"] += 1
            continue
        if block.kind not in ("paragraph", "list_item", "quote", "line"):
            continue
        v["paragraphs" if block.kind in ("paragraph", "line") else
          "list" if block.kind == "list_item" else "blockquote"] += 1
        v["sentences"] += len(_sentences(block.text))
        for word in _METRIC_WORD.findall(block.text):
            n = syllables(word.lower())
            v["words"] += 1
            v["syllables"] += n
            v["characters"] += len(word)
            v["long_words"] += len(word) >= 7
            v["polysyllabic_words"] += n >= 3
            v["complex_words"] += n >= 3 and not word[:1].isupper() and "-" not in word
    article.cache["vale_metrics"] = v
    return v


@kind(
    "vale_metric",
    options={
        "formula": Option("str", "", "Vale formula, over the metric variables (words, sentences, syllables...)",
                          validate=_check_formula),
        "condition": Option("str", "", "Vale condition the formula's value is tested with (\"> 8\")",
                            validate=_check_condition),
        **vale_options("text", "a metric reads the whole article"),
    },
    fields=("match",),
)
def vale_metric(article: Article, card) -> Iterator[Finding]:
    """A Vale metric check: a readability-like formula over the article's counts, reported once at the top
    when its condition holds; the message's value has two decimals, as Vale prints it."""
    opts = card.options
    values = article_metrics(article)
    if not values["words"]:
        return
    try:
        result = float(evaluate_formula(opts["formula"], values))
        hit = bool(evaluate_formula(f"{result!r} {opts['condition']}", values))
    except (ValueError, ArithmeticError, TypeError):
        return  # a formula this article's counts cannot carry (a domain error): no finding, as Vale gives none
    first = next((b for b in article.body if b.text), None)
    if hit and first is not None:
        yield make_finding(card, article, first, 0, min(1, len(first.text)), confidence=card.confidence,
                           match=f"{result:.2f}")


# -- sequence ----------------------------------------------------------------------------------------------------

def _check_sequence(value: Any) -> None:
    if not isinstance(value, list) or not value:
        raise ValueError("tokens must be a list of {pattern, tag, negate, skip} entries")
    for entry in value:
        if not isinstance(entry, dict) or set(entry) - {"pattern", "tag", "negate", "skip"}:
            raise ValueError(f"{entry!r}: a sequence token has pattern, tag, negate and skip only")
        for key in ("pattern", "tag"):
            if entry.get(key):
                _guarded(str(entry[key]))
        if not isinstance(entry.get("skip", 0), int) or not 0 <= entry.get("skip", 0) <= 20:
            raise ValueError(f"{entry!r}: skip must be a whole number from 0 to 20")
    if not any(e.get("pattern") and not e.get("negate") for e in value):
        raise ValueError("a sequence needs a token with a pattern (and not negated) to anchor it")


def _sequence_steps(tokens: list[dict], ignorecase: bool) -> list[dict]:
    """Vale's expansion of a sequence's tokens: `skip: N` becomes N optional steps (the first marked start)
    before the token itself, which is required (marked end) when it has a pattern or a tag."""
    steps = []
    for t in tokens:
        pattern = str(t.get("pattern") or "")
        step = {"pattern": pattern, "tag": str(t.get("tag") or ""), "negate": bool(t.get("negate")),
                "skip": int(t.get("skip") or 0), "optional": True, "start": False, "end": False,
                # Vale builds a sequence token's pattern with its non-word template, searched in the word
                "re": re.compile(("(?i)" if ignorecase else "") + "(?m)(?:" + pattern + ")") if pattern else None}
        for i in range(step["skip"], 0, -1):
            steps.append({**step, "start": i == step["skip"]})
        if step["pattern"] or step["tag"]:
            steps.append({**step, "optional": False, "end": True})
    return steps


def _step_matches(step: dict, text: str, tag: str) -> bool:
    failed_tag = (re.search(step["tag"], tag) is not None) == step["negate"]
    failed_text = step["re"] is not None and (step["re"].search(text) is not None) == step["negate"]
    if not step["pattern"] and failed_tag or not step["tag"] and failed_text:
        return False
    return not (step["tag"] and step["pattern"] and (failed_tag or failed_text))


def _sequence_at(anchor: int, steps: list[dict], words: list[tuple[str, str]], begin: int) \
        -> tuple[list[int], int]:
    """Vale's sequenceMatches: the first word from `begin` matching the anchor step, then the steps to its left
    and right; (indexes of the words of the match, or [] when it fails; the anchor word's index, or -1 when no
    word matches). Vale skips the anchors it has tried (its history); every word before the last anchor tried
    is one of them, so the next search starts after it, and a long sentence costs linear time, not quadratic."""
    target = steps[anchor]
    for j in range(begin, len(words)):
        text, tag = words[j]
        if not _step_matches(target, text, tag):
            continue
        picked: list[int] = []
        for i in range(1, anchor + 1):  # the left end, walking back from the anchor
            if j - i < 0:
                return [], j
            step = dict(steps[anchor - i])
            if step["skip"] > 0:
                step["optional"] = (step["optional"] or step["end"]) and not step["start"]
            picked.insert(0, j - i)
            hit = _step_matches(step, *words[j - i])
            if not hit and not step["optional"]:
                return [], j
            if hit and step["optional"]:
                break
        for i in range(0, len(steps) - anchor):  # the anchor and the right end
            if j + i >= len(words):
                return [], j
            step = steps[anchor + i]
            picked.append(j + i)
            hit = _step_matches(step, *words[j + i])
            if not hit and not step["optional"]:
                return [], j
            if hit and step["optional"]:
                break
        return picked, j
    return [], -1


@kind(
    "vale_sequence",
    options={
        "tokens": Option("list[dict]", [], "Vale tokens: each a pattern and/or a part-of-speech tag (Penn Treebank), "
                         "negate and skip", validate=_check_sequence),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        **vale_options("sentence", "a sequence is read sentence by sentence"),
    },
    fields=("match",),
    needs_nlp=("sentences", "tags"),
)
def vale_sequence(article: Article, card) -> Iterator[Finding]:
    """A Vale sequence check: words and part-of-speech tags in a row, within a sentence ("to" before a verb, a
    modal before "be" and a past participle), anchored on its first pattern. spaCy's tags stand in for Vale's
    tagger, so a borderline word may be tagged differently; each %s of the message takes a word of the match."""
    opts = card.options
    steps = _sequence_steps(opts["tokens"], opts["ignorecase"])
    anchor = next(i for i, s in enumerate(steps) if s["pattern"] and not s["negate"])
    for block in blocks_in_scope(article, opts["scope"]):
        for offset, doc in block.docs:
            if doc is None:
                continue
            for sent in doc.sents:
                toks = [t for t in sent if not t.is_space]
                words = [(t.text, t.tag_) for t in toks]
                begin = 0
                for _ in steps[anchor]["re"].finditer(sent.text):
                    picked, at = _sequence_at(anchor, steps, words, begin)
                    if at < 0:
                        break  # no anchor word left in the sentence
                    begin = at + 1
                    if not picked:
                        continue
                    first, last = toks[picked[0]], toks[picked[-1]]
                    start, end = offset + first.idx, offset + last.idx + len(last.text)
                    if _skip(block, opts["scope"], start, end):
                        continue
                    finding = make_finding(card, article, block, start, end, confidence=card.confidence,
                                           match=block.text[start:end])
                    finding.message = _vale_format(card.message, [toks[i].text for i in picked])
                    yield finding


def _vale_format(template: str, words: list[str]) -> str:
    """A card message whose {match} fields take the match's words one by one, as Vale's %s do."""
    parts = template.split("{match}")
    out = parts[0]
    for n, part in enumerate(parts[1:]):
        out += (words[n] if n < len(words) else "") + part
    return out.replace("{{", "{").replace("}}", "}")
