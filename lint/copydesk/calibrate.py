"""A newsroom's verdicts turned into its gate: judged precision per rule, and the thresholds that reach a target."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from copydesk.verdicts import Verdict

DEFAULT_TARGET = 0.85
# The lower bound is one-sided at about 84% (z = 1): strict enough that a rule is not trusted on three lucky
# verdicts, loose enough that a standards editor's afternoon (a few hundred verdicts) can move a rule. --z sets it.
DEFAULT_Z = 1.0
BANDS = (0.0, 0.5, 0.7, 0.8, 0.9)  # lower edges of the confidence bands `copydesk stats` counts in
BLOCK_START = "# >>> copydesk calibrate"
BLOCK_END = "# <<< copydesk calibrate"


def wilson(right: int, n: int, z: float = DEFAULT_Z) -> tuple[float, float]:
    """Wilson's score interval for a proportion of right out of n: (lower, upper); (0, 1) when n is 0."""
    if n <= 0:
        return 0.0, 1.0
    p = right / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - margin), min(1.0, centre + margin)


def verdicts_needed(target: float, z: float = DEFAULT_Z) -> int:
    """The fewest verdicts whose lower bound can reach target at all (every one of them right)."""
    if target >= 1:
        return 10**9
    return max(1, math.ceil(target * z * z / (1 - target) - 1e-9))


def at_gate(v: Verdict, advisory_below: float) -> bool:
    """Whether the finding judged blocks under this threshold: shown as a warning or error when judged (the
    severity recorded with the verdict), and at or above the threshold."""
    if v.severity == "info":
        return False
    if v.confidence is None:
        return v.severity in ("warning", "error")
    return v.confidence >= advisory_below - 1e-9


# -- stats ---------------------------------------------------------------------------------------------------

@dataclass
class RuleStats:
    code: str
    right: int = 0
    wrong: int = 0
    unsure: int = 0
    gate_right: int = 0
    gate_wrong: int = 0
    unjudged: int | None = None  # findings of the rule in the files checked with no verdict (None: not checked)
    bands: dict[str, list[int]] = field(default_factory=dict)  # band -> [right, wrong]

    def precision(self, gate: bool = False) -> float | None:
        r, w = (self.gate_right, self.gate_wrong) if gate else (self.right, self.wrong)
        return r / (r + w) if r + w else None


def band_of(confidence: float | None) -> str:
    if confidence is None:
        return "unknown"
    edges = [b for b in BANDS if confidence >= b - 1e-9]
    low = edges[-1]
    higher = [b for b in BANDS if b > low]
    return f"{low:.1f}-{higher[0]:.1f}" if higher else f"{low:.1f}-1.0"


def judged_stats(verdicts: Iterable[Verdict], thresholds: dict[str, float],
                 unjudged: dict[str, int] | None = None) -> list[RuleStats]:
    """Per rule: verdicts over all findings and at the gate (thresholds: each rule's advisory-below now), per
    confidence band, and (when files were checked) how many findings have no verdict yet."""
    stats: dict[str, RuleStats] = {}
    for v in verdicts:
        s = stats.setdefault(v.code, RuleStats(v.code))
        if v.verdict == "unsure":
            s.unsure += 1
            continue
        right = v.verdict == "right"
        s.right += right
        s.wrong += not right
        if at_gate(v, thresholds.get(v.code, 0.0)):
            s.gate_right += right
            s.gate_wrong += not right
        counts = s.bands.setdefault(band_of(v.confidence), [0, 0])
        counts[0 if right else 1] += 1
    for code, n in (unjudged or {}).items():
        stats.setdefault(code, RuleStats(code)).unjudged = n
    if unjudged is not None:
        for s in stats.values():
            s.unjudged = s.unjudged or 0
    return [stats[c] for c in sorted(stats)]


# -- calibrate -----------------------------------------------------------------------------------------------

@dataclass
class Calibration:
    """What calibrate decided for one rule, and the figures it decided on."""

    code: str
    severity: str
    before: float  # advisory-below now
    after: float  # advisory-below chosen (equal to before when left alone)
    used: int  # verdicts (right or wrong) on findings at the gate now
    right_before: int
    wrong_before: int
    right_after: int
    wrong_after: int
    status: str  # kept | raised | advisory | too-few | unclear | not-gating
    needs: int = 0  # more verdicts needed before anything can be said (status too-few)
    demote: bool = False  # no threshold reaches the target: every finding advisory (severity info)

    @property
    def changed(self) -> bool:
        return self.after != self.before or self.demote

    def precision(self, after: bool) -> float | None:
        r, w = (self.right_after, self.wrong_after) if after else (self.right_before, self.wrong_before)
        return r / (r + w) if r + w else None


def calibrate(verdicts: Iterable[Verdict], cards: dict[str, object], target: float = DEFAULT_TARGET,
              z: float = DEFAULT_Z) -> list[Calibration]:
    """For each rule with verdicts, the lowest advisory-below (never below the current one) at which the lower
    bound of its judged precision at the gate reaches target: the threshold that keeps the most right findings
    blocking. It changes thresholds only, never detection, and never raises a rule above its card's severity:
    a rule whose findings no threshold makes precise enough is made advisory (severity info) instead.

    Verdicts without a confidence, unsure ones, and those on findings that do not block now are not used."""
    need = verdicts_needed(target, z)
    by_rule: dict[str, list[Verdict]] = {}
    for v in verdicts:
        by_rule.setdefault(v.code, []).append(v)
    out = []
    for code in sorted(by_rule):
        card = cards.get(code)
        if card is None:
            continue  # a rule this config does not run (or a house rule since removed): nothing to set
        before = float(card.advisory_below)
        severity = card.severity
        judged = [v for v in by_rule[code] if v.verdict in ("right", "wrong") and v.confidence is not None
                  and v.confidence >= before - 1e-9 and (v.severity in (None, "warning", "error"))]
        right = sum(v.verdict == "right" for v in judged)
        wrong = len(judged) - right
        result = Calibration(code, severity, before, before, len(judged), right, wrong, right, wrong, "kept")
        if severity == "info":
            result.status = "not-gating"
            out.append(result)
            continue
        if len(judged) < need:
            result.status = "too-few"
            result.needs = need - len(judged)
            out.append(result)
            continue
        chosen = None
        for threshold in sorted({before} | {v.confidence for v in judged}):
            kept = [v for v in judged if v.confidence >= threshold - 1e-9]
            r = sum(v.verdict == "right" for v in kept)
            if len(kept) >= need and wilson(r, len(kept), z)[0] >= target:
                chosen = (threshold, r, len(kept) - r)
                break
        if chosen is not None:
            result.after, result.right_after, result.wrong_after = round(chosen[0], 3), chosen[1], chosen[2]
            result.status = "kept" if result.after == before else "raised"
        elif wilson(right, len(judged), z)[1] < target:
            # Demonstrably below the target at every threshold: shown as advice, never blocking.
            result.demote = True
            result.right_after = result.wrong_after = 0
            result.status = "advisory"
        else:
            result.status = "unclear"  # not shown to be precise, nor shown not to be: more verdicts will tell
            result.needs = _more_needed(right, len(judged), target, z)
        out.append(result)
    return out


def _more_needed(right: int, n: int, target: float, z: float) -> int:
    """How many more verdicts, at the rate seen so far, before the lower bound could reach target (0: never)."""
    if n == 0 or right / n <= target:
        return 0
    p = right / n
    for extra in range(1, 5000):
        m = n + extra
        if wilson(round(p * m), m, z)[0] >= target:
            return extra
    return 0


def gate_summary(verdicts: Iterable[Verdict], thresholds: dict[str, float],
                 demoted: set[str] = frozenset()) -> tuple[int, int]:
    """(right, wrong) among verdicts on findings that block under these thresholds."""
    right = wrong = 0
    for v in verdicts:
        if v.verdict not in ("right", "wrong") or v.code in demoted or v.confidence is None:
            continue
        if not at_gate(v, thresholds.get(v.code, 0.0)):
            continue
        right += v.verdict == "right"
        wrong += v.verdict == "wrong"
    return right, wrong


# -- writing the thresholds into a config file ---------------------------------------------------------------

class CalibrateError(Exception):
    """The config file cannot be written as asked; one line for the user, exit 2."""


def config_block(results: list[Calibration], header: str, pyproject: bool) -> str:
    """The marked block of TOML that holds calibrated thresholds; a later run replaces it whole."""
    prefix = "tool.copydesk." if pyproject else ""
    raised = {r.code: r.after for r in results if r.after != r.before and not r.demote}
    demoted = sorted(r.code for r in results if r.demote)
    lines = [BLOCK_START, f"# {header}", "# Written by `copydesk calibrate`; a later run replaces this block. "
             "See docs/calibrate.md."]
    if raised:
        lines.append(f"[{prefix}advisory-below]")
        lines += [f"{code} = {value:g}" for code, value in sorted(raised.items())]
    if demoted:
        lines.append(f"[{prefix}severity]")
        lines += [f'{code} = "info"' for code in demoted]
    if not raised and not demoted:
        lines.append("# (no threshold changed)")
    lines.append(BLOCK_END)
    return "\n".join(lines) + "\n"


BLOCK = re.compile(re.escape(BLOCK_START) + r".*?" + re.escape(BLOCK_END) + r"[^\n]*\n?", re.S)


def write_config(path: Path, results: list[Calibration], header: str) -> None:
    """Put the block into the config file: replacing an earlier one, else at the end; the file is made if
    need be, and its other keys and comments are kept byte for byte. A key the block would set that the file
    already sets outside it (advisory-below or severity) is a conflict: said, and nothing written."""
    import tomllib

    pyproject = path.name == "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrateError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    outside = BLOCK.sub("", text)
    try:
        data = tomllib.loads(outside)
    except tomllib.TOMLDecodeError as exc:
        raise CalibrateError(f"{path}: not valid TOML: {exc}") from None
    table = data.get("tool", {}).get("copydesk", {}) if pyproject else data
    block = config_block(results, header, pyproject)
    for key in ("advisory-below", "severity"):
        if key in table and f"{key}]" in block:
            raise CalibrateError(f"{path} already sets {key!r} outside the calibrate block; move those values into "
                                 f"a [{'tool.copydesk.' if pyproject else ''}{key}] table below it or remove them, "
                                 f"then run calibrate again")
    if pyproject and "copydesk" not in data.get("tool", {}):
        block = "[tool.copydesk]\n" + block  # copydesk finds a pyproject.toml by its [tool.copydesk] table
    if BLOCK.search(text):
        new = BLOCK.sub(lambda _m: block, text, count=1)
    else:
        new = text + ("\n" if text and not text.endswith("\n") else "") + ("\n" if text.strip() else "") + block
    try:
        parsed = tomllib.loads(new)
    except tomllib.TOMLDecodeError as exc:  # the block landed inside something it cannot follow
        raise CalibrateError(f"{path}: the thresholds cannot be added without breaking the file ({exc}); add an "
                             f"empty line at its end and run calibrate again") from None
    settings = parsed.get("tool", {}).get("copydesk", {}) if pyproject else parsed
    from copydesk.config import ConfigError, parse_settings

    try:
        parse_settings(settings, path)
    except ConfigError as exc:
        raise CalibrateError(f"the calibrated config would not load: {exc}") from None
    tmp = path.with_name(path.name + ".calibrate-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(new, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise CalibrateError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- refit: the verifier on a newsroom's verdicts ---------------------------------------------------------------

def refit(base: dict[str, Any], rows: list[tuple[str, str, dict[str, float], int]], target: float = 0.85,
          z: float = 1.0, strength: float = 5.0, version: str = "refit") -> tuple[dict[str, Any], dict[str, dict]]:
    """A newsroom's model: the shipped (base) model refitted on its own judged findings.

    rows: (rule code, category, features, 1 if right else 0). Each category's weights are fitted with an L2 penalty
    of `strength` toward the base model's, on the base's standardisation, so a few dozen verdicts move the model
    only as far as they justify. A rule the base does not know (a house style's) gets its own intercept, pulled
    toward zero. Each judged rule's threshold becomes the lowest at which the lower bound (Wilson, z) of its judged
    precision reaches target; a rule with too few verdicts keeps the base threshold, and a judged rule that no
    threshold makes precise enough never blocks. Returns the model (JSON-ready) and a line of figures per rule."""
    import copy

    from copydesk.verifier import NO_GATE, RuleModel, _category, auc, fit_logistic, parse

    model = copy.deepcopy(base)
    model["version"] = version
    model.setdefault("categories", {})
    model.setdefault("rules", {})
    by_cat: dict[str, list[tuple[str, dict[str, float], int]]] = {}
    for code, cat, feats, y in rows:
        by_cat.setdefault(cat, []).append((code, feats, y))
    for cat, crow in by_cat.items():
        cm = model["categories"].get(cat)
        if cm is None:  # a category the shipped model lacks (a house style's): features and scale from a sibling
            sibling = next(iter(model["categories"].values()))
            cm = {"features": list(sibling["features"]), "mean": dict(sibling["mean"]),
                  "scale": dict(sibling["scale"]), "weights": {n: 0.0 for n in sibling["features"]},
                  "bias": 0.0, "rule_bias": {}}
            model["categories"][cat] = cm
        feats = cm["features"]
        codes = sorted({c for c, _, _ in crow} | set(cm.get("rule_bias", {})))
        prior = [cm["bias"]] + [cm["weights"][n] for n in feats] + [cm.get("rule_bias", {}).get(c, 0.0) for c in codes]
        X = [[1.0] + [(f.get(n, 0.0) - cm["mean"][n]) / (cm["scale"][n] or 1.0) for n in feats]
             + [1.0 if code == c else 0.0 for c in codes] for code, f, _ in crow]
        w = fit_logistic(X, [y for _, _, y in crow], strength, prior=prior)
        cm["bias"] = round(w[0], 6)
        cm["weights"] = {n: round(v, 6) for n, v in zip(feats, w[1:1 + len(feats)])}
        cm["rule_bias"] = {c: round(v, 6) for c, v in zip(codes, w[1 + len(feats):])}
    fitted = parse(model, "refit")
    need = verdicts_needed(target, z)
    figures: dict[str, dict] = {}
    for code in sorted({c for c, _, _, _ in rows}):
        cat = next(c for k, c, _, _ in rows if k == code)
        mine = [(f, y) for k, _, f, y in rows if k == code]
        before = (model["rules"].get(code) or {}).get("threshold")
        rm = fitted.rules.get(code) or RuleModel(code, cat, NO_GATE, _category(model["categories"][cat], cat))
        scored = sorted(((rm.score(f)[0], y) for f, y in mine), reverse=True)
        after, status = before, "kept"
        if len(mine) < need:
            status = f"too few verdicts ({len(mine)} of {need})"
        else:
            after, status = NO_GATE, "no threshold reaches the target: never blocks"
            for t in sorted({round(p, 4) for p, _ in scored}):
                kept = [y for p, y in scored if p >= t]
                if len(kept) >= need and wilson(sum(kept), len(kept), z)[0] >= target:
                    after, status = t, "threshold set"
                    break
        if after is not None:
            model["rules"][code] = {"category": cat, "threshold": after, "verdicts": len(mine)}
        ys = [y for _, y in scored]
        figures[code] = {"verdicts": len(mine), "right": sum(ys), "threshold_before": before, "threshold_after": after,
                         "auc": auc([p for p, _ in scored], ys), "status": status}
    return model, figures
