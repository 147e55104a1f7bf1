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

Every span's offsets are checked against data.text (codec.region_ok); a
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
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from annotate.atomic import atomic_replace_folder, atomic_write, path_problem
from annotate.scheme import Scheme
# The tables' columns and builder live in annotate.tables (shared with `prelabel --format parquet`).
from annotate.tables import Tables, tables_from_snapshot

from .client import Connection
from .errors import StudioError
from .projects import find_or_create_project

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
