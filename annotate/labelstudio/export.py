"""Export a project: the full JSON snapshot as the raw record, and tidy tables.

The sync JSON export lists predictions as ids only and JSON_MIN/CSV drop the
relations, so this takes an export *snapshot* (POST /api/projects/{id}/exports/
with full predictions and annotators), polls it until completed and downloads
it. The snapshot is kept as DIR/raw/<project>-<timestamp>.json and turned into
three tables, each written as Parquet and CSV (UTF-8), atomically:

documents  one row per task
spans      one row per region: the predicted ones (origin "predicted") and
           those of every submitted annotation (origin accepted / modified /
           added, against the prediction the annotation started from)
relations  one row per relation, predicted or annotated

Every span's offsets are checked against data.text; a mismatch is reported
and flagged (offset_ok False), never dropped.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Callable

import pandas as pd

from annotate.atomic import atomic_write
from annotate.scheme import Scheme, load_scheme

from .client import Connection
from .errors import StudioError
from .regions import (ACCEPTED, ADDED, PREDICTED, Region, classify, parse_result,
                      source_line)

# Column order and dtypes of the tables (pandas nullable dtypes; offsets int64).
DOCUMENT_COLUMNS = {
    "doc_id": "string", "task_id": "Int64", "source": "string", "path": "string", "index": "Int64",
    "kind": "string", "title": "string", "authors": "string", "n_chars": "int64",
    "n_annotations": "int64", "model_versions": "string",
}
SPAN_COLUMNS = {
    "doc_id": "string", "task_id": "Int64", "source": "string", "source_line": "Int64",
    "annotation_id": "Int64", "annotator": "string", "label": "string", "start": "int64", "end": "int64",
    "text": "string", "speaker": "string", "origin": "string", "rule_id": "string",
    "model_version": "string", "created_at": "datetime64[ns, UTC]", "updated_at": "datetime64[ns, UTC]",
    "lead_time": "Float64", "offset_ok": "boolean",
}
RELATION_COLUMNS = {
    "doc_id": "string", "annotation_id": "Int64", "annotator": "string",
    "from_start": "Int64", "from_end": "Int64", "from_label": "string",
    "to_start": "Int64", "to_end": "Int64", "to_label": "string",
    "type": "string", "origin": "string", "model_version": "string",
}
TABLES = {"documents": DOCUMENT_COLUMNS, "spans": SPAN_COLUMNS, "relations": RELATION_COLUMNS}


# -- the snapshot -------------------------------------------------------------

SERIALIZATION = {
    "predictions": {"only_id": False},
    "annotations__completed_by": {"only_id": False},
    "drafts": {"only_id": True},
    "include_annotation_history": False,
}


def fetch_snapshot(conn: Connection, project_id: int, timeout: float = 1800.0, poll: float = 0.5) -> bytes:
    """Create an export snapshot with full predictions, wait for it, download it, delete it."""
    snap = conn.call("creating an export snapshot", conn.sdk.projects.exports.create, project_id,
                     title=f"annotate-export-{int(time.time())}", serialization_options=SERIALIZATION,
                     idempotent=False)
    try:
        deadline = time.monotonic() + timeout
        status = snap.status
        while status != "completed":
            if status == "failed":
                raise StudioError(f"Label Studio at {conn.url} failed to build the export snapshot "
                                  f"(project {project_id}) — see the server's log and try again")
            if time.monotonic() > deadline:
                raise StudioError(f"the export snapshot of project {project_id} was not ready after "
                                  f"{timeout:.0f} s — try again later")
            time.sleep(poll)
            status = conn.call("waiting for the export snapshot", conn.sdk.projects.exports.get,
                               project_id, snap.id).status
        data = conn.call("downloading the export snapshot",
                         lambda: b"".join(conn.sdk.projects.exports.download(project_id, snap.id,
                                                                              export_type="JSON")))
    finally:
        try:  # the raw record is kept locally; do not pile snapshots up on the server
            conn.sdk.projects.exports.delete(project_id, snap.id)
        except Exception:  # noqa: BLE001 — best effort
            pass
    return data


def parse_snapshot(data: bytes | str) -> list[dict]:
    try:
        tasks = json.loads(data)
    except ValueError as e:
        raise StudioError(f"the export snapshot is not JSON ({e})") from None
    if not isinstance(tasks, list):
        raise StudioError("the export snapshot is not a JSON array of tasks")
    return tasks


def load_snapshot(path: str | Path) -> list[dict]:
    p = Path(path)
    try:
        return parse_snapshot(p.read_bytes())
    except OSError as e:
        raise StudioError(f"cannot read {p}: {e.strerror or e}") from None


# -- annotations and their baseline prediction ------------------------------

def submitted(task: dict) -> list[dict]:
    """The task's submitted annotations (not skipped)."""
    return [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]


def _ts(value: object) -> str:
    return value if isinstance(value, str) else ""


def baseline(task: dict, annotation: dict) -> dict | None:
    """The prediction an annotation started from.

    The annotation's parent_prediction if set (the labeling UI sets it); else
    the prediction the server recorded with it (the project's shown version at
    the time); else the latest prediction created before the annotation; else
    the latest prediction.
    """
    preds = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    if not preds:
        return None
    by_id = {p.get("id"): p for p in preds}
    parent = annotation.get("parent_prediction")
    if parent in by_id:
        return by_id[parent]
    recorded = annotation.get("prediction")
    if isinstance(recorded, dict) and recorded.get("id") in by_id:
        return by_id[recorded["id"]]
    created = _ts(annotation.get("created_at"))
    before = [p for p in preds if _ts(p.get("created_at")) <= created] if created else []
    pool = before or preds
    return max(pool, key=lambda p: (_ts(p.get("created_at")), p.get("id") or 0))


def annotator_of(annotation: dict) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or (str(who["id"]) if who.get("id") is not None else None)
    if who is not None:
        return str(who)
    return None


# -- tables -----------------------------------------------------------------

@dataclass
class Tables:
    documents: pd.DataFrame
    spans: pd.DataFrame
    relations: pd.DataFrame
    problems: list[str] = field(default_factory=list)

    def items(self):
        return (("documents", self.documents), ("spans", self.spans), ("relations", self.relations))


def frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    for col, dtype in columns.items():
        if dtype.startswith("datetime64"):
            df[col] = pd.to_datetime(df[col], utc=True, errors="coerce", format="ISO8601").astype(dtype)
        elif dtype == "boolean":
            df[col] = df[col].astype("boolean")
        else:
            df[col] = df[col].astype(dtype)
    return df


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def tables_from_snapshot(tasks: list[dict], scheme: Scheme | None = None) -> Tables:
    s = scheme or load_scheme()
    docs, spans, rels, problems = [], [], [], []
    for task in tasks:
        data = task.get("data") or {}
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        doc_id = _str(data.get("doc_id"))
        task_id = task.get("id")
        annotations = submitted(task)
        predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
        docs.append({
            "doc_id": doc_id, "task_id": task_id, "source": _str(data.get("source")),
            "path": _str(data.get("path")), "index": data.get("index"), "kind": _str(data.get("kind")),
            "title": _str(data.get("title")), "authors": _str(data.get("authors")), "n_chars": len(text),
            "n_annotations": len(annotations),
            "model_versions": ",".join(sorted({str(p.get("model_version")) for p in predictions
                                               if p.get("model_version")})) or None,
        })

        def span_row(r: Region, origin: str, rule_id, model_version, annotation=None, stamps=None):
            ok = 0 <= r.start < r.end <= len(text) and (r.text is None or text[r.start:r.end] == r.text)
            if not ok:
                who = f"annotation {annotation.get('id')}" if annotation else f"prediction ({model_version})"
                problems.append(f"doc {doc_id} task {task_id} {who}: {r.label} [{r.start}:{r.end}] "
                                f"{str(r.text)[:20]!r} does not match data.text"
                                + (f" ({text[r.start:r.end][:20]!r})" if 0 <= r.start < r.end <= len(text) else
                                   f" (outside 0..{len(text)})"))
            src = stamps or {}
            spans.append({
                "doc_id": doc_id, "task_id": task_id, "source": _str(data.get("source")),
                "source_line": source_line(data.get("line_map"), r.start),
                "annotation_id": annotation.get("id") if annotation else None,
                "annotator": annotator_of(annotation) if annotation else None,
                "label": r.label, "start": r.start, "end": r.end,
                "text": r.text if r.text is not None else (text[r.start:r.end] if ok else None),
                "speaker": r.speaker, "origin": origin, "rule_id": rule_id, "model_version": model_version,
                "created_at": src.get("created_at"), "updated_at": src.get("updated_at"),
                "lead_time": annotation.get("lead_time") if annotation else None, "offset_ok": ok,
            })

        def rel_rows(regions: list[Region], relations, origin_of, model_version, annotation=None):
            by_id = {r.id: r for r in regions}
            for rel in relations:
                a, b = by_id.get(rel.from_id), by_id.get(rel.to_id)
                if a is None or b is None:
                    problems.append(f"doc {doc_id} task {task_id}: relation {rel.from_id}->{rel.to_id} "
                                    f"points to a missing region")
                rels.append({
                    "doc_id": doc_id, "annotation_id": annotation.get("id") if annotation else None,
                    "annotator": annotator_of(annotation) if annotation else None,
                    "from_start": a.start if a else None, "from_end": a.end if a else None,
                    "from_label": a.label if a else None,
                    "to_start": b.start if b else None, "to_end": b.end if b else None,
                    "to_label": b.label if b else None,
                    "type": rel.type, "origin": origin_of(rel), "model_version": model_version,
                })

        parsed_preds = {}
        for p in predictions:
            regions, relations = parse_result(p.get("result"), s)
            parsed_preds[p.get("id")] = (regions, relations)
            mv = _str(p.get("model_version"))
            for r in regions:
                span_row(r, PREDICTED, r.rule_id, mv, stamps=p)
            rel_rows(regions, relations, lambda rel: PREDICTED, mv)

        for ann in annotations:
            regions, relations = parse_result(ann.get("result"), s)
            base = baseline(task, ann)
            if base is not None:
                b_regions, b_relations = parsed_preds.get(base.get("id")) or parse_result(base.get("result"), s)
                mv = _str(base.get("model_version"))
            else:
                b_regions, b_relations, mv = [], [], None
            rows, _deleted = classify(regions, b_regions)
            counterpart = {}
            for r, origin, pr in rows:
                counterpart[r.id] = pr
                span_row(r, origin, pr.rule_id if pr is not None else None, mv, annotation=ann, stamps=ann)
            predicted_pairs = {(rel.from_id, rel.to_id, rel.type) for rel in b_relations}

            def rel_origin(rel, counterpart=counterpart, predicted_pairs=predicted_pairs):
                a, b = counterpart.get(rel.from_id), counterpart.get(rel.to_id)
                if a is not None and b is not None and (a.id, b.id, rel.type) in predicted_pairs:
                    return ACCEPTED
                return ADDED

            rel_rows(regions, relations, rel_origin, mv, annotation=ann)
    return Tables(frame(docs, DOCUMENT_COLUMNS), frame(spans, SPAN_COLUMNS), frame(rels, RELATION_COLUMNS),
                  problems)


# -- writing ------------------------------------------------------------------

def write_files(out_dir: str | Path, writers: dict[str, Callable[[IO], object]], binary: set[str] = frozenset()
                ) -> list[Path]:
    """Write a set of files all-or-nothing: every file goes to a temporary file in
    `out_dir` first; only when all were written are they renamed into place
    (os.replace). On any failure the temporary files are removed and the old
    files stay as they were."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    temps: list[tuple[str, Path]] = []
    try:
        for name, write in writers.items():
            fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{name}.", suffix=".tmp")
            temps.append((name, Path(tmp)))
            os.fchmod(fd, 0o644)
            mode = "wb" if name in binary else "w"
            kwargs = {} if name in binary else {"encoding": "utf-8", "newline": ""}
            with os.fdopen(fd, mode, **kwargs) as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException:
        for _, tmp in temps:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        raise
    for name, tmp in temps:
        os.replace(tmp, out / name)
    return [out / name for name in writers]


def write_tables(tables: Tables, out_dir: str | Path) -> list[Path]:
    """Parquet and CSV (UTF-8) of each table; all files replaced together, atomically."""
    writers, binary = {}, set()
    for name, df in tables.items():
        writers[f"{name}.parquet"] = lambda fh, df=df: df.to_parquet(fh, index=False)
        binary.add(f"{name}.parquet")
        writers[f"{name}.csv"] = lambda fh, df=df: df.to_csv(fh, index=False, lineterminator="\n",
                                                             date_format="%Y-%m-%dT%H:%M:%S.%fZ")
    return write_files(out_dir, writers, binary)


def slug(title: str) -> str:
    s = re.sub(r"[^\w.-]+", "-", title, flags=re.UNICODE).strip("-.")
    return s or "project"


@dataclass
class ExportResult:
    project_id: int
    raw_path: Path
    files: list[Path]
    tables: Tables


def export_project(conn: Connection, title: str, out_dir: str | Path, scheme: Scheme | None = None) -> ExportResult:
    from .push import find_or_create_project

    project = find_or_create_project(conn, title, scheme, create=False)
    data = fetch_snapshot(conn, project.id)
    tasks = parse_snapshot(data)
    tables = tables_from_snapshot(tasks, scheme)  # before writing anything: nothing half-written
    out = Path(out_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    raw_path = out / "raw" / f"{slug(title)}-{stamp}.json"
    atomic_write(raw_path, data)
    files = write_tables(tables, out)
    return ExportResult(project.id, raw_path, files, tables)
