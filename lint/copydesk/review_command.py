"""`copydesk review`, `stats` and `calibrate`: an editor judges findings, and the verdicts set the newsroom's gate."""

from __future__ import annotations

import csv
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any

from copydesk.check_command import EXIT_ERROR, EXIT_OK, UsageError, check_files, split_codes
from copydesk.verdicts import (VERDICTS, Verdict, VerdictsError, append_verdicts, latest, read_verdicts, verdict_for,
                               verdicts_file)

CSV_COLUMNS = ("fingerprint", "path", "line", "code", "rule", "severity", "confidence", "flagged", "message",
               "sentence", "paragraph", "why", "verdict", "reason")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


@dataclass
class Item:
    """One finding to judge, with what an editor needs to judge it."""

    fingerprint: str
    path: str  # as the fingerprint names it
    shown_path: str  # as given on the command line
    finding: Any
    why: str
    sentence: str
    paragraph: str

    def verdict(self, verdict: str, reason: str | None = None) -> Verdict:
        return verdict_for(self.finding, self.fingerprint, self.path, verdict, reason)


def _check_args(args) -> SimpleNamespace:
    """The options check_files reads, from a review/stats/calibrate command line."""
    return SimpleNamespace(paths=args.paths, config=getattr(args, "config", None), select=getattr(args, "select", None),
                           ignore=getattr(args, "ignore", None), preview=getattr(args, "preview", False),
                           debug=getattr(args, "debug", False), stdin_filename=None, changed_since=getattr(args, "changed_since", None),
                           exclude=getattr(args, "exclude", []) or [], no_cache=getattr(args, "no_cache", False),
                           cache_dir=getattr(args, "cache_dir", None), jobs=getattr(args, "jobs", 1),
                           changed_lines=False, fail_on=None)


def collect(args) -> tuple[list[Item], dict[str, Any], Any]:
    """Check the paths and return every finding as an Item (in report order), the cards by code, and the
    settings of the first path (where the verdicts file is looked for)."""
    from copydesk.api import Linter
    from copydesk.readers import BinaryFile, ReaderError, read_article
    from copydesk.report.fingerprint import fingerprint_path, fingerprints

    check = _check_args(args)
    if "-" in check.paths:
        raise UsageError("review, stats and calibrate read files, not stdin")
    results, _fail_on, cards, _notes = check_files(check)
    for r in results:
        for e in r.errors:
            print(f"copydesk: error: {r.path}: {e}", file=sys.stderr)
    by_code = {c.code: c for c in cards}
    items: list[Item] = []
    for r in results:
        if not r.findings:
            continue
        try:
            article = read_article(r.path, Path(r.path).read_bytes())
        except (OSError, BinaryFile, ReaderError):
            article = None
        for f, fp in zip(r.findings, fingerprints(r)):
            sentence, paragraph = _context(article, f)
            card = by_code.get(f.code)
            items.append(Item(fp, fingerprint_path(r.fingerprint_path or r.path), r.path, f,
                              getattr(card, "why", "") or "", sentence, paragraph))
    linter = Linter(check.config, warm=False)
    settings = linter.settings_for(check.paths[0])
    return items, by_code, settings


def _context(article, f) -> tuple[str, str]:
    """The sentence holding the flagged text and the paragraph around it, as extracted text."""
    if article is None:
        return f.excerpt, f.excerpt
    block = next((b for b in article.blocks if b.start_line <= f.line <= max(b.end_line, b.start_line)), None)
    if block is None:
        return f.excerpt, f.excerpt
    paragraph = " ".join(block.text.split())
    flagged = " ".join(f.excerpt.rstrip("…").split())
    at = paragraph.find(flagged[:80]) if flagged else -1
    if at < 0:
        return f.excerpt, paragraph
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(paragraph)]
    begin = max(s for s in starts if s <= at)
    ends = [m.start() for m in _SENTENCE_END.finditer(paragraph) if m.start() >= at + len(flagged)]
    end = ends[0] if ends else len(paragraph)
    return paragraph[begin:end].strip(), paragraph


def select_items(items: list[Item], args, judged: dict[str, Verdict]) -> list[Item]:
    """The findings to show: not judged yet, then --rule, --gate, --sample/--seed and --limit."""
    chosen = [i for i in items if i.fingerprint not in judged]
    rules = split_codes(getattr(args, "rule", None))
    if rules:
        wanted = {r.upper() for r in rules}
        chosen = [i for i in chosen if i.finding.code.upper() in wanted or i.finding.rule in rules
                  or i.finding.category in rules]
    if getattr(args, "gate", False):
        chosen = [i for i in chosen if i.finding.severity in ("warning", "error")]
    if getattr(args, "sample", None):
        rng = random.Random(args.seed)
        chosen = rng.sample(chosen, min(args.sample, len(chosen)))
    if getattr(args, "limit", None):
        chosen = chosen[: args.limit]
    return chosen


# -- review --------------------------------------------------------------------------------------------------

def cmd_review(args) -> int:
    if args.export and args.import_file:
        raise UsageError("--export writes findings to judge and --import reads verdicts back: give one")
    if not args.paths and not args.import_file:
        raise UsageError("give the files or folders to review (or --import FILE)")
    if args.import_file:
        target = _verdicts_target(args, None)
        return _import(args.import_file, target)
    if not args.export and not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("copydesk review asks for verdicts in a terminal, and this is not one; to judge in a "
                         "spreadsheet, write the findings with --export FILE and read them back with --import FILE")
    items, _cards, settings = collect(args)
    target = _verdicts_target(args, settings)
    judged = latest(read_verdicts(target))
    todo = select_items(items, args, judged)
    if args.export:
        _export(todo, args.export)
        print(f"copydesk: {len(todo)} finding(s) to judge written to {args.export}; fill in the verdict column "
              f"(right, wrong or unsure) and read it back with: copydesk review --import {args.export}")
        return EXIT_OK
    return _interactive(todo, target, len(items), len(judged))


def _verdicts_target(args, settings) -> Path:
    if settings is None:
        from copydesk.api import Linter

        settings = Linter(getattr(args, "config", None), warm=False).settings_for(".")
    return verdicts_file(settings, getattr(args, "verdicts", None))


def _interactive(todo: list[Item], target: Path, total: int, already: int) -> int:
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel

    console = Console(highlight=False)
    console.print(f"[bold]{len(todo)}[/bold] finding(s) to judge ({total} found, {already} judged before); "
                  f"verdicts go to {escape(str(target))}")
    done = 0
    for n, item in enumerate(todo, 1):
        f = item.finding
        flagged = " ".join(f.excerpt.split())
        sentence = escape(item.sentence)
        if flagged and flagged in item.sentence:
            sentence = escape(item.sentence).replace(escape(flagged), f"[reverse]{escape(flagged)}[/reverse]", 1)
        paragraph = item.paragraph if len(item.paragraph) <= 900 else item.paragraph[:899] + "…"
        body = (f"[bold]{escape(f.code)} {escape(f.rule)}[/bold] · {f.severity} · confidence {f.confidence:.2f}\n"
                f"{escape(f.message)}\n\n[bold]Sentence[/bold]  {sentence}\n\n[dim]Paragraph  {escape(paragraph)}[/dim]"
                + (f"\n\n[bold]Why it matters[/bold]  {escape(item.why)}" if item.why else ""))
        console.print(Panel(body, title=f"{n}/{len(todo)}  {escape(item.shown_path)}:{f.line}", title_align="left"))
        while True:
            try:
                answer = input("[r]ight  [w]rong  [u]nsure  [s]kip  [q]uit > ").strip().lower()
            except EOFError:
                answer = "q"
            choice = {"r": "right", "w": "wrong", "u": "unsure", "s": "skip", "q": "quit"}.get(answer[:1], answer)
            if choice in VERDICTS or choice in ("skip", "quit"):
                break
            console.print("answer r, w, u, s or q")
        if choice == "quit":
            break
        if choice == "skip":
            continue
        try:
            reason = input("reason (optional, Enter for none) > ").strip()
        except EOFError:
            reason = ""
        append_verdicts(target, [item.verdict(choice, reason)])
        done += 1
    console.print(f"{done} verdict(s) recorded in {escape(str(target))}")
    return EXIT_OK


def _export(items: list[Item], path: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_COLUMNS)
            for i in items:
                f = i.finding
                writer.writerow([i.fingerprint, i.path, f.line, f.code, f.rule, f.severity, round(f.confidence, 3),
                                 " ".join(f.excerpt.split()), f.message, i.sentence, i.paragraph, i.why, "", ""])
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


def read_csv_verdicts(path: str) -> list[Verdict]:
    """The verdicts of a filled-in export: rows with a verdict (right, wrong, unsure; r, w, u) are read, empty
    ones skipped; anything else in the column is an error naming the row."""
    from copydesk.verdicts import parse_verdict

    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    if rows and not {"fingerprint", "code", "verdict"} <= set(rows[0]):
        raise UsageError(f"{path}: not a copydesk export (it needs the columns fingerprint, code and verdict)")
    out = []
    for n, row in enumerate(rows, 2):
        raw = (row.get("verdict") or "").strip().lower()
        if not raw:
            continue
        verdict = {"r": "right", "w": "wrong", "u": "unsure"}.get(raw, raw)
        try:
            confidence = float(row["confidence"]) if (row.get("confidence") or "").strip() else None
        except ValueError:
            raise UsageError(f"{path}: row {n}: confidence is not a number ({row['confidence']!r})") from None
        try:
            out.append(parse_verdict({"fingerprint": (row.get("fingerprint") or "").strip(),
                                      "code": (row.get("code") or "").strip(), "verdict": verdict,
                                      "reason": (row.get("reason") or "").strip(), "confidence": confidence,
                                      "severity": (row.get("severity") or "").strip() or None,
                                      "path": (row.get("path") or "").strip()}, f"{path}: row {n}"))
        except VerdictsError as exc:
            raise UsageError(str(exc)) from None
    return out


def _import(path: str, target: Path) -> int:
    verdicts = read_csv_verdicts(path)
    written = append_verdicts(target, verdicts)
    print(f"copydesk: {written} verdict(s) from {path} recorded in {target}")
    return EXIT_OK


# -- stats and calibrate -------------------------------------------------------------------------------------

def _verdicts_and_findings(args) -> tuple[list[Verdict], dict[str, Any], Path, dict | None, int | None]:
    """The verdicts that stand (refreshed from the current findings when paths were given, stale ones left
    out), the cards, the verdicts file, the unjudged count per rule (None without paths) and the stale count."""
    from copydesk.api import Linter

    if args.paths:
        items, cards, settings = collect(args)
        target = verdicts_file(settings, args.verdicts)
    else:
        linter = Linter(args.config, warm=False)
        cards = {c.code: c for c in linter.cards_for("draft.md")}
        target = verdicts_file(linter.settings_for("."), args.verdicts)
        items = None
    if not target.exists():
        raise UsageError(f"no verdicts file at {target} (record some with copydesk review, or give --verdicts FILE)")
    judged = latest(read_verdicts(target))
    if items is None:
        return list(judged.values()), cards, target, None, None
    current = {i.fingerprint: i for i in items}
    standing, stale = [], 0
    for fp, v in judged.items():
        item = current.get(fp)
        if item is None:
            stale += 1
            continue
        f = item.finding
        standing.append(Verdict(fp, f.code, v.verdict, v.reason, round(f.confidence, 3), f.severity, item.path))
    unjudged: dict[str, int] = {}
    for i in items:
        if i.fingerprint not in judged:
            unjudged[i.finding.code] = unjudged.get(i.finding.code, 0) + 1
    return standing, cards, target, unjudged, stale


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def cmd_stats(args) -> int:
    import json

    from copydesk.calibrate import judged_stats

    from copydesk.verifier import auc

    verdicts, cards, target, unjudged, stale = _verdicts_and_findings(args)
    thresholds = {code: c.advisory_below for code, c in cards.items()}
    stats = judged_stats(verdicts, thresholds, unjudged)
    # How well confidence separates right from wrong, per rule: the chance that a right finding has a higher
    # confidence than a wrong one (0.5: no better than a coin).
    separation = {}
    for s_ in stats:
        judged_ = [v for v in verdicts if v.code == s_.code and v.verdict != "unsure" and v.confidence is not None]
        separation[s_.code] = auc([v.confidence for v in judged_], [int(v.verdict == "right") for v in judged_])
    if args.format == "json":
        json.dump({"verdicts_file": str(target), "stale": stale, "rules": [
            {"code": s.code, "right": s.right, "wrong": s.wrong, "unsure": s.unsure,
             "precision": s.precision(), "gate_right": s.gate_right, "gate_wrong": s.gate_wrong,
             "gate_precision": s.precision(gate=True), "unjudged": s.unjudged,
             "auc": None if separation[s.code] is None else round(separation[s.code], 3),
             "bands": {b: {"right": r, "wrong": w} for b, (r, w) in sorted(s.bands.items())}} for s in stats]},
            sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    out: IO[str] = sys.stdout
    out.write(f"verdicts: {target} ({len(verdicts)} standing"
              + (f", {stale} stale: their findings are gone, not used" if stale else "")
              + ("" if stale is not None else "; give the paths to count stale and unjudged findings") + ")\n")
    out.write(f"{'rule':<8} {'gate prec':>9} {'gate r/w':>9} {'all prec':>9} {'all r/w':>8} {'unsure':>6} "
              f"{'unjudged':>8} {'AUC':>5}  by confidence (right/wrong)\n")
    for s in stats:
        bands = "  ".join(f"{b}: {r}/{w}" for b, (r, w) in sorted(s.bands.items()))
        out.write(f"{s.code:<8} {_pct(s.precision(gate=True)):>9} {f'{s.gate_right}/{s.gate_wrong}':>9} "
                  f"{_pct(s.precision()):>9} {f'{s.right}/{s.wrong}':>8} {s.unsure:>6} "
                  f"{'-' if s.unjudged is None else s.unjudged:>8} {_pct(separation[s.code]):>5}  {bands}\n")
    r = sum(s.gate_right for s in stats)
    w = sum(s.gate_wrong for s in stats)
    out.write(f"at the gate: {r} right, {w} wrong, precision {_pct(r / (r + w) if r + w else None)}\n")
    out.write("AUC: how well confidence separates right from wrong (1 perfect, 0.5 a coin toss)\n")
    return EXIT_OK


def _without_block(path: Path) -> Path | None:
    """A copy of the config file beside it, without the calibrate block; None when it has none."""
    import tempfile

    from copydesk.calibrate import BLOCK

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not BLOCK.search(text):
        return None
    # Beside the original, so paths in it (extend-rules, per-file-ignores) mean what they mean there.
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".copydesk-calibrate-", suffix=".toml")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(BLOCK.sub("", text))
    return Path(name)


def cmd_calibrate(args) -> int:
    from datetime import date

    from copydesk.calibrate import CalibrateError, calibrate, gate_summary, wilson, write_config

    base = None
    if args.write and not args.config and Path(args.write).exists():
        # The thresholds before are the ones in the file being written, without the block an earlier run wrote:
        # each run calibrates from the rules as their cards and the desk's own keys set them, so running it
        # again on the same verdicts gives the same block.
        base = _without_block(Path(args.write))
        args.config = str(base or args.write)
    try:
        verdicts, cards, target, _unjudged, stale = _verdicts_and_findings(args)
    finally:
        if base is not None:
            base.unlink(missing_ok=True)
    if getattr(args, "refit", False):
        return _refit(args)
    blind = sum(1 for v in verdicts if v.confidence is None and v.verdict != "unsure")
    if blind and not args.paths and blind == sum(1 for v in verdicts if v.verdict != "unsure"):
        raise UsageError(f"the {blind} verdicts in {target} carry no confidence, so calibrate cannot tell which "
                         f"findings block at which threshold: give the files they were made on (copydesk "
                         f"calibrate PATH...), and it reads each finding's confidence afresh")
    results = calibrate(verdicts, cards, args.target, args.z)
    out = sys.stdout
    if blind and not args.paths:
        out.write(f"note: {blind} verdicts carry no confidence and are not used; give the files they were made on "
                  f"to use them\n")
    out.write(f"verdicts: {target}, {len(verdicts)} used" + (f", {stale} stale (findings gone, not used)" if stale
              else "" if stale is not None else "; stale verdicts not checked (give the paths they were made on)")
              + f"; target {args.target:g}, lower bound z = {args.z:g}\n")
    out.write(f"{'rule':<8} {'advisory-below':>15} {'precision at gate':>19} {'right kept':>11} {'verdicts':>8}  note\n")
    for r in results:
        after = "info" if r.demote else f"{r.after:g}"
        lb = wilson(r.right_before, r.used, args.z)[0] if r.used else None
        note = {"kept": "reaches the target as it is", "raised": "threshold raised",
                "advisory": "no threshold reaches the target: made advisory (severity info)",
                "too-few": f"too few verdicts: {r.needs} more needed", "not-gating": "info rule: never blocks",
                "unclear": "not shown either way" + (f": about {r.needs} more needed" if r.needs else "")}[r.status]
        out.write(f"{r.code:<8} {f'{r.before:g} -> {after}':>15} "
                  f"{f'{_pct(r.precision(False))} -> {_pct(r.precision(True))}':>19} "
                  f"{f'{r.right_after}/{r.right_before}':>11} {r.used:>8}  {note}"
                  + (f" (lower bound {lb:.2f})" if lb is not None and r.status in ("unclear", "advisory") else "")
                  + "\n")
    before = {code: c.advisory_below for code, c in cards.items()}
    after = dict(before, **{r.code: r.after for r in results})
    demoted = {r.code for r in results if r.demote}
    r0, w0 = gate_summary(verdicts, before)
    r1, w1 = gate_summary(verdicts, after, demoted)
    out.write(f"judged at the gate: before {r0} right, {w0} wrong (precision {_pct(r0 / (r0 + w0) if r0 + w0 else None)}); "
              f"after {r1} right, {w1} wrong (precision {_pct(r1 / (r1 + w1) if r1 + w1 else None)}); "
              f"right findings still blocking {r1}/{r0}\n")
    if args.write:
        header = (f"from {len(verdicts)} verdicts in {target.name}, target {args.target:g}, z {args.z:g}, "
                  f"{date.today().isoformat()}")
        try:
            write_config(Path(args.write), results, header)
        except CalibrateError as exc:
            print(f"copydesk: error: {exc}", file=sys.stderr)
            return EXIT_ERROR
        print(f"copydesk: thresholds written to {args.write}", file=sys.stderr)
    return EXIT_OK


def _refit(args) -> int:
    """`calibrate --refit PATH...`: refit the verifier on the desk's verdicts and write the newsroom's model."""
    import json

    from copydesk import verifier
    from copydesk.engine import EVIDENCE_VARIABLE

    if not args.paths:
        raise UsageError("--refit needs the files the verdicts were made on (copydesk calibrate --refit PATH...): "
                         "it reads each finding's evidence afresh")
    previous = os.environ.get(EVIDENCE_VARIABLE)
    os.environ[EVIDENCE_VARIABLE] = "all"  # every finding's evidence, also for rules the model does not cover yet
    args.no_cache = True  # a cached result may lack the evidence of rules the model does not cover
    try:
        items, cards, settings = collect(args)
    finally:
        if previous is None:
            os.environ.pop(EVIDENCE_VARIABLE, None)
        else:
            os.environ[EVIDENCE_VARIABLE] = previous
    target = verdicts_file(settings, args.verdicts)
    if not target.exists():
        raise UsageError(f"no verdicts file at {target} (record some with copydesk review, or give --verdicts FILE)")
    judged = latest(read_verdicts(target))
    rows = []
    for i in items:
        v = judged.get(i.fingerprint)
        f = i.finding
        if v is None or v.verdict == "unsure" or f.features is None:
            continue
        rows.append((f.code, f.category, f.features, int(v.verdict == "right")))
    if not rows:
        raise UsageError(f"none of the verdicts in {target} matches a finding in these files: give the files they "
                         f"were made on")
    from copydesk.config import verifier_model

    base = verifier_model(settings) or verifier.load()
    from copydesk.calibrate import refit

    model, figures = refit(base.data, rows, args.target, args.z, version=f"refit of {base.version}")
    root = settings.root or Path.cwd()
    out_path = Path(args.model_out) if args.model_out else root / ".copydesk" / "verifier.json"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(model, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    w = sys.stdout.write
    w(f"verdicts: {target}, {len(rows)} matched to findings; refit from {base.path} toward its weights\n")
    w(f"{'rule':<8} {'verdicts':>8} {'right':>6} {'AUC':>5} {'threshold':>15}  note\n")
    for code, fig in figures.items():
        def t(x):
            return "-" if x is None else "never" if x > 1 else f"{x:.2f}"
        w(f"{code:<8} {fig['verdicts']:>8} {fig['right']:>6} {_pct(fig['auc']):>5} "
          f"{t(fig['threshold_before']) + ' -> ' + t(fig['threshold_after']):>15}  {fig['status']}\n")
    try:
        shown = out_path.relative_to(root)
    except ValueError:
        shown = out_path
    w(f"model written to {out_path}; use it with  verifier = \"{shown}\"  in the config\n")
    return EXIT_OK
