"""Rule scores learned from the annotators' corrections: the calibration files (the one
module that reads, checks, writes and locates them).

`annotate calibrate --project P` (and the ML backend's webhook) counts, per rule
id, how many of the rule's predicted spans annotators accepted unchanged (as
`annotate report` counts them) and writes P's calibration; `push` and `serve`
apply P's calibration to the tasks of project P, `prelabel` only the file named
by `--calibration FILE`. Each region's score is then its rule's calibrated
precision.

Calibrated precision, a Beta prior on each rule's acceptance rate whose mean is
the rule's catalogue confidence c and whose strength is k pseudo-spans:

    precision = (accepted + k·c) / (predicted + k)

so a rule seen three times moves little from its catalogue confidence, and one
seen a hundred times is scored by what annotators did with it.

Calibration is per project, so one file per project, keyed by server and
project id (`project_file`):

    local studio:  <studio home>/calibration/<project id>.json     (.studio/, git-ignored)
    team server:   $ANNOTATE_CALIBRATION_DIR/<host>-<port>-<hash of the URL>/<project id>.json
                   (default $XDG_DATA_HOME/annotate/calibration, else ~/.local/share/annotate/calibration)

A file is plain JSON, written atomically:

    {"format": "annotate-calibration/1",
     "model_version": "argrules-r1-1a2b3c4d",   # the rules' version when it was computed
     "counted_model_versions": ["argrules-…"],     # versions of the predictions counted
     "project": "新质生产力专题", "project_id": 12, "server": "http://127.0.0.1:8080",
     "computed_at": "2026-11-29T10:00:00Z",
     "prior_strength": 10, "formula": "(accepted + k*prior) / (predicted + k)",
     "rules": {"claim.title": {"label": "CLAIM", "prior": 0.98, "predicted": 12, "accepted": 10,
                               "changed": 1, "deleted": 1, "precision": 0.975}}}

A file is read and checked whole, once (`load`): a file that is not JSON, not
this format, or has a rule whose precision is not a number in [0, 1] is refused
with one line naming it (CalibrationError), never applied in part. Every
prediction made with a calibration names it (`"calibration": "<project>@<id>"`,
the id a hash of the file's content), so one output never mixes two silently.

Rule ids are stable across rule versions, so a file computed for an older
`model_version` is still applied (`annotate calibrate --show` says when it is
stale); rules not in the file keep their catalogue confidence.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

FORMAT = "annotate-calibration/1"
PRIOR_STRENGTH = 10.0
FORMULA = "(accepted + k*prior) / (predicted + k)"
DIR_ENV = "ANNOTATE_CALIBRATION_DIR"
MAX_FILE_BYTES = 16 * 1024 * 1024  # a few hundred rules take kilobytes


class CalibrationError(ValueError):
    """A calibration file that cannot be used (one line: path and reason)."""


@dataclass(frozen=True)
class Calibration:
    """One checked calibration file: rule id → calibrated precision, and its identity."""

    path: str
    id: str                      # sha256 of the file's bytes, 12 hex digits
    scores: dict = field(default_factory=dict)
    doc: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        """What a prediction records: `<project>@<id>` (the file name when it names no project)."""
        who = self.doc.get("project_id") or self.doc.get("project") or Path(self.path).stem
        return f"{who}@{self.id}"


# -- where the files are ----------------------------------------------------------------

def user_dir() -> Path:
    """The folder of team servers' calibrations: $ANNOTATE_CALIBRATION_DIR, else the XDG data folder."""
    value = os.environ.get(DIR_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base) / "annotate" / "calibration"


def server_key(url: str) -> str:
    """A folder name for one Label Studio server: readable host and port, and a hash of the
    whole URL (so two servers behind one host, or http and https, never share it)."""
    parts = urlsplit(url.strip().rstrip("/"))
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or {"https": 443}.get(parts.scheme, 80)
    host = re.sub(r"[^A-Za-z0-9.]+", "_", parts.hostname or "server").strip("._") or "server"
    digest = hashlib.sha256(url.strip().rstrip("/").lower().encode("utf-8", "replace")).hexdigest()[:8]
    return f"{host[:60]}-{port}-{digest}"


def project_file(project_id: int, *, server: str | None = None, local_home: Path | None = None) -> Path:
    """The calibration file of project `project_id`: in the local studio's folder (`local_home`,
    which goes with that server and its ids), else under user_dir() keyed by `server`'s URL."""
    if local_home is not None:
        return Path(local_home) / "calibration" / f"{int(project_id)}.json"
    if not server:
        raise CalibrationError("no Label Studio server to keep the calibration under")
    return user_dir() / server_key(server) / f"{int(project_id)}.json"


# -- the numbers ----------------------------------------------------------------------

def posterior(accepted: int, predicted: int, prior: float, k: float = PRIOR_STRENGTH) -> float:
    """The Beta posterior mean of the acceptance rate (prior mean `prior`, strength k)."""
    return (accepted + k * prior) / (predicted + k)


def build(counts: dict[str, dict], priors: dict[str, float], *, model_version: str,
          counted_versions: list[str], project: str | None, k: float = PRIOR_STRENGTH,
          project_id: int | None = None, server: str | None = None) -> dict:
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
    doc = {"format": FORMAT, "model_version": model_version, "counted_model_versions": sorted(counted_versions),
           "project": project}
    if project_id is not None:
        doc["project_id"] = int(project_id)
    if server:
        doc["server"] = server
    doc.update({"computed_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "prior_strength": k, "formula": FORMULA, "rules": rules})
    return doc


# -- reading and writing --------------------------------------------------------------

def write(doc: dict, path: Path) -> Path:
    from annotate.atomic import atomic_write

    check(doc, str(path))
    atomic_write(path, json.dumps(doc, ensure_ascii=False, indent=1) + "\n")
    return path


def check(doc: object, where: str) -> dict[str, float]:
    """rule id → precision of a calibration document; CalibrationError (one line) for anything
    else: the whole file is refused, never applied in part."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or not isinstance(doc.get("rules"), dict):
        raise CalibrationError(f"{where}: not a calibration file (format {FORMAT!r} expected)")
    scores = {}
    for rule_id, entry in doc["rules"].items():
        p = entry.get("precision") if isinstance(entry, dict) else None
        if not isinstance(p, (int, float)) or isinstance(p, bool) or not math.isfinite(p) or not 0.0 <= p <= 1.0:
            shown = " ".join(str(rule_id).split())[:60]
            raise CalibrationError(f"{where}: rule {shown!r} has no precision between 0 and 1 — "
                                   f"run `annotate calibrate` again")
        scores[str(rule_id)] = float(p)
    return scores


def load(path: str | os.PathLike) -> Calibration:
    """Read and check one calibration file, whole; CalibrationError naming it otherwise."""
    where = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise CalibrationError(f"{where}: {e.strerror or e}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise CalibrationError(f"{where}: over {MAX_FILE_BYTES // 2**20} MB, not a calibration file")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as e:
        reason = " ".join(str(e).split())[:120] if not isinstance(e, RecursionError) else "nested too deeply"
        raise CalibrationError(f"{where}: not JSON ({reason})") from None
    scores = check(doc, where)
    return Calibration(where, hashlib.sha256(raw).hexdigest()[:12], scores, doc)


def read(path: Path) -> dict:
    """The checked document of one calibration file."""
    return load(path).doc


class Watched:
    """A calibration file that may change under a long-running process (the ML backend):
    `current()` re-reads it when its stamp changes; a file that became corrupt is refused
    once (`on_refused(reason)`) and the last good calibration stays in use."""

    def __init__(self, path: Path, on_refused=lambda reason: None):
        self.path, self.on_refused = Path(path), on_refused
        self.lock = threading.Lock()
        self.stamp: tuple | None = None
        self.good: Calibration | None = None
        self.refused: str | None = None

    def current(self) -> Calibration | None:
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            stamp = None
        with self.lock:
            if stamp == self.stamp:
                return self.good
            self.stamp = stamp
            if stamp is None:  # removed: nothing to apply (a deliberate reset, not a corruption)
                self.good, self.refused = None, None
                return None
            try:
                self.good, self.refused = load(self.path), None
            except CalibrationError as e:
                self.refused = str(e)
                self.on_refused(self.refused)
            return self.good
