"""A rule explained for people: the text of `copydesk explain`, the docs/rules pages, SARIF help and LSP hovers."""

from __future__ import annotations

from pathlib import Path

# The checkout's docs/rules, next to lint/copydesk: present in a source checkout and an editable install.
LOCAL_DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"


def explain_text(card) -> str:
    """The rule's documentation as plain Markdown; docs/rules/ pages are generated from the same text."""
    kind = card.kind_impl
    lines = [f"# {card.code} {card.name}", "",
             f"Category: {card.category}. Severity: {card.severity}. Status: {card.status}. Kind: `{card.kind}`."
             + (f" Findings with confidence below {card.advisory_below:g} are advisory (info): see docs/severity.md."
                if card.advisory_below else ""), "",
             "## Why", "", card.why, "", "## Flagged", ""]
    for ex in card.examples["fail"]:
        lines += [f"```{ex['format'] if ex['format'] != 'txt' else 'text'}", ex["text"].rstrip("\n"), "```", ""]
    lines += ["## Not flagged", ""]
    for ex in card.examples["pass"]:
        lines += [f"```{ex['format'] if ex['format'] != 'txt' else 'text'}", ex["text"].rstrip("\n"), "```", ""]
    lines += ["## Options", ""]
    if kind.options:
        for key, opt in kind.options.items():
            value = card.raw_options.get(key, opt.default)
            shown = value if not isinstance(value, list) or len(value) <= 8 else value[:8] + ["..."]
            lines.append(f"- `{key}` ({opt.type}): {opt.help}. Card value: `{shown}`")
    else:
        lines.append("None.")
    lines += ["", f"Set options in `[tool.copydesk.rules.{card.code}]`; silence one place with "
              f"`<!-- copydesk: disable-next-line {card.code} -->`."]
    return "\n".join(lines)


def docs_page(card) -> str:
    """The file name of the rule's page under docs/rules/."""
    return f"{card.code}-{card.name}.md"


def docs_url(card, base: str | None = None) -> str | None:
    """Where the rule's page can be read: under `base` (the `docs-url` setting, a newsroom's own copy of the
    docs) when given, else the checkout's docs/rules page as a file: URI when it exists, else None."""
    if base:
        return base.rstrip("/") + "/" + docs_page(card)
    local = LOCAL_DOCS / docs_page(card)
    return local.as_uri() if local.is_file() else None


def languagetool_off_notice(cards) -> str | None:
    """"LanguageTool grammar checks are off: how to turn them on", when GRM100 is selected with no engine."""
    grammar_engine = [c for c in cards if c.kind == "languagetool"]
    if grammar_engine and grammar_engine[0].options["engine"] == "off":
        from copydesk.languagetool import HOW_TO_TURN_ON

        return f"LanguageTool grammar checks are off: {HOW_TO_TURN_ON}"
    return None
