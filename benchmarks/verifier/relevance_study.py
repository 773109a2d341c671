"""How well word overlap and meaning separate pasted off-topic paragraphs from on-topic ones (issue 34, part 4).

    .venv/bin/python benchmarks/verifier/relevance_study.py [--out /tmp/rel.jsonl]

For every paragraph REL001 would judge (prose, long enough) in the dev drafts (labelled: a paragraph from another
article is injected into most), the clean articles and the BBC set: its share of content words found elsewhere
in the article (cohesion, as REL001 computes it) and the cosine of its MiniLM embedding to the mean of the
other judged paragraphs'. Prints each score's AUC and, for REL001's lexical gate with a semantic cut, the
recall on the drafts beside the clean and BBC articles flagged.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from copydesk import semantic  # noqa: E402
from copydesk.kinds.relevance import judged_blocks  # noqa: E402
from copydesk.nlp import annotate  # noqa: E402
from copydesk.readers import read_article  # noqa: E402
from copydesk.topic import lemma_share, profile  # noqa: E402
from copydesk.verifier import auc  # noqa: E402

LABELS = corpus.SHARED / "corpus" / "dev" / "labels.jsonl"


def injected(article_name: str, labels: dict) -> set[int]:
    lab = labels.get(article_name.split("/", 1)[1])
    if not lab:
        return set()
    return {n for g in lab["defects"] if g["category"] == "relevance" for n in range(g["lines"][0], g["lines"][1] + 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="/tmp/relevance-study.jsonl")
    ap.add_argument("--sets", default="drafts,clean,bbc")
    a = ap.parse_args()
    labels = {json.loads(l)["file"].split("/")[-1]: json.loads(l) for l in LABELS.read_text().splitlines()}
    rows = []
    for name in a.sets.split(","):
        for path, article_name in corpus.files(name):
            art = read_article(article_name, path.read_bytes())
            annotate(art, None, frozenset(("tags", "lemmas", "entities")))
            prof = profile(art)
            if prof is None:
                continue
            judged = judged_blocks(art, prof)
            if len(judged) < 4:
                continue
            gold = injected(article_name, labels) if name == "drafts" else set()
            texts = [bp.block.text for _, bp, _ in judged]
            sem = semantic.relatedness(texts, list(range(len(texts))))
            for k, (i, bp, cohesion) in enumerate(judged):
                b = bp.block
                rows.append({"article": article_name, "set": name, "group": corpus.group(article_name),
                             "cohesion": round(cohesion, 4), "semantic": round(sem[k], 4),
                             "label": int(bool(gold & set(range(b.start_line, b.end_line + 1))))})
    with open(a.out, "w") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
    drafts = [r for r in rows if r["set"] == "drafts"]
    y = [r["label"] for r in drafts]
    print(json.dumps({"paragraphs": len(rows), "drafts_positive": sum(y),
                      "auc_cohesion": round(auc([-r["cohesion"] for r in drafts], y), 3),
                      "auc_semantic": round(auc([-r["semantic"] for r in drafts], y), 3)}))


if __name__ == "__main__":
    main()
