"""Kinds for checks imported from Vale styles (`copydesk import-vale`): they match as Vale does, with Vale's
regular expressions over the text of the scoped blocks, quotations included, so that a migration changes
nothing by surprise. A style's `voice: narration` setting (in its cards' `scope`) turns on copydesk's voice
awareness instead: quoted speech is then skipped.

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
from copydesk.kinds import Option, compile_pattern, kind

_SPACES = re.compile(r"[ \t]{2,}")
VALE_SCOPES = ("text", "heading", "paragraph", "sentence", "list", "narration")
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


def _check_tokens(value: Any) -> None:
    for token in value:
        try:
            re.compile(token)
        except re.error as exc:
            raise ValueError(f"token {token!r} is not a regular expression Python reads: {exc}") from None


def blocks_in_scope(article: Article, scope: str) -> Iterator[Block]:
    for block in article.blocks:
        if not block.in_body or not block.text:
            continue
        if scope == "heading":
            if block.kind in HEADINGS:
                yield block
        elif scope == "list":
            if block.kind == "list_item":
                yield block
        elif block.kind in TEXT_KINDS:
            yield block


def _skip(block: Block, scope: str, start: int, end: int) -> bool:
    if block.in_code(start, end):
        return True  # Vale leaves inline code alone, and so does copydesk
    return scope == "narration" and (block.kind == "quote" or block.in_quote(start, end))


@kind(
    "vale_existence",
    options={
        "tokens": Option("list[str]", [], "Vale token regexes", validate=_check_tokens),
        "raw": Option("list[str]", [], "Vale raw regex pieces, joined as they are", validate=_check_tokens),
        "exceptions": Option("list[str]", [], "matches to leave alone (Vale exceptions)"),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        "nonword": Option("bool", False, "Vale nonword: no word boundaries around the tokens"),
        "scope": Option("str", "text", "Vale scope (text, heading, paragraph, sentence, list), or narration for "
                        "copydesk's voice awareness (quoted speech skipped)", choices=VALE_SCOPES),
        "origin": Option("str", "", "the Vale check this card was converted from (Style.Check)"),
    },
    fields=("match",),
)
def vale_existence(article: Article, card) -> Iterator[Finding]:
    """A Vale existence check: any match of its tokens (or raw pattern) in scope."""
    opts = card.options
    pattern = vale_regex(opts["tokens"], opts["ignorecase"], opts["nonword"], opts["raw"])
    exceptions = {e.lower() if opts["ignorecase"] else e for e in opts["exceptions"]}
    for block in blocks_in_scope(article, opts["scope"]):
        for m in pattern.finditer(block.text):
            if m.end() == m.start() or _skip(block, opts["scope"], m.start(), m.end()):
                continue
            text = m.group()
            if (text.lower() if opts["ignorecase"] else text) in exceptions:
                continue
            # Vale reads the rendered text, where a run of spaces is one space: so does its message.
            yield make_finding(card, article, block, m.start(), m.end(), confidence=card.confidence,
                               match=_SPACES.sub(" ", text))


@kind(
    "vale_substitution",
    options={
        "swap": Option("mapping", {}, "Vale swap: a regex and its replacement (alternatives separated by |)"),
        "ignorecase": Option("bool", False, "Vale ignorecase"),
        "nonword": Option("bool", False, "Vale nonword: no word boundaries around the terms"),
        "scope": Option("str", "text", "Vale scope, or narration for copydesk's voice awareness",
                        choices=VALE_SCOPES),
        "origin": Option("str", "", "the Vale check this card was converted from (Style.Check)"),
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
    for block in blocks_in_scope(article, opts["scope"]):
        for m in pattern.finditer(block.text):
            if m.end() == m.start() or _skip(block, opts["scope"], m.start(), m.end()):
                continue
            index = next((i for i, g in enumerate(firsts) if m.group(g) is not None), None)
            if index is None:
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
