"""Judging packets for helper sessions: each article as copydesk read it (block by block, with source lines and
page regions), the findings to judge in it, and the rules' own definitions. Written outside the repository:
the packets hold the corpus's text, which is never copied into the project.

    .venv/bin/python benchmarks/verifier/packets.py FINDINGS.jsonl SELECTED.jsonl OUT_DIR --per-batch 120
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from copydesk.readers import read_article  # noqa: E402


def render(article_name: str) -> str:
    """The article as the rules saw it: one block a line group, 'L<first line>[-<last>] <kind>[region]: text'."""
    path = corpus.source_path(article_name)
    art = read_article(article_name, path.read_bytes())
    out = [f"# {article_name} ({art.format}{', saved web page' if art.whole_page else ''}); "
           f"lines are the file's own; blocks as copydesk read them", ""]
    core = art.story_core()
    for b in art.blocks:
        where = f"L{b.start_line}" + (f"-{b.end_line}" if b.end_line != b.start_line else "")
        tags = [b.kind + (str(b.heading_level) if b.heading_level else "")]
        if b.origin != "body":
            tags.append(b.origin)
        if b.region:
            tags.append("region=" + b.region)
        if core and not core[0] <= b.index <= core[1] and b.origin == "body":
            tags.append("outside-story-core")
        out.append(f"{where} [{' '.join(tags)}] {b.text}")
    return "\n".join(out) + "\n"


def rules_text() -> str:
    from copydesk.explain import explain_text
    from copydesk.registry import load_registry

    return "\n\n---\n\n".join(explain_text(c) for c in load_registry().cards)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("findings")
    ap.add_argument("selected", help="fingerprints to judge, one JSON object a line with 'fingerprint'")
    ap.add_argument("out")
    ap.add_argument("--per-batch", type=int, default=120)
    a = ap.parse_args()
    out = Path(a.out)
    (out / "articles").mkdir(parents=True, exist_ok=True)
    rows = {json.loads(l)["fingerprint"]: json.loads(l) for l in open(a.findings)}
    chosen = [json.loads(l)["fingerprint"] for l in open(a.selected)]
    by_article: dict[str, list[dict]] = defaultdict(list)
    for fp in chosen:
        r = rows[fp]
        by_article[r["article"]].append(r)
    (out / "rules.md").write_text(rules_text())
    batch, n, k = [], 0, 0

    def flush():
        nonlocal batch, k
        if not batch:
            return
        d = out / "batches" / f"{k:03d}"
        d.mkdir(parents=True, exist_ok=True)
        with open(d / "items.jsonl", "w") as fh:
            for r in batch:
                fh.write(json.dumps({key: r[key] for key in ("fingerprint", "article", "code", "line", "end_line",
                                                             "column", "end_column", "excerpt", "message",
                                                             "severity", "confidence", "article_file")}, ensure_ascii=False) + "\n")
        batch, k = [], k + 1

    for article_name in sorted(by_article):
        safe = article_name.replace("/", "__") + ".txt"
        target = out / "articles" / safe
        if not target.exists():
            target.write_text(render(article_name))
        for r in sorted(by_article[article_name], key=lambda r: (r["line"], r["column"])):
            r = dict(r, article_file=str(target))
            batch.append(r)
            n += 1
        if len(batch) >= a.per_batch:
            flush()
    flush()
    print(f"{n} findings in {k} batches under {out}")


if __name__ == "__main__":
    main()
