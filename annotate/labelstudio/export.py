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

Every span's offsets are checked against data.text (regions.region_ok); a
mismatch is reported and flagged (offset_ok False), never dropped. The origin
of an annotated span comes from regions.compare_task (the same comparison the
report scores): a span that is not compared there — a label outside the
scheme, or offsets that do not fit the text — has no predicted counterpart and
is exported as "added".
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from annotate.atomic import atomic_replace_folder, atomic_write, path_problem
from annotate.scheme import Scheme, load_scheme

from .client import Connection
from .errors import StudioError
from .projects import find_or_create_project
from .regions import (ACCEPTED, ADDED, PREDICTED, Region, compare_task, line_lookup, parse_prediction,
                      region_ok, submitted)

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


# -- annotations (submitted/baseline: see regions) ---------------------------

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
        source = _str(data.get("source"))
        line_of = line_lookup(data.get("line_map"))  # parsed once per task
        annotations = submitted(task)
        predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
        docs.append({
            "doc_id": doc_id, "task_id": task_id, "source": source,
            "path": _str(data.get("path")), "index": data.get("index"), "kind": _str(data.get("kind")),
            "title": _str(data.get("title")), "authors": _str(data.get("authors")), "n_chars": len(text),
            "n_annotations": len(annotations),
            "model_versions": ",".join(sorted({str(p.get("model_version")) for p in predictions
                                               if p.get("model_version")})) or None,
        })

        def span_row(r: Region, origin: str, rule_id, model_version, annotation=None, stamps=None):
            ok = region_ok(r, text)
            if not ok:
                who = f"annotation {annotation.get('id')}" if annotation else f"prediction ({model_version})"
                problems.append(f"doc {doc_id} task {task_id} {who}: {r.label} [{r.start}:{r.end}] "
                                f"{str(r.text)[:20]!r} does not match data.text"
                                + (f" ({text[r.start:r.end][:20]!r})" if 0 <= r.start < r.end <= len(text) else
                                   f" (outside 0..{len(text)})"))
            src = stamps or {}
            spans.append({
                "doc_id": doc_id, "task_id": task_id, "source": source,
                "source_line": line_of(r.start),
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

        cache: dict = {}  # each prediction parsed once, here and in compare_task
        for p in predictions:
            regions, relations = parse_prediction(p, s, cache)
            mv = _str(p.get("model_version"))
            for r in regions:
                span_row(r, PREDICTED, r.rule_id, mv, stamps=p)
            rel_rows(regions, relations, lambda rel: PREDICTED, mv)

        for c in compare_task(task, s, cache):
            ann = c.annotation
            mv = _str(c.prediction.get("model_version")) if c.prediction is not None else None
            # regions that were not compared (see the module's docstring) have no counterpart
            origin_of = {id(r): (origin, pr) for r, origin, pr in c.rows}
            counterpart = {}
            for r in c.regions:
                origin, pr = origin_of.get(id(r), (ADDED, None))
                counterpart[r.id] = pr
                span_row(r, origin, pr.rule_id if pr is not None else None, mv, annotation=ann, stamps=ann)
            predicted_pairs = {(rel.from_id, rel.to_id, rel.type) for rel in c.predicted_relations}

            def rel_origin(rel, counterpart=counterpart, predicted_pairs=predicted_pairs):
                a, b = counterpart.get(rel.from_id), counterpart.get(rel.to_id)
                if a is not None and b is not None and (a.id, b.id, rel.type) in predicted_pairs:
                    return ACCEPTED
                return ADDED

            rel_rows(c.regions, c.relations, rel_origin, mv, annotation=ann)
    return Tables(frame(docs, DOCUMENT_COLUMNS), frame(spans, SPAN_COLUMNS), frame(rels, RELATION_COLUMNS),
                  problems)


# -- writing ------------------------------------------------------------------

def write_tables(tables: Tables, out_dir: str | Path) -> list[Path]:
    """Parquet and CSV (UTF-8) of each table, all-or-nothing: the set is written into a
    temporary folder beside `out_dir` and swapped in; on any failure (a table that cannot
    be written, a folder in the way of a file name) the old tables stay byte-identical."""
    writers, binary = {}, set()
    for name, df in tables.items():
        writers[f"{name}.parquet"] = lambda fh, df=df: df.to_parquet(fh, index=False)
        binary.add(f"{name}.parquet")
        writers[f"{name}.csv"] = lambda fh, df=df: df.to_csv(fh, index=False, lineterminator="\n",
                                                             date_format="%Y-%m-%dT%H:%M:%S.%fZ")
    return atomic_replace_folder(out_dir, writers, binary)


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
    out = Path(out_dir)
    for folder in (out, out / "raw"):  # before the snapshot is built and downloaded
        problem = path_problem(folder, folder=True)
        if problem:
            raise StudioError(f"cannot export to {out}: {folder} {problem}" if problem.startswith("is ")
                              else f"cannot export to {out}: {problem}")
    project = find_or_create_project(conn, title, scheme, create=False)
    data = fetch_snapshot(conn, project.id)
    tasks = parse_snapshot(data)
    tables = tables_from_snapshot(tasks, scheme)  # before writing anything: nothing half-written
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    raw_path = out / "raw" / f"{slug(project.title)}-{stamp}.json"
    n = 1
    while raw_path.exists():  # two exports in one second: never overwrite (or remove) an older record
        n += 1
        raw_path = out / "raw" / f"{slug(project.title)}-{stamp}-{n}.json"
    try:
        atomic_write(raw_path, data)  # a new file (time-stamped): it replaces nothing
        files = write_tables(tables, out)
    except OSError as e:
        raw_path.unlink(missing_ok=True)  # all or nothing: no new raw record without its tables
        raise StudioError(f"cannot write the export to {out}: {e.strerror or e}"
                          + (f" ({e.filename})" if getattr(e, "filename", None) else "")
                          + " — the previous tables are unchanged") from None
    return ExportResult(project.id, raw_path, files, tables)
