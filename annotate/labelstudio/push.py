"""Push pre-annotated tasks into a Label Studio project, idempotently by data.doc_id.

Label Studio does not deduplicate imports, so before sending anything push
lists the project's tasks once (one paged listing, only id, data and the
prediction model versions) and then, for each incoming task:

* a doc_id not in the project → imported (with its prediction), in batches;
* a doc_id already there, with a model_version it does not have yet → the
  prediction is added to the existing task (bulk prediction import); human
  annotations are never touched. If the task's text on the server is not the
  incoming data.text (edited on the server, or another file), the prediction's
  offsets would not fit it: it is skipped and reported instead;
* otherwise → nothing to do.

Then `converge.settle` removes duplicates that a concurrent push of the same
tasks made (Label Studio has no unique constraint; see converge.py and the
title rule in projects.py). At the end the project's shown prediction version
(`model_version`) is set to the pushed one. A push that was interrupted simply runs again: what got in is
found by the listing, the rest is imported. A batch whose import failed in a
way that may or may not have been applied (timeout, dropped connection, 5xx)
is reconciled against a fresh listing before it is retried, so no article ends
up twice.

Every task is validated before it is sent (the server does not check
predictions): a bad one is reported with its doc_id and the reason, and
skipped; the rest goes on and the command exits non-zero. Tasks straight from
the pre-annotator (`iter_prelabel`, marked `ValidTask`) were validated there
and are not checked twice.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from annotate.jsonrecords import JSONRecordsError, parse_json_records
from annotate.scheme import Scheme, load_scheme

from annotate.validate import validate_task

from .client import Connection
from .codec import same_config
from .config import label_config
from .converge import Settled, iter_tasks, settle
from .errors import StudioError
from .projects import Project, find_or_create_project, project_config

LIST_PAGE_SIZE = 1000
MAX_BATCH_ATTEMPTS = 3


@dataclass
class Existing:
    task_id: int
    model_versions: set[str]
    text_digest: str | None = None  # of the task's data.text on the server (`text_digest`)


def text_digest(text: object) -> str | None:
    """A digest of a task's data.text (None if it is not a string)."""
    if not isinstance(text, str):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ValidTask(dict):
    """A task already validated against the scheme (by the pre-annotator): push does not check it again."""


@dataclass
class PushResult:
    project: Project
    seen: int = 0                 # tasks read from the input
    imported: int = 0             # new tasks
    already: int = 0              # doc_ids that were in the project with this model version
    predictions_added: int = 0    # predictions added to existing tasks
    duplicates: int = 0           # the same doc_id twice in the input (the later one ignored)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (doc_id, reason)
    model_version: str | None = None
    shown_version_set: bool = False
    config_differs: bool = False
    settled: Settled | None = None  # what the final clean-up after concurrent pushes did


def load_task_file(path: str | Path) -> list[dict]:
    """Tasks from a JSON array or a JSON Lines file."""
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except OSError as e:
        raise StudioError(f"cannot read {p}: {e.strerror or e}") from None
    try:
        tasks = parse_json_records(raw)
    except JSONRecordsError as e:
        if e.line:
            raise StudioError(f"{p}:{e.line}: not JSON ({e.error.msg}) — expected a JSON array or JSON Lines "
                              f"of tasks as `annotate prelabel` writes them") from None
        raise StudioError(f"{p}: not JSON ({e}) — expected a JSON array or JSON Lines of tasks") from None
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        raise StudioError(f"{p}: expected a JSON array of tasks")
    return tasks


# -- the listing ------------------------------------------------------------

def _versions(value: object) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value if v}
    if isinstance(value, str) and value:
        return {v.strip() for v in value.split(",") if v.strip()}
    return set()


def existing_tasks(conn: Connection, project_id: int, page_size: int = LIST_PAGE_SIZE) -> dict[str, Existing]:
    """doc_id → (task id, model versions of its predictions, digest of its text), in one listing paged by id."""
    out: dict[str, Existing] = {}
    for t in iter_tasks(conn, project_id, "id,data,predictions_model_versions", all_fields=True,
                        page_size=page_size):
        data = t.get("data") or {}
        doc_id = data.get("doc_id")
        raw = t.get("predictions_model_versions")
        versions = _versions(raw)
        if isinstance(raw, str) and len(raw) >= 490:  # the server truncates this column at 500 chars
            versions = _prediction_versions(conn, t["id"])
        if doc_id:
            if doc_id in out:  # already twice in the project: keep the first, merge versions
                out[doc_id].model_versions |= versions
            else:
                out[doc_id] = Existing(t["id"], versions, text_digest(data.get("text")))
    return out


def _prediction_versions(conn: Connection, task_id: int) -> set[str]:
    preds = conn.request("listing predictions", "GET", "api/predictions/", params={"task": task_id})
    return {p.get("model_version") for p in preds or [] if p.get("model_version")}


# -- the push -----------------------------------------------------------------

def _clean_prediction(pred: dict) -> dict:
    keep = ("model_version", "score", "result")
    return {k: pred[k] for k in keep if k in pred}


def _clean_task(task: dict) -> dict:
    out = {"data": task["data"]}
    if task.get("predictions"):
        out["predictions"] = [_clean_prediction(p) for p in task["predictions"]]
    if task.get("meta"):
        out["meta"] = task["meta"]
    return out


class _Pusher:
    def __init__(self, conn: Connection, project: Project, existing: dict[str, Existing],
                 result: PushResult, on_progress: Callable[[int], object],
                 on_skip: Callable[[str, str], object]):
        self.on_skip = on_skip
        self.conn = conn
        self.project = project
        self.existing = existing
        self.result = result
        self.on_progress = on_progress

    def _refresh(self) -> None:
        self.existing = existing_tasks(self.conn, self.project.id)

    def import_batch(self, batch: list[dict]) -> None:
        pending = batch
        for attempt in range(1, MAX_BATCH_ATTEMPTS + 1):
            try:
                self.conn.call("importing tasks", self.conn.sdk.projects.import_tasks, self.project.id,
                               request=[_clean_task(t) for t in pending], commit_to_project=True,
                               return_task_ids=False, idempotent=False)
            except StudioError as e:
                if e.status in (400, 422) and len(pending) > 1:
                    # The server refused the batch: send the tasks one by one to find the bad one(s).
                    for t in pending:
                        self.import_batch([t])
                    return
                if e.status in (400, 422):
                    self.result.skipped.append((pending[0]["data"].get("doc_id", "?"), str(e)))
                    self.on_skip(pending[0]["data"].get("doc_id", "?"), str(e))
                    self.on_progress(1)
                    return
                if not e.ambiguous or attempt == MAX_BATCH_ATTEMPTS:
                    raise
                # Applied or not? Ask the server, then retry what is missing.
                self._refresh()
                pending = [t for t in pending if t["data"]["doc_id"] not in self.existing]
                if not pending:
                    break
                continue
            break
        for t in batch:
            versions = {p.get("model_version") for p in t.get("predictions") or []}
            known = Existing(-1, set(), text_digest(t["data"].get("text")))
            self.existing.setdefault(t["data"]["doc_id"], known).model_versions |= versions
        self.result.imported += len(batch)
        self.on_progress(len(batch))

    def import_predictions(self, items: list[tuple[str, dict]]) -> None:
        """items: (doc_id, prediction) for tasks that exist."""
        pending = items
        for attempt in range(1, MAX_BATCH_ATTEMPTS + 1):
            payload = [{"task": self.existing[d].task_id, **_clean_prediction(p)} for d, p in pending]
            try:
                self.conn.call("adding predictions", self.conn.sdk.projects.import_predictions, self.project.id,
                               request=payload, idempotent=False)
            except StudioError as e:
                if not e.ambiguous or attempt == MAX_BATCH_ATTEMPTS:
                    raise
                self._refresh()
                pending = [(d, p) for d, p in pending
                           if p.get("model_version") not in self.existing[d].model_versions]
                if not pending:
                    break
                continue
            break
        for d, p in items:
            self.existing[d].model_versions.add(p.get("model_version"))
        self.result.predictions_added += len(items)
        self.on_progress(len(items))


def push_tasks(conn: Connection, title: str, tasks: Iterable[dict], *, batch_size: int = 500,
               scheme: Scheme | None = None, update_config: bool = False,
               on_progress: Callable[[int], object] = lambda n: None,
               on_skip: Callable[[str, str], object] = lambda doc_id, reason: None,
               on_project: Callable[[Project], object] = lambda project: None) -> PushResult:
    """Push `tasks` (an iterable: tasks are read lazily, batches go out as they fill).
    `on_project(project)` is called once the project is known, before the first task is read."""
    s = scheme or load_scheme()
    batch_size = max(1, int(batch_size))
    project = find_or_create_project(conn, title, s)
    on_project(project)
    result = PushResult(project=project)
    if not project.created:
        current = project_config(conn, project.id)
        wanted = label_config(s)
        if not same_config(current, wanted):  # read through LabelInterface: formatting does not count
            if update_config:
                conn.call("updating the labeling config", conn.sdk.projects.update, project.id,
                          label_config=wanted)
            else:
                result.config_differs = True
    existing = {} if project.created else existing_tasks(conn, project.id)
    pusher = _Pusher(conn, project, existing, result, on_progress, on_skip)
    versions: Counter = Counter()
    seen_in_input: set[str] = set()
    batch: list[dict] = []
    new_predictions: list[tuple[str, dict]] = []

    def skip(doc_id: str, reason: str) -> None:
        result.skipped.append((doc_id, reason))
        on_skip(doc_id, reason)
        on_progress(1)

    for task in tasks:
        result.seen += 1
        problems = [] if isinstance(task, ValidTask) else validate_task(task, s)
        doc_id = ""
        if isinstance(task, dict) and isinstance(task.get("data"), dict):
            doc_id = str(task["data"].get("doc_id") or "")
        if problems:
            more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
            skip(doc_id or f"task #{result.seen}", problems[0] + more)
            continue
        if doc_id in seen_in_input:
            result.duplicates += 1
            on_progress(1)
            continue
        seen_in_input.add(doc_id)
        task_versions = [p["model_version"] for p in task.get("predictions") or []]
        versions.update(task_versions)
        known = pusher.existing.get(doc_id)
        if known is None:
            batch.append(task)
            if len(batch) >= batch_size:
                pusher.import_batch(batch)
                batch = []
            continue
        missing = [p for p in task.get("predictions") or []
                   if p["model_version"] not in known.model_versions]
        if not missing:
            result.already += 1
            on_progress(1)
            continue
        if text_digest(task["data"].get("text")) != known.text_digest:
            skip(doc_id, f"text differs from the task on the server (task {known.task_id}) — its "
                         f"prediction would not fit that text; not added")
            continue
        new_predictions += [(doc_id, p) for p in missing]
        if len(new_predictions) >= batch_size:
            pusher.import_predictions(new_predictions)
            new_predictions = []
    if batch:
        pusher.import_batch(batch)
    if new_predictions:
        pusher.import_predictions(new_predictions)
    # Another push may have run at the same time: remove the duplicates it and we made (converge.py).
    result.settled = settle(conn, project, seen_in_input)
    if versions:
        mv = versions.most_common(1)[0][0]
        result.model_version = mv
        if project.model_version != mv:
            conn.call("setting the shown prediction version", conn.sdk.projects.update, project.id,
                      model_version=mv)
            project.model_version = mv
            result.shown_version_set = True
    return result


def iter_prelabel(paths: list[str], on_error: Callable[[str, str], object], model=None,
                  calibration: Callable[[], object] = lambda: None, disabled=()) -> Iterator[dict]:
    """Tasks from source files through the pre-annotator (annotate.prelabel); `model`: a trained
    model directory to run after the rules (None: $ANNOTATE_MODEL); `disabled`: rule ids switched
    off; `calibration()` (asked once, when the first task is wanted) gives the calibration that
    scores them all."""
    try:
        from annotate.nlp import load_nlp
        from annotate.prelabel import prelabel
    except ImportError as e:
        raise StudioError(f"the pre-annotator is not available ({e}) — use `--tasks FILE` with tasks from "
                          f"`annotate prelabel`") from None
    try:
        if model is None and not disabled:
            nlp = load_nlp()
        else:
            nlp = load_nlp(disabled, None if model is None else str(model))
    except Exception as e:  # noqa: BLE001 — e.g. the model is missing
        raise StudioError(f"cannot load the pre-annotation model: {' '.join(str(e).split())}") from None
    for task in prelabel(paths, nlp, on_error, calibration=calibration()):  # validated there
        yield ValidTask(task)
