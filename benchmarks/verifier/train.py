"""Train the finding verifier from judged findings: deterministic, from two committed tables, no corpus text.

    .venv/bin/python benchmarks/verifier/train.py                # writes lint/copydesk/data/verifier.json
    .venv/bin/python benchmarks/verifier/train.py --check        # exit 1 if the shipped model is not what this makes
    .venv/bin/python benchmarks/verifier/train.py --report F     # figures by rule and by source, as JSON

Inputs (benchmarks/verifier/data/):
- findings.jsonl.gz: every finding copydesk proposed on the judged sets (collect.py), with its article, source group,
  whether the group is frozen, and its evidence features. No text.
- verdicts.jsonl: the verdicts (right, wrong, unsure) by fingerprint, with a reason, in copydesk's verdicts format.

Method (docs/verifier.md):
- One L2-regularised logistic model per category over the standardised features, with one intercept per rule.
  Findings are weighted by the inverse of their sampling rate (every blocking finding was judged, advisory ones
  were sampled per rule), so precision and the fit describe all findings, not the sample.
- Cross-validation groups by source: each BBC desk is a fold; the other sources are hashed into folds. A rule's
  threshold is the lowest at which its judged precision, estimated from out-of-fold probabilities, reaches the
  target; the reported cross-validated precision uses thresholds chosen inside each outer fold's training folds
  (nested), so it is not the figure the threshold was fitted to.
- The frozen sources (corpus.frozen) never enter training or threshold choice; their figures are reported once.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "lint"))

from copydesk.evidence import FEATURES_VERSION  # noqa: E402
from copydesk.calibrate import wilson  # noqa: E402
from copydesk.verifier import FORMAT, NO_GATE, auc, fit_logistic  # noqa: E402

DATA = HERE / "data"
MODEL = ROOT / "lint" / "copydesk" / "data" / "verifier.json"
TARGET = 0.85  # judged precision at the gate
MIN_VERDICTS = 12  # a rule with fewer judged findings keeps its card's own weighing
MIN_KEPT = 3  # a threshold must keep at least this many right findings (weighted) to count
L2_GRID = (1.0, 4.0, 16.0, 64.0)  # per category, the one with the best out-of-fold log-loss is used
Z = 1.0  # thresholds need the lower bound (Wilson, z = 1) of the judged precision to reach the target
FOLDS = 6  # folds for the sources other than the BBC desks
# Features whose spread is below this are dropped for a category (constant there: nothing to learn).
MIN_SCALE = 1e-6
VERSION = "2026-12-07.1"
# A category with fewer verdicts than this is fitted on the core features only: with a few dozen verdicts, most of
# them from the dev drafts, the weights on how the rules fire would learn the injected drafts, not the defect.
SMALL_CATEGORY = 200
CORE_FEATURES = frozenset(("strength", "span_words", "in_quote", "block_quote_share", "saved_page", "outside_core",
                           "in_region", "first_line", "first_block", "position", "relaxed", "first_person",
                           "second_person", "block_voice", "record_share", "repeated_shape", "lexical_rel",
                           "semantic_rel", "semantic_known", "block_words", "title_case", "genre_opinion",
                           "genre_review", "genre_personal", "genre_howto", "genre_product"))


def read_jsonl(path: Path) -> list[dict]:
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return [json.loads(l) for l in fh if l.strip()]
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def fold_of(group: str) -> str:
    if group.startswith("bbc-"):
        return group
    return f"f{int(hashlib.sha256(group.encode()).hexdigest(), 16) % FOLDS}"


def load(findings_path: Path, verdicts_path: Path):
    findings = read_jsonl(findings_path)
    verdicts = {}
    for v in read_jsonl(verdicts_path):
        verdicts[v["fingerprint"]] = v  # the last verdict per fingerprint stands
    # Sampling weights: per rule and whether the landed gate blocked it, all findings over judged findings.
    pool, judged = Counter(), Counter()
    for f in findings:
        stratum = (f["code"], f["blocks0"], f["article"].split("/")[0])
        pool[stratum] += 1
        v = verdicts.get(f["fingerprint"])
        if v and v["verdict"] != "unsure":
            judged[stratum] += 1
    rows = []
    for f in findings:
        v = verdicts.get(f["fingerprint"])
        if not v or v["verdict"] == "unsure" or not f.get("features"):
            continue
        stratum = (f["code"], f["blocks0"], f["article"].split("/")[0])
        rows.append({**f, "y": int(v["verdict"] == "right"), "w": pool[stratum] / judged[stratum]})
    return findings, rows


class CategoryFit:
    """A fitted category model: feature list, standardisation, weights, per-rule intercepts."""

    def __init__(self, rows: list[dict], l2: float, core: bool = False):
        names = sorted({k for r in rows for k in r["features"] if not core or k in CORE_FEATURES})
        cols = {n: [r["features"].get(n, 0.0) for r in rows] for n in names}
        self.features, self.mean, self.scale = [], {}, {}
        for n in names:
            xs, ws = cols[n], [r["w"] for r in rows]
            tw = sum(ws)
            m = sum(x * w for x, w in zip(xs, ws)) / tw
            sd = math.sqrt(sum(w * (x - m) ** 2 for x, w in zip(xs, ws)) / tw)
            if sd > MIN_SCALE:
                self.features.append(n)
                self.mean[n], self.scale[n] = m, sd
        self.codes = sorted({r["code"] for r in rows})
        X = [self.row(r["features"], r["code"]) for r in rows]
        y = [r["y"] for r in rows]
        w = fit_logistic(X, y, l2, weights=[r["w"] for r in rows])
        self.bias = w[0]
        self.weights = dict(zip(self.features, w[1:1 + len(self.features)]))
        self.rule_bias = dict(zip(self.codes, w[1 + len(self.features):]))

    def row(self, values: dict, code: str) -> list[float]:
        x = [1.0] + [(values.get(n, 0.0) - self.mean[n]) / self.scale[n] for n in self.features]
        return x + [1.0 if code == c else 0.0 for c in self.codes]

    def prob(self, values: dict, code: str) -> float:
        z = self.bias + self.rule_bias.get(code, 0.0) + sum(
            self.weights[n] * (values.get(n, 0.0) - self.mean[n]) / self.scale[n] for n in self.features)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict:
        r = lambda v: round(v, 6)  # noqa: E731
        return {"features": self.features, "mean": {n: r(self.mean[n]) for n in self.features},
                "scale": {n: r(self.scale[n]) for n in self.features},
                "weights": {n: r(self.weights[n]) for n in self.features}, "bias": r(self.bias),
                "rule_bias": {c: r(v) for c, v in self.rule_bias.items()}}


def precision(scored: list[tuple[float, int, float]], t: float) -> tuple[float, float, float]:
    """(precision, weighted right kept, weighted wrong kept) of the findings scoring at or above t."""
    right = sum(w for p, y, w in scored if p >= t and y)
    wrong = sum(w for p, y, w in scored if p >= t and not y)
    return (right / (right + wrong) if right + wrong else float("nan")), right, wrong


def choose_threshold(scored: list[tuple[float, int, float]], target: float = TARGET) -> float:
    """The lowest threshold at which the lower bound of the judged precision of the findings at or above it
    reaches target (a threshold fitted to a noisy estimate would not hold on other outlets), keeping at least
    MIN_KEPT right ones; NO_GATE when none does."""
    for t in sorted({round(p, 4) for p, _, _ in scored}):
        _, right, wrong = precision(scored, t)
        if right >= MIN_KEPT and wilson(right, right + wrong, Z)[0] >= target:
            return t
    return NO_GATE


def log_loss(rows: list[dict], probs: dict[int, float]) -> float:
    total = sum(r["w"] for r in rows)
    return -sum(r["w"] * math.log(min(1 - 1e-9, max(1e-9, probs[i] if r["y"] else 1 - probs[i])))
                for i, r in enumerate(rows)) / total


def choose_l2(rows: list[dict]) -> float:
    """The grid's penalty with the lowest out-of-fold log-loss (ties: the stronger penalty)."""
    scored = []
    for l2 in L2_GRID:
        oof = out_of_fold(rows, l2, len(rows) < SMALL_CATEGORY)
        scored.append((round(log_loss(rows, oof), 6), -l2))
    return -min(scored)[1]


def out_of_fold(rows: list[dict], l2: float, core: bool = False) -> dict[int, float]:
    """Each row's probability from a model trained without its fold."""
    folds = sorted({fold_of(r["group"]) for r in rows})
    out: dict[int, float] = {}
    for k in folds:
        train = [r for r in rows if fold_of(r["group"]) != k]
        test = [(i, r) for i, r in enumerate(rows) if fold_of(r["group"]) == k]
        if not test:
            continue
        if len({r["y"] for r in train}) < 2:
            for i, _ in test:
                out[i] = sum(r["y"] for r in train) / max(1, len(train))
            continue
        fit = CategoryFit(train, l2, core)
        for i, r in test:
            out[i] = fit.prob(r["features"], r["code"])
    return out


def train(rows: list[dict], target: float = TARGET):
    """The model (JSON-ready) and the cross-validated figures, from the training rows (frozen sources excluded)."""
    by_cat: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        by_cat[r["category"]].append(r)
    counts = Counter(r["code"] for r in rows)
    model = {"format": FORMAT, "version": VERSION, "features_version": FEATURES_VERSION, "target_precision": target,
             "categories": {}, "rules": {}}
    figures: dict[str, dict] = {}
    cv_rows: list[tuple] = []  # (fold, y, weight, out-of-fold probability, blocks under nested CV, blocked before, strength)
    for cat, crow in sorted(by_cat.items()):
        if len({r["y"] for r in crow}) < 2:
            continue
        l2 = choose_l2(crow)
        core = len(crow) < SMALL_CATEGORY
        fit = CategoryFit(crow, l2, core)
        model["categories"][cat] = dict(fit.to_json(), l2=l2)
        oof = out_of_fold(crow, l2, core)
        # Nested: for each outer fold, thresholds from the out-of-fold probabilities of the other folds only.
        nested_gate: dict[int, bool] = {}
        for k in sorted({fold_of(r["group"]) for r in crow}):
            inner = [r for r in crow if fold_of(r["group"]) != k]
            inner_oof = out_of_fold(inner, l2, core) if len({r["y"] for r in inner}) == 2 else {}
            for code in {r["code"] for r in crow}:
                scored = [(inner_oof[i], r["y"], r["w"]) for i, r in enumerate(inner) if r["code"] == code and i in inner_oof]
                t = choose_threshold(scored, target) if scored else NO_GATE
                for i, r in enumerate(crow):
                    if fold_of(r["group"]) == k and r["code"] == code:
                        nested_gate[i] = oof[i] >= t
        for code in sorted({r["code"] for r in crow}):
            idx = [i for i, r in enumerate(crow) if r["code"] == code]
            scored = [(oof[i], crow[i]["y"], crow[i]["w"]) for i in idx]
            t = choose_threshold(scored, target)
            ys = [crow[i]["y"] for i in idx]
            right_all = sum(crow[i]["w"] for i in idx if crow[i]["y"])
            gate_r = sum(crow[i]["w"] for i in idx if nested_gate.get(i) and crow[i]["y"])
            gate_w = sum(crow[i]["w"] for i in idx if nested_gate.get(i) and not crow[i]["y"])
            old_r = sum(crow[i]["w"] for i in idx if crow[i]["blocks0"] and crow[i]["y"])
            old_w = sum(crow[i]["w"] for i in idx if crow[i]["blocks0"] and not crow[i]["y"])
            figures[code] = {
                "category": cat, "verdicts": len(idx), "right": sum(ys), "wrong": len(ys) - sum(ys),
                "auc_strength": _r(auc([crow[i]["features"].get("strength", 0.0) for i in idx], ys)),
                "auc_verifier_cv": _r(auc([oof[i] for i in idx], ys)),
                "threshold": t if t == NO_GATE else round(t, 4),
                "cv_gate_precision": _r(gate_r / (gate_r + gate_w)) if gate_r + gate_w else None,
                "cv_gate_right_share": _r(gate_r / right_all) if right_all else None,
                "cv_gate_blocking": round(gate_r + gate_w, 1),
                "landed_gate_precision": _r(old_r / (old_r + old_w)) if old_r + old_w else None,
                "landed_gate_blocking": round(old_r + old_w, 1),
            }
            for i in idx:
                r = crow[i]
                cv_rows.append((fold_of(r["group"]), r["y"], r["w"], oof[i], bool(nested_gate.get(i)), r["blocks0"],
                                r["features"].get("strength", 0.0), cat))
            if counts[code] >= MIN_VERDICTS and len(set(ys)) == 2 or counts[code] >= MIN_VERDICTS * 2:
                own, learned = figures[code]["auc_strength"], figures[code]["auc_verifier_cv"]
                if own is not None and learned is not None and learned <= own:
                    # The rule's own confidence separates right from wrong at least as well as the model: it keeps
                    # its card's weighing if that gate is precise enough on the judged findings, and is advisory
                    # otherwise (shown, never blocking).
                    card = figures[code]["landed_gate_precision"]
                    figures[code]["mode"] = "card" if card is not None and card >= target else "advisory"
                    if figures[code]["mode"] == "advisory":
                        model["rules"][code] = {"category": cat, "threshold": NO_GATE, "mode": "advisory",
                                                "verdicts": len(idx)}
                    continue
                figures[code]["mode"] = "verifier"
                model["rules"][code] = {"category": cat, "threshold": figures[code]["threshold"],
                                        "verdicts": len(idx)}
    # A rule the model does not cover whose blocking findings were judged, and shown below the target (the upper
    # bound of their precision under it), never blocks: it keeps its own confidence, shown as advice.
    for code in sorted({r["code"] for r in rows} - set(model["rules"])):
        gate = [r for r in rows if r["code"] == code and r["blocks0"]]
        right = sum(r["w"] for r in gate if r["y"])
        total = sum(r["w"] for r in gate)
        if len(gate) >= MIN_KEPT and wilson(right, total, Z)[1] < target:
            cat = gate[0]["category"]
            model["rules"][code] = {"category": cat, "threshold": NO_GATE, "mode": "advisory", "verdicts": len(gate)}
            figures.setdefault(code, {"category": cat, "verdicts": len(gate), "right": sum(r["y"] for r in gate),
                                      "wrong": len(gate) - sum(r["y"] for r in gate), "auc_strength": None,
                                      "auc_verifier_cv": None, "threshold": NO_GATE, "cv_gate_precision": None,
                                      "cv_gate_right_share": None, "cv_gate_blocking": 0,
                                      "landed_gate_precision": _r(right / total), "landed_gate_blocking": round(total, 1)})
            figures[code]["mode"] = "advisory"
    by_fold: dict[str, dict] = {}
    editorial = ("neutrality", "sourcing", "relevance")
    for k in sorted({row[0] for row in cv_rows}) + [f"{k} (neutrality, sourcing, relevance)"
                                                      for k in sorted({row[0] for row in cv_rows})]:
        fold = k.split(" ")[0]
        part = [row for row in cv_rows if row[0] == fold and (" " not in k or row[7] in editorial)]
        ys = [row[1] for row in part]
        gr = sum(row[2] for row in part if row[4] and row[1])
        gw = sum(row[2] for row in part if row[4] and not row[1])
        lr = sum(row[2] for row in part if row[5] and row[1])
        lw = sum(row[2] for row in part if row[5] and not row[1])
        by_fold[k] = {"verdicts": len(part), "right": sum(ys), "auc_strength": _r(auc([row[6] for row in part], ys)),
                      "auc_verifier_cv": _r(auc([row[3] for row in part], ys)),
                      "cv_gate_precision": _r(gr / (gr + gw)) if gr + gw else None, "cv_gate_blocking": round(gr + gw, 1),
                      "landed_gate_precision": _r(lr / (lr + lw)) if lr + lw else None,
                      "landed_gate_blocking": round(lr + lw, 1)}
    return model, figures, by_fold


def _r(v):
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else round(v, 3)


def evaluate(model: dict, rows: list[dict]) -> dict:
    """Gate precision and AUC of a trained model on rows it never saw (the frozen sources), by rule."""
    from copydesk.verifier import parse

    v = parse(model, "model")
    out: dict[str, dict] = {}
    for code in sorted({r["code"] for r in rows}):
        rs = [r for r in rows if r["code"] == code]
        if code not in v.rules:
            continue
        probs = [v.rules[code].score(r["features"])[0] for r in rs]
        t = v.rules[code].threshold
        gr = sum(r["w"] for r, p in zip(rs, probs) if p >= t and r["y"])
        gw = sum(r["w"] for r, p in zip(rs, probs) if p >= t and not r["y"])
        orr = sum(r["w"] for r in rs if r["blocks0"] and r["y"])
        ow = sum(r["w"] for r in rs if r["blocks0"] and not r["y"])
        out[code] = {"verdicts": len(rs), "right": sum(r["y"] for r in rs),
                     "auc_strength": _r(auc([r["features"].get("strength", 0) for r in rs], [r["y"] for r in rs])),
                     "auc_verifier": _r(auc(probs, [r["y"] for r in rs])),
                     "gate_precision": _r(gr / (gr + gw)) if gr + gw else None, "gate_blocking": round(gr + gw, 1),
                     "landed_precision": _r(orr / (orr + ow)) if orr + ow else None,
                     "landed_blocking": round(orr + ow, 1)}
    return out


def evaluate_all(model: dict, rows: list[dict]) -> dict:
    """The frozen sources as a whole: AUC of the rules' own confidence and of the verifier's, and the gate."""
    from copydesk.verifier import parse

    v = parse(model, "model")
    rs = [r for r in rows if r["code"] in v.rules]
    probs = [v.rules[r["code"]].score(r["features"])[0] for r in rs]
    ys = [r["y"] for r in rs]
    gate = [p >= v.rules[r["code"]].threshold for r, p in zip(rs, probs)]
    gr = sum(r["w"] for r, g in zip(rs, gate) if g and r["y"])
    gw = sum(r["w"] for r, g in zip(rs, gate) if g and not r["y"])
    lr = sum(r["w"] for r in rs if r["blocks0"] and r["y"])
    lw = sum(r["w"] for r in rs if r["blocks0"] and not r["y"])
    return {"verdicts": len(rs), "right": sum(ys), "sources": len({r["group"] for r in rs}),
            "auc_strength": _r(auc([r["features"].get("strength", 0.0) for r in rs], ys)), "auc_verifier": _r(auc(probs, ys)),
            "gate_precision": _r(gr / (gr + gw)) if gr + gw else None, "gate_blocking": round(gr + gw, 1),
            "landed_precision": _r(lr / (lr + lw)) if lr + lw else None, "landed_blocking": round(lr + lw, 1)}


def render(model: dict) -> str:
    return json.dumps(model, indent=1, sort_keys=True) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--findings", default=str(DATA / "findings.jsonl.gz"))
    ap.add_argument("--verdicts", default=str(DATA / "verdicts.jsonl"))
    ap.add_argument("--out", default=str(MODEL))
    ap.add_argument("--check", action="store_true", help="compare with the shipped model instead of writing it")
    ap.add_argument("--report", help="write the figures (cross-validated and frozen) to this JSON file")
    ap.add_argument("--target", type=float, default=TARGET)
    a = ap.parse_args()
    _, rows = load(Path(a.findings), Path(a.verdicts))
    training = [r for r in rows if not r["frozen"]]
    frozen = [r for r in rows if r["frozen"]]
    model, figures, by_fold = train(training, target=a.target)
    model["trained_on"] = {"verdicts": len(training), "right": sum(r["y"] for r in training),
                           "sources": len({r["group"] for r in training}),
                           "frozen_sources_left_out": len({r["group"] for r in frozen})}
    text = render(model)
    if a.check:
        shipped = Path(a.out).read_text(encoding="utf-8") if Path(a.out).exists() else ""
        if shipped != text:
            print(f"{a.out} is not what train.py makes from the committed data", file=sys.stderr)
            sys.exit(1)
        print("the shipped model is what train.py makes")
        return
    Path(a.out).write_text(text, encoding="utf-8")
    print(f"wrote {a.out}: {len(model['rules'])} rules, {len(training)} verdicts for training, "
          f"{len(frozen)} frozen", file=sys.stderr)
    if a.report:
        report = {"cross_validated": figures, "by_fold": by_fold, "frozen": evaluate(model, frozen),
                  "frozen_all": evaluate_all(model, frozen), "trained_on": model["trained_on"]}
        Path(a.report).write_text(json.dumps(report, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
