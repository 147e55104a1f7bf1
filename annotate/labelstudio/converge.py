"""Converge after concurrent pushes: one task per doc_id, one project per title.

Label Studio has no unique constraint, so two pushes of the same tasks that
run at the same time both see "not there yet" and both import. Every push
therefore ends with `settle`, which

1. removes duplicate tasks of the doc_ids it pushed: of the copies of one
   doc_id the one to keep is the oldest (lowest id) that has human work
   (annotations, cancelled annotations or drafts), else the oldest; every
   other copy that has no human work is deleted, after its predictions that
   the kept copy lacks were added to the kept copy (same text only). Human
   work is checked once more in a light listing just before the bulk delete. A copy
   with human work is never deleted (two annotated copies both stay and are
   reported). The rule gives the same answer whichever push applies it, so
   concurrent clean-ups agree; the listing pages by id (keyset), so tasks
   deleted meanwhile do not shift pages and hide others;
2. merges newer projects with the same title that push created (a creation
   race whose loser already imported, see projects.py) into the oldest:
   their tasks without human work whose doc_id the oldest lacks are copied
   over (data and predictions), and the newer project is deleted once none
   of its tasks has human work. One that has is left alone and reported.

The last push to finish cleans up after all imports of all pushes, so the
project converges whatever the timing.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator

from .client import Connection
from .errors import StudioError
from .projects import Project, by_push, delete_project_if_empty, list_projects

PAGE_SIZE = 500
MAX_ROUNDS = 5


@dataclass
class Settled:
    tasks_removed: int = 0          # duplicate copies deleted
    copied: set[str] = field(default_factory=set)              # doc_ids copied in from a newer project
    projects_merged: list[int] = field(default_factory=list)   # newer same-title projects deleted
    notes: list[str] = field(default_factory=list)             # what was left alone, and why


def iter_tasks(conn: Connection, project_id: int, include: str, all_fields: bool = False,
               page_size: int = PAGE_SIZE) -> Iterator[dict]:
    """Every task of a project in id order, paged by id (not by page number: concurrent deletes do
    not shift the pages)."""
    last = 0
    while True:
        query = {"filters": {"conjunction": "and", "items": [
            {"filter": "filter:tasks:id", "operator": "greater", "type": "Number", "value": last}]},
            "ordering": ["tasks:id"]}
        params = {"project": project_id, "page": 1, "page_size": page_size, "include": include,
                  "query": json.dumps(query), "resolve_uri": "false"}
        if all_fields:
            params["fields"] = "all"
        body = conn.request("listing the project's tasks", "GET", "api/tasks/", params=params)
        tasks = body.get("tasks", []) if isinstance(body, dict) else body
        for t in tasks:
            yield t
        # `total` counts the tasks after `last`; a server may cap the page size below ours
        total = body.get("total") if isinstance(body, dict) else None
        if not tasks or (len(tasks) >= total if isinstance(total, int) else len(tasks) < page_size):
            return
        last = max(t["id"] for t in tasks)


def human_work(task: dict) -> bool:
    """Annotations (submitted or cancelled) or drafts on a task. Read from the annotations
    themselves: the task's counters (total_annotations) are not always kept up to date by
    the server, so they only add to the evidence."""
    return bool(task.get("annotations") or task.get("annotations_ids") or task.get("drafts")
                or task.get("total_annotations") or task.get("cancelled_annotations"))


# Listed with fields=all: only then does the server fill annotations_ids and drafts.
_WORK = "annotations_ids,drafts,total_annotations,cancelled_annotations"
_LISTED = f"id,data,predictions_model_versions,{_WORK}"


def _versions(value: object) -> set[str]:
    if isinstance(value, list):
        return {str(v) for v in value if v}
    if isinstance(value, str):
        return {v.strip() for v in value.split(",") if v.strip()}
    return set()


def delete_tasks(conn: Connection, project_id: int, task_ids: set[int]) -> int:
    """Delete these tasks of a project unless they have human work by now (one light listing
    just before, then the Data Manager's bulk delete); the number deleted."""
    if not task_ids:
        return 0
    worked = {t["id"] for t in iter_tasks(conn, project_id, f"id,{_WORK}", all_fields=True) if human_work(t)}
    ids = sorted(task_ids - worked)
    deleted = 0
    for i in range(0, len(ids), PAGE_SIZE):
        body = conn.request("deleting duplicate tasks", "POST", "api/dm/actions",
                            params={"id": "delete_tasks", "project": project_id},
                            json_body={"selectedItems": {"all": False, "included": ids[i:i + PAGE_SIZE]}},
                            idempotent=True)  # deleting twice is harmless
        deleted += int((body or {}).get("processed_items") or 0)
    return deleted


def _move_predictions(conn: Connection, project_id: int, source: dict, keep: dict) -> None:
    """Predictions of `source` whose model version `keep` lacks, added to `keep` (same text only)."""
    missing = _versions(source.get("predictions_model_versions")) - _versions(keep.get("predictions_model_versions"))
    if not missing or (source.get("data") or {}).get("text") != (keep.get("data") or {}).get("text"):
        return
    preds = conn.request("listing predictions", "GET", "api/predictions/", params={"task": source["id"]}) or []
    payload = [{"task": keep["id"], "result": p.get("result") or [], "score": p.get("score"),
                "model_version": p["model_version"]} for p in preds if p.get("model_version") in missing]
    if payload:
        conn.call("adding predictions", conn.sdk.projects.import_predictions, project_id, request=payload,
                  idempotent=False)


def dedupe_tasks(conn: Connection, project_id: int, doc_ids: set[str], result: Settled) -> None:
    """One task per doc_id of `doc_ids` (the rule in the module's docstring), until a listing finds none to remove."""
    for _ in range(MAX_ROUNDS):
        copies: dict[str, list[dict]] = {}
        for t in iter_tasks(conn, project_id, _LISTED, all_fields=True):
            doc_id = (t.get("data") or {}).get("doc_id")
            if doc_id in doc_ids:
                copies.setdefault(doc_id, []).append(t)
        surplus: set[int] = set()
        for doc_id, group in copies.items():
            if len(group) < 2:
                continue
            worked = [t for t in group if human_work(t)]
            keep = min(worked or group, key=lambda t: t["id"])
            for t in group:
                if t is not keep and not human_work(t):
                    _move_predictions(conn, project_id, t, keep)
                    surplus.add(t["id"])
            if len(worked) > 1:
                note = (f"doc_id {doc_id} is in {len(worked)} tasks with annotations "
                        f"({', '.join(str(t['id']) for t in worked)}) — left as they are")
                if note not in result.notes:
                    result.notes.append(note)
        if not surplus:
            return
        result.tasks_removed += delete_tasks(conn, project_id, surplus)


def _copy_task(task: dict) -> dict:
    out = {"data": task.get("data") or {}}
    preds = [{k: p[k] for k in ("model_version", "score", "result") if k in p}
             for p in task.get("predictions") or [] if isinstance(p, dict)]
    if preds:
        out["predictions"] = preds
    return out


def _merge_one(conn: Connection, title: str, oldest_id: int, newer_id: int, result: Settled) -> None:
    there = {(t.get("data") or {}).get("doc_id") for t in iter_tasks(conn, oldest_id, "id,data")}
    worked, copy = [], []
    for t in iter_tasks(conn, newer_id, f"id,data,predictions,{_WORK}", all_fields=True):
        if human_work(t):
            worked.append(t["id"])
        elif (t.get("data") or {}).get("doc_id") not in there:
            copy.append(_copy_task(t))
            result.copied.add(str(copy[-1]["data"].get("doc_id")))
    for i in range(0, len(copy), PAGE_SIZE):
        conn.call("copying tasks into the oldest project", conn.sdk.projects.import_tasks, oldest_id,
                  request=copy[i:i + PAGE_SIZE], commit_to_project=True, return_task_ids=False,
                  idempotent=False)
    if worked:
        result.notes.append(f"project {newer_id} is also titled {title!r} and has tasks with annotations "
                            f"({len(worked)}) — left alone; merge or rename it in Label Studio")
        return
    delete_tasks(conn, newer_id, {t["id"] for t in iter_tasks(conn, newer_id, "id")})
    if delete_project_if_empty(conn, newer_id):
        result.projects_merged.append(newer_id)


def merge_projects(conn: Connection, project: Project, result: Settled) -> None:
    """Newer push-made projects titled like `project` merged into the oldest (module docstring)."""
    found = list_projects(conn, project.title)
    if len(found) < 2 or not all(by_push(p) for p in found):
        return
    oldest, newer = found[0], found[1:]
    for p in newer:
        try:
            _merge_one(conn, project.title, oldest.id, p.id, result)
        except StudioError as e:
            if e.status != 404:  # 404: another push merged or deleted it meanwhile
                raise
    if project.id != oldest.id:
        result.notes.append(f"another project titled {project.title!r} (id {oldest.id}) is older than the one "
                            f"this push used (id {project.id}); the tasks were merged into it")
        project.id = oldest.id


def settle(conn: Connection, project: Project, doc_ids: set[str]) -> Settled:
    """Both steps of the module's docstring: duplicate tasks, then duplicate projects."""
    result = Settled()
    merge_projects(conn, project, result)
    if doc_ids or result.copied:
        dedupe_tasks(conn, project.id, doc_ids | result.copied, result)
    return result
