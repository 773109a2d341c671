"""One self-contained HTML page for editors: each article with its findings highlighted in place, a ranked
list beside it that jumps to the span, scores, a category summary and filters. No network, no CDN; a
Content-Security-Policy allows only the page's own script (by hash) and inline styles, so text from a draft
can never run as code."""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from html import escape
from pathlib import Path
from typing import IO

from copydesk.document import SourceText
from copydesk.report.fingerprint import fingerprint_path, fingerprints
from copydesk.version import __version__

_NEWLINE = re.compile(r"\r\n|\r|\n")

SCRIPT = """
(function () {
  function show(link) {
    var id = link.getAttribute('data-target');
    document.querySelectorAll('mark.active').forEach(function (m) { m.classList.remove('active'); });
    document.querySelectorAll('a.finding.current').forEach(function (a) { a.classList.remove('current'); });
    var marks = document.querySelectorAll('mark[data-ids~="' + id + '"]');
    marks.forEach(function (m) { m.classList.add('active'); });
    link.classList.add('current');
    if (marks.length) { marks[0].scrollIntoView({block: 'center'}); }
  }
  function filter() {
    var on = {};
    document.querySelectorAll('input.filter').forEach(function (i) { on[i.value] = i.checked; });
    var visible = {};
    document.querySelectorAll('li.item').forEach(function (li) {
      var shown = on['cat:' + li.getAttribute('data-category')] && on['sev:' + li.getAttribute('data-severity')];
      li.hidden = !shown;
      if (shown) { visible[li.getAttribute('data-id')] = true; }
    });
    document.querySelectorAll('mark[data-ids]').forEach(function (m) {
      var ids = m.getAttribute('data-ids').split(' ');
      m.classList.toggle('off', !ids.some(function (i) { return visible[i]; }));
    });
  }
  // Verdicts: an editor marks findings right or wrong here and downloads them as a verdicts file, one JSON
  // object a line, the format of `copydesk review` (docs/calibrate.md). The page holds no copy text in them.
  var verdicts = {};
  function judge(button) {
    var li = button.closest('li.item');
    var fp = li.getAttribute('data-fingerprint');
    var verdict = button.getAttribute('data-verdict');
    if (verdicts[fp] && verdicts[fp].verdict === verdict) {
      delete verdicts[fp];
      verdict = '';
    } else {
      verdicts[fp] = {fingerprint: fp, code: li.getAttribute('data-code'), verdict: verdict,
                      confidence: parseFloat(li.getAttribute('data-confidence')),
                      severity: li.getAttribute('data-severity'), path: li.getAttribute('data-path')};
    }
    li.setAttribute('data-verdict', verdict);
    li.querySelectorAll('button.judge').forEach(function (b) {
      b.setAttribute('aria-pressed', String(b.getAttribute('data-verdict') === verdict));
    });
    var n = Object.keys(verdicts).length;
    var download = document.getElementById('download-verdicts');
    download.textContent = 'Download verdicts (' + n + ')';
    download.disabled = n === 0;
  }
  function download() {
    var lines = Object.keys(verdicts).map(function (fp) { return JSON.stringify(verdicts[fp]) + '\\n'; });
    var url = URL.createObjectURL(new Blob(lines, {type: 'application/x-ndjson'}));
    var a = document.createElement('a');
    a.href = url;
    a.download = 'verdicts.jsonl';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }
  document.addEventListener('click', function (e) {
    var button = e.target.closest('button.judge');
    if (button) { judge(button); return; }
    if (e.target.closest('#download-verdicts')) { download(); return; }
    var link = e.target.closest('a.finding');
    if (link) { e.preventDefault(); show(link); }
  });
  document.addEventListener('change', function (e) {
    if (e.target.matches('input.filter')) { filter(); }
  });
})();
"""

STYLE = """
body { font: 15px/1.5 Georgia, 'Times New Roman', serif; margin: 0; color: #1d1d1f; background: #fafaf7; }
header { padding: 12px 24px; background: #1d2b3a; color: #fff; font-family: system-ui, sans-serif; }
header h1 { font-size: 18px; margin: 0 0 4px; }
.summary, .filters { font: 13px system-ui, sans-serif; }
.filters { padding: 8px 24px; background: #eef0f3; border-bottom: 1px solid #d5d9df; }
.filters label { margin-right: 12px; white-space: nowrap; }
section.file { border-bottom: 2px solid #d5d9df; }
section.file > h2 { font: 600 16px system-ui, sans-serif; margin: 0; padding: 10px 24px; background: #f1f1ec; }
.score { float: right; font-weight: 400; }
.grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(280px, 2fr); }
.source { margin: 0; padding: 12px 24px; white-space: pre-wrap; word-break: break-word; max-height: 80vh;
          overflow: auto; font: 14px/1.6 ui-monospace, Menlo, Consolas, monospace; }
.ln { color: #9aa0a6; user-select: none; display: inline-block; width: 4ch; text-align: right; margin-right: 1ch; }
mark { background: #ffe08a; border-bottom: 2px solid #e0a800; }
mark.sev-error { background: #ffc9c9; border-bottom-color: #d33; }
mark.sev-info { background: #dbeafe; border-bottom-color: #3b82f6; }
mark.off { background: none; border-bottom: none; }
mark.active { outline: 3px solid #1d4ed8; background: #bfdbfe; }
ol.findings { margin: 0; padding: 12px 24px 12px 40px; max-height: 80vh; overflow: auto;
              font: 13px/1.45 system-ui, sans-serif; border-left: 1px solid #d5d9df; }
ol.findings li { margin-bottom: 8px; }
a.finding { color: inherit; text-decoration: none; display: block; padding: 4px 6px; border-radius: 4px; }
a.finding:hover, a.finding.current { background: #e0e7ff; }
.code { font-weight: 700; }
.badge { font-size: 11px; padding: 1px 5px; border-radius: 3px; color: #fff; background: #b45309; }
.badge.error { background: #b91c1c; } .badge.info { background: #1d4ed8; }
.notice, .file-error { font: 13px system-ui, sans-serif; padding: 4px 24px; margin: 0; }
.file-error { color: #b91c1c; }
table.cats { border-collapse: collapse; margin-top: 4px; }
.judging { display: block; margin: 2px 6px 0; }
button.judge { font: 12px system-ui, sans-serif; margin-right: 4px; padding: 0 8px; border: 1px solid #9aa0a6;
               border-radius: 3px; background: #fff; cursor: pointer; }
button.judge.right[aria-pressed="true"] { background: #15803d; border-color: #15803d; color: #fff; }
button.judge.wrong[aria-pressed="true"] { background: #b91c1c; border-color: #b91c1c; color: #fff; }
#download-verdicts { font: 13px system-ui, sans-serif; }
table.cats td { padding: 0 10px 0 0; }
"""


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; img-src data:; "
            f"base-uri 'none'; form-action 'none'")


def _source_text(path: str) -> str | None:
    """The file's text as the readers decoded it, so columns line up; None when it cannot be read again."""
    from copydesk.readers import BinaryFile, ReaderError, decode, detect_format

    try:
        data = Path(path).read_bytes()
        return decode(data, detect_format(path) or "txt")[0]
    except (OSError, BinaryFile, ReaderError, ValueError):
        return None


def _highlighted(text: str, spans: list[tuple[int, int, str, str]]) -> str:
    """The text, escaped, with line numbers, and a <mark> around every piece covered by a finding; a piece
    covered by several findings lists them all in data-ids."""
    points = {0, len(text)}
    for start, end, _, _ in spans:
        points.update((start, end))
    for m in _NEWLINE.finditer(text):  # marks never cross a line break, so line numbers stay outside them
        points.update((m.start(), m.end()))
    cuts = sorted(points)
    opening: dict[int, list[tuple[str, str]]] = {}
    closing: dict[int, list[str]] = {}
    for start, end, fid, sev in spans:
        if start < end:
            opening.setdefault(start, []).append((fid, sev))
            closing.setdefault(end, []).append(fid)
    active: dict[str, str] = {}  # a sweep over the cut points: linear in text and findings
    out = ['<span class="ln">1</span>']
    line = 1
    order = {"error": 0, "warning": 1, "info": 2}
    for a, b in zip(cuts, cuts[1:]):
        for fid in closing.get(a, ()):
            active.pop(fid, None)
        active.update(opening.get(a, ()))
        piece = text[a:b]
        if _NEWLINE.fullmatch(piece):
            line += 1
            out.append(f'\n<span class="ln">{line}</span>')
        elif active:
            worst = min(active.values(), key=order.__getitem__)
            out.append(f'<mark class="sev-{worst}" data-ids="{" ".join(active)}">{escape(piece)}</mark>')
        else:
            out.append(escape(piece))
    return "".join(out)


def _file_section(n: int, r, sources: dict[str, str] | None = None) -> str:
    if sources and r.path in sources:
        text = sources[r.path]
    else:
        text = _source_text(r.path) if not r.path.startswith("<") else None
    parts = [f'<section class="file" id="file-{n}"><h2>{escape(r.path)}<span class="score">'
             f'{"score " + str(r.score) + "/100 · " if r.score is not None else ""}{r.words:,} words · '
             f'{len(r.findings)} finding(s)</span></h2>']
    parts += [f'<p class="file-error">error: {escape(e)}</p>' for e in r.errors]
    parts += [f'<p class="notice">note: {escape(x)}</p>' for x in r.notices]
    items, spans = [], []
    starts = SourceText(text).line_starts if text is not None else []
    prints = fingerprints(r)
    for i, f in enumerate(r.findings):
        fid = f"f{n}-{i}"
        if text is not None and f.line <= len(starts) and f.end_line <= len(starts):
            start = min(len(text), starts[f.line - 1] + f.column - 1)
            end = min(len(text), starts[f.end_line - 1] + f.end_column - 1)
            spans.append((start, max(end, start + 1 if start < len(text) else start), fid, f.severity))
        items.append(
            f'<li class="item" data-id="{fid}" data-category="{escape(f.category)}" data-severity="{f.severity}" '
            f'data-fingerprint="{prints[i]}" data-code="{escape(f.code)}" data-confidence="{round(f.confidence, 3)}" '
            f'data-path="{escape(fingerprint_path(r.fingerprint_path or r.path))}" data-verdict="">'
            f'<a class="finding" href="#{fid}" data-target="{fid}"><span class="badge {f.severity}">{f.severity}</span> '
            f'<span class="code">{escape(f.code)}</span> {escape(f.rule)} · line {f.line}<br>{escape(f.message)}</a>'
            f'<span class="judging">'
            f'<button type="button" class="judge right" data-verdict="right" aria-pressed="false" '
            f'title="a real defect here">right</button>'
            f'<button type="button" class="judge wrong" data-verdict="wrong" aria-pressed="false" '
            f'title="not a defect here">wrong</button></span></li>')
    source = (_highlighted(text, spans) if text is not None
              else escape("\n".join(f"{k}: {v}" for k, v in sorted(r.lines.items()))) or "(no text to show)")
    parts.append(f'<div class="grid"><pre class="source">{source}</pre>'
                 f'<ol class="findings">{"".join(items) or "<li>No findings.</li>"}</ol></div></section>')
    return "".join(parts)


def render(results, summary, out: IO[str], sources: dict[str, str] | None = None, **_options) -> None:
    """The report page; `sources` gives a draft's text by path where it is not a file to read again (the desk)."""
    categories = sorted({f.category for r in results for f in r.findings})
    by_cat = Counter(f.category for r in results for f in r.findings)
    filters = "".join(f'<label><input type="checkbox" class="filter" value="cat:{escape(c)}" checked> '
                      f'{escape(c)} ({by_cat[c]})</label>' for c in categories)
    filters += "".join(f'<label><input type="checkbox" class="filter" value="sev:{s}" checked> {s} '
                       f'({summary.by_severity.get(s, 0)})</label>' for s in ("error", "warning", "info"))
    cats = "".join(f"<tr><td>{escape(c)}</td><td>{n}</td></tr>" for c, n in sorted(by_cat.items()))
    scored = [r.score for r in results if r.score is not None]
    head = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="copydesk {escape(__version__)}">'
            f'<title>copydesk report: {summary.files} file(s), {summary.findings} finding(s)</title>'
            f'<style>{STYLE}</style></head><body>')
    header = (f'<header><h1>copydesk report</h1><div class="summary">{summary.files} file(s), '
              f'{summary.words:,} words, {summary.findings} finding(s): {summary.by_severity.get("error", 0)} errors, '
              f'{summary.by_severity.get("warning", 0)} warnings, {summary.by_severity.get("info", 0)} info'
              f'{" · lowest score " + str(min(scored)) + "/100" if scored else ""}'
              f'<table class="cats">{cats}</table></div></header>')
    filters += ('<button type="button" id="download-verdicts" disabled title="the findings marked right or wrong, '
                'as a verdicts file for copydesk calibrate">Download verdicts (0)</button>')
    notes = "".join(f'<p class="notice">note: {escape(n)}</p>' for n in summary.notices)
    body = "".join(_file_section(n, r, sources) for n, r in enumerate(results))
    out.write(head + header + f'<nav class="filters">{filters}</nav>' + notes + body +
              f"<script>{SCRIPT}</script></body></html>\n")
