"""In-draft suppression comments: parsing, scopes, and which ones went unused.

Scopes, by design and tested line by line:
  <!-- copydesk: disable-next-line X -->  findings that start on the very next line only; if that line
                                          is blank the comment covers nothing (and is reported unused).
  <!-- copydesk: disable X -->            findings starting after the comment, up to a matching
  <!-- copydesk: enable X -->             `enable` (or the end of the file), blank lines included.
  <!-- copydesk: disable-file [X] -->     the whole file.
X is any mix of codes, names or categories, separated by commas or spaces; none means every rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from copydesk.document import Article
from copydesk.finding import Finding, excerpt_of

DIRECTIVE = re.compile(r"<!--\s*copydesk:\s*([a-z-]+)\s*([^>]*?)\s*-->", re.I)
ACTIONS = ("disable-next-line", "disable", "enable", "disable-file")


@dataclass
class Directive:
    action: str
    names: list[str]
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    scope: tuple[int, int] = (0, 0)  # first and last line covered
    unknown: list[str] = field(default_factory=list)
    applies: bool = True  # False when every rule it names is deselected, so "unused" means nothing
    used: bool = False
    codes: set[str] = field(default_factory=set)  # the codes its names resolve to (a style, a Vale Style.Check)

    def matches(self, finding: Finding) -> bool:
        if not (self.scope[0] <= finding.line <= self.scope[1]):
            return False
        if not self.names:
            return True
        if finding.code in self.codes:
            return True
        keys = {finding.code.upper(), finding.rule.lower(), finding.category.lower()}
        return any(n.upper() in keys or n.lower() in keys for n in self.names)

    def problem(self) -> str | None:
        if self.action not in ACTIONS:
            return f"unknown directive {self.action!r} (use {', '.join(ACTIONS)})"
        if self.unknown:
            return f"names unknown rule(s) {', '.join(self.unknown)}"
        if self.action != "enable" and self.applies and not self.used:
            return "suppressed nothing"
        return None

    def finding(self, card, article: Article, reason: str) -> Finding:
        return Finding(code=card.code, rule=card.name, category=card.category, severity=card.severity,
                       confidence=card.confidence, line=self.line, column=self.column, end_line=self.end_line,
                       end_column=self.end_column, excerpt=excerpt_of(self.text),
                       message=card.render_message({"directive": self.action, "rules": ", ".join(self.names) or "all rules",
                                                    "reason": reason}))


def silence_directive(line_text: str, code: str) -> str:
    """The line that silences `code` on the line below it: `<!-- copydesk: disable-next-line CODE -->`, indented
    as that line is, so it stays inside the same list item or quote. An HTML comment is the directive's syntax
    in Markdown, HTML and plain text alike; the readers leave it out of the article."""
    indent = line_text[: len(line_text) - len(line_text.lstrip(" \t"))]
    return f"{indent}<!-- copydesk: disable-next-line {code} -->"


def silenced_text(text: str, line: int, code: str) -> str:
    """The text with the directive silencing `code` on `line` (1-based) inserted above it, in the line breaks
    the text already uses (the language server's "Silence here" and the desk's make the same edit)."""
    lines = text.splitlines(keepends=True)
    if not 1 <= line <= max(1, len(lines)):
        raise ValueError(f"line {line} is not in the text ({len(lines)} lines)")
    target = lines[line - 1] if lines else ""
    newline = next((end for end in ("\r\n", "\n", "\r") if lines and lines[0].endswith(end)), "\n")
    lines.insert(line - 1, silence_directive(target, code) + newline)
    return "".join(lines)


def parse_directives(article: Article, registry, selected_codes: set[str]) -> list[Directive]:
    """Find every `copydesk:` comment in the source and work out the lines each one covers."""
    src = article.source
    last_line = src.line_count
    found: list[Directive] = []
    for m in DIRECTIVE.finditer(src.text):
        line, col = src.position(m.start())
        end_line, end_col = src.position(m.end())
        names = [n for n in re.split(r"[,\s]+", m.group(2)) if n]
        d = Directive(m.group(1).lower(), names, line, col, end_line, end_col, m.group(0))
        known = []
        for name in names:
            cards = registry.resolve(name)
            if cards is None:
                d.unknown.append(name)
            else:
                known.extend(cards)
                d.codes.update(c.code for c in cards)
        if names and known and not any(c.code in selected_codes for c in known):
            d.applies = False
        found.append(d)
    for i, d in enumerate(found):
        if d.action == "disable-next-line":
            d.scope = (d.end_line + 1, d.end_line + 1)
        elif d.action == "disable-file":
            d.scope = (1, last_line)
        elif d.action == "disable":
            end = last_line
            for later in found[i + 1:]:
                if later.action == "enable" and (not later.names or set(map(str.upper, d.names)) & set(map(str.upper, later.names))):
                    end = later.line
                    break
            d.scope = (d.end_line, end)
        else:
            d.scope = (0, -1)
    article.directives = found
    return found


def apply_suppressions(findings: list[Finding], directives: list[Directive]) -> list[Finding]:
    """Drop suppressed findings, marking each directive that suppressed something."""
    kept = []
    for f in findings:
        hit = False
        for d in directives:
            if d.action != "enable" and d.matches(f):
                d.used = True
                hit = True
        if not hit:
            kept.append(f)
    return kept
