"""Calibrate the rules' scores on a project's annotations (`annotate calibrate`, the backend's webhook).

The counts are `annotate report`'s per-rule counts (report.compute_report:
a predicted span is accepted, changed or deleted by each annotation made from
its prediction); annotate.calibration turns them into calibrated precisions and
writes the project's file (annotate.calibration.project_file: per server and project id)
that push and serve read for that project.
"""
from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from annotate import calibration
from annotate.scoring import NO_RULE

from .client import Connection
from .export import fetch_snapshot, parse_snapshot
from .projects import find_or_create_project
from .report import compute_report


def rule_counts(tasks: list[dict]) -> tuple[dict[str, dict], list[str]]:
    """rule id → {label, predicted, accepted, changed, deleted} as report counts them, and the
    model versions of the predictions the annotations started from."""
    rules = compute_report(tasks).rules
    counts: dict[str, dict] = {}
    for row in rules.itertuples(index=False):
        if row.rule_id == NO_RULE:
            continue
        c = counts.setdefault(str(row.rule_id), {"label": str(row.label), "predicted": 0, "accepted": 0,
                                                 "changed": 0, "deleted": 0})
        for key in ("predicted", "accepted", "changed", "deleted"):
            c[key] += int(getattr(row, key))
    versions: Counter = Counter()
    for task in tasks:
        if task.get("annotations"):
            versions.update(p.get("model_version") for p in task.get("predictions") or []
                            if isinstance(p, dict) and p.get("model_version"))
    return counts, sorted(versions)


def calibration_dir(conn: Connection | None = None) -> Path:
    """The folder of the per-project calibrations of the server `conn` talks to (or, without one,
    of the server this process would talk to: LABEL_STUDIO_URL, else the local studio; no token
    is needed to know where)."""
    from .server import Studio

    if conn is not None:
        url, local = conn.url, conn.target.source == "studio"
    else:
        url = os.environ.get("LABEL_STUDIO_URL", "").strip()
        local = not url
    if local:
        return calibration.project_file(0, local_home=Studio.from_env().home).parent
    return calibration.project_file(0, server=url).parent


def project_calibration_file(conn: Connection | None, project_id: int) -> Path:
    return calibration_dir(conn) / f"{int(project_id)}.json"


def project_calibration(conn: Connection, project_id: int) -> calibration.Calibration | None:
    """Project `project_id`'s calibration, checked (None when it has none); CalibrationError if
    its file is unusable."""
    path = project_calibration_file(conn, project_id)
    if not path.exists():
        return None
    return calibration.load(path)


def calibrate_tasks(tasks: list[dict], project: str | None, k: float = calibration.PRIOR_STRENGTH,
                    path: Path | None = None, project_id: int | None = None,
                    server: str | None = None) -> tuple[dict, Path]:
    """Compute the calibration from export-snapshot tasks and write it to `path`; (document, path)."""
    from annotate.rules import RULES
    from annotate.tasks import model_version

    if path is None:
        raise ValueError("no calibration file to write")
    counts, versions = rule_counts(tasks)
    doc = calibration.build(counts, {r.id: r.confidence for r in RULES}, model_version=model_version(),
                            counted_versions=versions, project=project, k=k, project_id=project_id,
                            server=server)
    return doc, calibration.write(doc, path)


def calibrate_project(conn: Connection, project: str | int, k: float = calibration.PRIOR_STRENGTH,
                      path: Path | None = None) -> tuple[dict, Path]:
    """Fetch the project's snapshot (by title, or by id from a webhook) and calibrate on it; written
    to the project's own file unless `path` says otherwise."""
    if isinstance(project, int):
        project_id, title = project, conn.call("reading the project", conn.sdk.projects.get, project).title
    else:
        project_id, title = find_or_create_project(conn, project, create=False).id, project
    tasks = parse_snapshot(fetch_snapshot(conn, project_id))
    return calibrate_tasks(tasks, title, k, path or project_calibration_file(conn, project_id),
                           project_id=project_id, server=conn.url)
