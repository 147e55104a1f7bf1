"""Rule scores learned from the annotators' corrections: the calibration file.

`annotate calibrate --project P` (and the ML backend's webhook) counts, per rule
id, how many of the rule's predicted spans annotators accepted unchanged (as
`annotate report` counts them) and writes this file; `prelabel`, `push` and
`serve` read it (annotate.tasks.region_scores) and give each region its rule's
calibrated precision as its score.

Calibrated precision, a Beta prior on each rule's acceptance rate whose mean is
the rule's catalogue confidence c and whose strength is k pseudo-spans:

    precision = (accepted + k·c) / (predicted + k)

so a rule seen three times moves little from its catalogue confidence, and one
seen a hundred times is scored by what annotators did with it.

The file is plain JSON (ANNOTATE_CALIBRATION, default ./calibration.json;
`ANNOTATE_CALIBRATION=none` turns calibration off), written atomically:

    {"format": "annotate-calibration/1",
     "model_version": "argrules-0.1.0-1a2b3c4d",   # the rules' version when it was computed
     "counted_model_versions": ["argrules-…"],     # versions of the predictions counted
     "project": "新质生产力专题", "computed_at": "2026-11-29T10:00:00Z",
     "prior_strength": 10, "formula": "(accepted + k*prior) / (predicted + k)",
     "rules": {"claim.title": {"label": "CLAIM", "prior": 0.98, "predicted": 12, "accepted": 10,
                               "changed": 1, "deleted": 1, "precision": 0.975}}}

Rule ids are stable across rule versions, so a file computed for an older
`model_version` is still applied (`annotate calibrate --show` says when it is
stale); rules not in the file keep their catalogue confidence.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

FORMAT = "annotate-calibration/1"
DEFAULT_PATH = "calibration.json"
PRIOR_STRENGTH = 10.0
FORMULA = "(accepted + k*prior) / (predicted + k)"

_cache: dict[str, tuple[tuple[int, int], dict[str, float]]] = {}


class CalibrationError(ValueError):
    """A calibration file that cannot be read (one line: path and reason)."""


def calibration_path() -> Path | None:
    """Where the calibration file is read and written; None when turned off."""
    value = os.environ.get("ANNOTATE_CALIBRATION", "").strip()
    if value.lower() in ("none", "off", "0"):
        return None
    return Path(value or DEFAULT_PATH)


def posterior(accepted: int, predicted: int, prior: float, k: float = PRIOR_STRENGTH) -> float:
    """The Beta posterior mean of the acceptance rate (prior mean `prior`, strength k)."""
    return (accepted + k * prior) / (predicted + k)


def build(counts: dict[str, dict], priors: dict[str, float], *, model_version: str,
          counted_versions: list[str], project: str | None, k: float = PRIOR_STRENGTH) -> dict:
    """The calibration document. counts: rule id → {label, predicted, accepted, changed, deleted}."""
    if k <= 0:
        raise ValueError("the prior strength k must be positive")
    rules = {}
    for rule_id in sorted(counts):
        c = counts[rule_id]
        prior = float(priors.get(rule_id, 0.5))
        rules[rule_id] = {
            "label": c.get("label"), "prior": prior, "predicted": int(c["predicted"]),
            "accepted": int(c["accepted"]), "changed": int(c.get("changed", 0)),
            "deleted": int(c.get("deleted", 0)),
            "precision": round(posterior(int(c["accepted"]), int(c["predicted"]), prior, k), 3),
        }
    return {"format": FORMAT, "model_version": model_version, "counted_model_versions": sorted(counted_versions),
            "project": project, "computed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "prior_strength": k, "formula": FORMULA, "rules": rules}


def write(doc: dict, path: Path | None = None) -> Path:
    from annotate.atomic import atomic_write

    target = path or calibration_path()
    if target is None:
        raise CalibrationError("calibration is turned off (ANNOTATE_CALIBRATION=none)")
    if target.parent != Path(""):
        target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return target


def read(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise CalibrationError(f"{path}: {e.strerror or e}") from None
    except ValueError as e:
        raise CalibrationError(f"{path}: not JSON ({e})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("rules"), dict):
        raise CalibrationError(f"{path}: not a calibration file (format {FORMAT!r} expected)")
    return doc


def calibrated_scores(path: Path | None = None) -> dict[str, float]:
    """rule id → calibrated precision from the file ({} when there is none). Re-read only
    when the file changes (a long-running backend sees a new calibration at once)."""
    path = path or calibration_path()
    if path is None:
        return {}
    try:
        st = path.stat()
    except OSError:
        return {}
    key = str(path.resolve())
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    doc = read(path)
    scores = {}
    for rule_id, entry in doc["rules"].items():
        p = entry.get("precision") if isinstance(entry, dict) else None
        if isinstance(p, (int, float)) and not isinstance(p, bool) and 0.0 <= p <= 1.0:
            scores[str(rule_id)] = float(p)
    _cache[key] = (stamp, scores)
    return scores
