"""The finding verifier: a small logistic model per category that turns a finding's evidence into its confidence.

Rules propose candidates; copydesk.evidence describes each candidate's setting as named numbers; this module
weighs them with coefficients learned from judged findings (benchmarks/verifier/train.py, docs/verifier.md)
and kept in a versioned JSON text file inside the package (copydesk/data/verifier.json). A finding's confidence
is the model's probability that an editor would call it right; it blocks when that reaches its rule's
threshold, chosen for judged precision under cross-validation that leaves whole outlets out.

Scoring is a dot product over a few dozen numbers: microseconds a finding. A newsroom's own model (written by
`copydesk calibrate --refit`) has the same format and is named by the `verifier` setting.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

FORMAT = 1
SHIPPED = Path(__file__).resolve().parent / "data" / "verifier.json"
NO_GATE = 1.01  # a threshold no probability reaches: the rule's findings are shown, never blocking
TOP = 4  # features shown as "why this confidence"


class VerifierError(Exception):
    """The model file cannot be read or is not a verifier model; one line for the user, exit 2."""


@dataclass(frozen=True)
class CategoryModel:
    """One category's logistic model: standardised features (mean, scale) and their weights, plus one weight per
    rule of the category (its base rate relative to the category's)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    rule_bias: tuple[tuple[str, float], ...]

    def logit(self, code: str, values: dict[str, float]) -> tuple[float, list[tuple[str, float, float]]]:
        z = self.bias + dict(self.rule_bias).get(code, 0.0)
        parts = []
        for name, m, s, w in zip(self.features, self.mean, self.scale, self.weights):
            x = values.get(name, 0.0)
            c = w * (x - m) / s
            z += c
            parts.append((name, x, c))
        return z, parts


@dataclass(frozen=True)
class RuleModel:
    """What the model says of one rule: its category's model and the threshold at which it blocks."""

    code: str
    category: str
    threshold: float
    model: CategoryModel = field(repr=False)
    key: str = ""  # the model file's hash: part of the result cache's key
    # "verifier": the model's probability is the confidence. "advisory": the rule keeps its own confidence (the
    # model did not separate right from wrong better) but never blocks (its judged gate was not precise enough).
    mode: str = "verifier"

    def score(self, values: dict[str, float]) -> tuple[float, list[list[Any]]]:
        """(probability, the features that weighed most: [[name, value, weight], ...])."""
        z, parts = self.model.logit(self.code, values)
        p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
        parts.sort(key=lambda t: -abs(t[2]))
        why = [[name, round(x, 3), round(c, 3)] for name, x, c in parts[:TOP] if abs(c) >= 0.05]
        return p, why


@dataclass(frozen=True)
class Verifier:
    path: str
    version: str
    rules: dict[str, RuleModel]
    data: dict[str, Any] = field(repr=False, compare=False, hash=False, default_factory=dict)

    def covers(self, code: str) -> bool:
        return code in self.rules


def _category(data: dict[str, Any], where: str) -> CategoryModel:
    try:
        feats = tuple(str(n) for n in data["features"])
        mean = tuple(float(data["mean"][n]) for n in feats)
        scale = tuple(float(data["scale"][n]) or 1.0 for n in feats)
        weights = tuple(float(data["weights"][n]) for n in feats)
        rule_bias = tuple((str(k), float(v)) for k, v in sorted(data.get("rule_bias", {}).items()))
        return CategoryModel(feats, mean, scale, weights, float(data["bias"]), rule_bias)
    except (KeyError, TypeError, ValueError) as exc:
        raise VerifierError(f"{where}: a category model is malformed ({type(exc).__name__}: {exc})") from None


def parse(data: Any, where: str) -> Verifier:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise VerifierError(f"{where}: not a copydesk verifier model (format {FORMAT})")
    from copydesk.evidence import FEATURES_VERSION

    if data.get("features_version") != FEATURES_VERSION:
        raise VerifierError(f"{where}: made for evidence features version {data.get('features_version')}, "
                            f"this copydesk computes version {FEATURES_VERSION}: refit it (copydesk calibrate --refit)")
    cats = {name: _category(c, f"{where}: {name}") for name, c in (data.get("categories") or {}).items()}
    key = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]
    rules: dict[str, RuleModel] = {}
    empty = CategoryModel((), (), (), (), 0.0, ())
    for code, r in (data.get("rules") or {}).items():
        if not isinstance(r, dict) or (r.get("category") not in cats and r.get("mode") != "advisory"):
            raise VerifierError(f"{where}: rule {code} names no category model")
        threshold = r.get("threshold")
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 <= threshold <= NO_GATE:
            raise VerifierError(f"{where}: rule {code} has no threshold from 0 to 1 (or {NO_GATE} for never)")
        mode = r.get("mode", "verifier")
        if mode not in ("verifier", "advisory"):
            raise VerifierError(f"{where}: rule {code} has an unknown mode {mode!r}")
        rules[str(code)] = RuleModel(str(code), str(r.get("category")), float(threshold),
                                     cats.get(r.get("category"), empty), key, mode)
    return Verifier(where, str(data.get("version", "")), rules, data)


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Verifier:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise VerifierError(f"the verifier model {path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerifierError(f"cannot read the verifier model {path}: {exc}") from None
    return parse(data, path)


def load(path: str | Path | None = None) -> Verifier:
    """The shipped model, or a newsroom's (a path); read once per file version."""
    p = Path(path) if path else SHIPPED
    try:
        mtime = p.stat().st_mtime
    except OSError:
        mtime = 0.0
    return _load(str(p), mtime)


def verify(card: Any, findings: list[Any]) -> list[Any]:
    """Weigh each finding of a verified card: its confidence becomes the model's probability, and it is advisory
    (info) below the card's advisory-below, which is the model's threshold unless the config sets one. Findings
    below min-confidence are not reported. The genre policy is one of the features, not an override."""
    out = []
    for f in findings:
        if f.features is None:  # not annotated (should not happen): keep the card's own weighing
            out.append(f)
            continue
        p, why = card.verifier.score(f.features)
        f.confidence = p
        f.why = why
        if p < card.min_confidence:
            continue
        if (p < card.advisory_below or f.advisory_only) and f.severity != "info":
            f.severity = "info"
            f.advisory = True
        out.append(f)
    return out


# -- training helpers shared by the training script and `copydesk calibrate --refit` ----------------------------

def fit_logistic(X: list[list[float]], y: list[int], l2: float, prior: list[float] | None = None,
                 weights: list[float] | None = None, iters: int = 60) -> list[float]:
    """L2-regularised logistic regression by Newton's method (deterministic, exact to rounding). Column 0 is the
    intercept (not penalised). With `prior`, the penalty pulls the weights toward it instead of toward zero:
    a newsroom's refit starts from the shipped model and moves only as far as its own verdicts justify."""
    import numpy as np

    A = np.asarray(X, dtype=float)
    t = np.asarray(y, dtype=float)
    n, d = A.shape
    sw = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    w0 = np.zeros(d) if prior is None else np.asarray(prior, dtype=float)
    w = w0.copy()
    pen = np.full(d, l2)
    pen[0] = 0.0 if prior is None else l2 * 0.1
    for _ in range(iters):
        z = np.clip(A @ w, -30, 30)
        p = 1.0 / (1.0 + np.exp(-z))
        g = A.T @ (sw * (p - t)) + pen * (w - w0)
        h = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(pen) + 1e-9 * np.eye(d)
        step = np.linalg.solve(h, g)
        w -= step
        if float(np.max(np.abs(step))) < 1e-10:
            break
    return [float(v) for v in w]


def auc(scores: list[float], labels: list[int]) -> float | None:
    """The probability that a right finding scores above a wrong one (ties count half); None without both."""
    pos = [s for s, l in zip(scores, labels) if l]
    neg = [s for s, l in zip(scores, labels) if not l]
    if not pos or not neg:
        return None
    ranked = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    # rank-sum with average ranks for ties
    total, i, rank_sum = len(ranked), 0, 0.0
    while i < total:
        j = i
        while j + 1 < total and ranked[j + 1][0] == ranked[i][0]:
            j += 1
        avg = (i + j) / 2 + 1
        rank_sum += avg * sum(1 for k in range(i, j + 1) if ranked[k][1])
        i = j + 1
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))

