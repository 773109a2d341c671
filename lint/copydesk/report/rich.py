"""Terminal report with rich: ranked findings with the source line and the span underlined, worst file first."""

from __future__ import annotations

from collections import Counter

from typing import IO

from rich.console import Console
from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
WINDOW = 100  # characters of a long source line shown around the span


def _snippet(line_text: str, col: int, end_col: int | None) -> tuple[str, int, int]:
    """The part of the line to show, with the span's start and length inside it."""
    start = col - 1
    end = len(line_text) if end_col is None else max(start + 1, end_col - 1)
    end = min(end, len(line_text))
    left = 0
    if len(line_text) > WINDOW:
        left = max(0, min(start - 20, len(line_text) - WINDOW))
    shown = line_text[left:left + WINDOW]
    prefix = "…" if left else ""
    suffix = "…" if left + WINDOW < len(line_text) else ""
    span_start = start - left + len(prefix)
    span_len = max(1, min(end, left + WINDOW) - start)
    return prefix + shown + suffix, span_start, span_len


FLOOD = 20  # findings of one rule in one file past which the text report shows only the first few
FLOOD_SHOWN = 10


def render(results, summary, out: IO[str], *, no_color: bool = False, quiet: bool = False, **_options) -> None:
    console = Console(file=out, no_color=no_color, highlight=False, soft_wrap=True, emoji=False,
                      force_terminal=None if not no_color else False)
    checked = [r for r in results if r.checked]
    ordered = sorted(results, key=lambda r: (r.score if r.score is not None else -1, r.path))
    for r in ordered:
        if not r.findings and not r.errors and not r.notices:
            continue
        if not quiet:
            head = Text()
            head.append(r.path, style="bold")
            if r.score is not None:
                head.append(f"  score {r.score}/100", style="bold magenta")
                head.append(f"  ({r.words:,} words, {len(r.findings)} finding{'s' * (len(r.findings) != 1)})")
                if r.readability:
                    head.append(f"  reading ease {r.readability['reading_ease']:.0f}, grade "
                                f"{r.readability['grade']:.1f}, {r.readability['words_per_sentence']:.0f} words a "
                                f"sentence", style="dim")
            console.print(head)
        for e in r.errors:
            console.print(Text(f"  error: {e}", style="bold red") if not quiet else Text(f"{r.path}: error: {e}"))
        for n in r.notices:
            console.print(Text(f"  note: {n}", style="dim") if not quiet else Text(f"{r.path}: note: {n}"))
        per_rule = Counter(f.code for f in r.findings)
        printed: Counter = Counter()
        advisory_heading = False
        for f in r.findings:
            if f.advisory and not advisory_heading and not quiet:
                # Ranked after every warning and error: findings whose evidence is below their rule's bar.
                console.print(Text("  advisory: below their rule's confidence bar, so shown as info:", style="dim"))
                advisory_heading = True
            # A flood (one rule, hundreds of times in one file) shows its first few and a count; the
            # machine formats keep every finding.
            if per_rule[f.code] > FLOOD:
                printed[f.code] += 1
                if printed[f.code] > FLOOD_SHOWN:
                    continue
            line = Text()
            if quiet:
                line.append(f"{r.path}:{f.line}:{f.column}: ")
            else:
                line.append("  ")
            line.append(f"{f.severity:<7}", style=SEVERITY_STYLE[f.severity])
            line.append(f" {f.code} ", style="bold")
            line.append(f.rule, style="dim")
            if not quiet:
                line.append(f"  {f.line}:{f.column}")
            line.append(f"  {f.message}")
            if f.advisory and quiet:
                line.append(" (advisory)", style="dim")
            console.print(line)
            if quiet:
                continue
            source = r.lines.get(f.line)
            if source is None:
                continue
            end_col = f.end_column if f.end_line == f.line else None
            shown, at, length = _snippet(source.expandtabs(1), f.column, end_col)
            gutter = f"{f.line:>7} │ "
            src = Text(gutter, style="dim")
            src.append(shown)
            console.print(src)
            marks = Text(" " * 7 + " │ ", style="dim")
            marks.append(" " * at + "^" * length, style=SEVERITY_STYLE[f.severity])
            console.print(marks)
        for code, total in per_rule.items():
            if total > FLOOD:
                console.print(Text(f"  … and {total - FLOOD_SHOWN:,} more {code} findings in this file "
                                   f"(--format json or sarif lists them all)", style="dim"))
        if not quiet:
            console.print()
    if quiet:
        if summary.findings or summary.with_errors:
            console.print(_totals(summary))
        return
    for n in summary.notices:
        console.print(Text(f"note: {n}", style="dim"))
    if summary.by_category:
        cats = Text("By category: ", style="bold")
        cats.append(", ".join(f"{k} {v}" for k, v in summary.by_category.items()))
        console.print(cats)
    if len(checked) > 1:
        scores = sorted(r.score for r in checked)
        console.print(Text(f"Scores: worst {scores[0]}, median {scores[len(scores) // 2]}, "
                           f"clean files {sum(not r.findings for r in checked)} of {len(checked)}"))
    console.print(_totals(summary))


def _totals(summary) -> Text:
    t = Text()
    sev = summary.by_severity
    t.append(f"Checked {summary.checked} file{'s' * (summary.checked != 1)} ({summary.words:,} words): ", style="bold")
    t.append(f"{sev['error']} error{'s' * (sev['error'] != 1)}", style=SEVERITY_STYLE["error"] if sev["error"] else "")
    t.append(", ")
    t.append(f"{sev['warning']} warning{'s' * (sev['warning'] != 1)}", style=SEVERITY_STYLE["warning"] if sev["warning"] else "")
    t.append(f", {sev['info']} info")
    if summary.skipped:
        t.append(f"; {summary.skipped} skipped")
    if summary.with_errors:
        t.append(f"; {summary.with_errors} could not be fully checked", style="bold red")
    return t
