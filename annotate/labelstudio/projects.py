"""Projects by title: find one or create it, converging when concurrent pushes raced.

Used by push (creates the project), export and report (the project must exist).

Titles are normalised as Label Studio stores them (leading and trailing
whitespace stripped, as its serializer does); an empty or blank title is
refused. Label Studio has no unique constraint on titles, so two pushes that
start together may both create the project. The rule (see also converge.py):

* Projects that `annotate push` created carry PUSH_MARK as their description.
* Several projects with one title, all made by push: the oldest (lowest id) is
  THE project. A newer one that is empty is deleted on sight (the loser of a
  creation race: its own creator re-lists right after creating and moves to
  the oldest); a newer one with tasks is left to `converge.merge_projects`.
  Export and report use the oldest and ignore newer empty ones.
* Anything else (a project someone made by hand under the same title, or a
  newer one that still holds tasks, for export/report) is ambiguous: an error
  naming the ids, and nothing is changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from annotate.scheme import Scheme

from .client import Connection
from .config import label_config
from .errors import StudioError

PUSH_MARK = "Argument structure (annotate push)"  # the description of a project push created


@dataclass
class Project:
    id: int
    title: str
    model_version: str | None
    created: bool = False


def normalise_title(title: str) -> str:
    """The title as Label Studio stores it (stripped); an empty or blank title is an error."""
    clean = str(title).strip()
    if not clean:
        raise StudioError(f"the project title {title!r} is empty — give --project a name")
    return clean


def list_projects(conn: Connection, title: str) -> list:
    """The projects titled exactly `title` (already normalised), oldest first."""
    pager = conn.call("listing projects", conn.sdk.projects.list, title=title, page_size=100)
    found = conn.call("listing projects", lambda: [p for p in pager if p.title == title])
    return sorted(found, key=lambda p: p.id)


def by_push(p) -> bool:
    return (getattr(p, "description", None) or "").strip() == PUSH_MARK


def _ambiguous(conn: Connection, title: str, found: list) -> StudioError:
    ids = ", ".join(str(p.id) for p in found)
    return StudioError(f"{len(found)} projects on {conn.url} are titled {title!r} (ids {ids}) — rename or "
                       f"delete all but one in Label Studio, then run again")


def _project(p, created: bool = False) -> Project:
    return Project(p.id, p.title, getattr(p, "model_version", None) or None, created=created)


def delete_project_if_empty(conn: Connection, project_id: int) -> bool:
    """Delete a project that has no task (re-read just before); False if it has tasks or is gone."""
    try:  # counted from the tasks themselves, not the project's counter
        body = conn.request("counting a project's tasks", "GET", "api/tasks/",
                            params={"project": project_id, "page_size": 1, "include": "id"})
        if not isinstance(body, dict) or body.get("total") != 0 or body.get("tasks"):
            return False
        conn.call("deleting an empty duplicate project", conn.sdk.projects.delete, project_id)
    except StudioError as e:
        if e.status == 404:  # another push deleted it first
            return False
        raise
    return True


def _resolve(conn: Connection, title: str, found: list, destructive: bool) -> Project:
    """THE project among several with one title (see the module's docstring)."""
    if len(found) == 1:
        return _project(found[0])
    if not all(by_push(p) for p in found):
        raise _ambiguous(conn, title, found)
    oldest, newer = found[0], found[1:]
    if not destructive:
        if any((p.task_number or 0) for p in newer):
            raise _ambiguous(conn, title, found)
        return _project(oldest)
    for p in newer:
        if not (p.task_number or 0):
            delete_project_if_empty(conn, p.id)
    return _project(oldest)


def find_project(conn: Connection, title: str) -> Project | None:
    """The project with this title (normalised); several with it are resolved as the module says, or an error."""
    title = normalise_title(title)
    found = list_projects(conn, title)
    if not found:
        return None
    return _resolve(conn, title, found, destructive=False)


def find_or_create_project(conn: Connection, title: str, scheme: Scheme | None = None,
                           create: bool = True) -> Project:
    title = normalise_title(title)
    found = list_projects(conn, title)
    if not create:
        if not found:
            raise StudioError(f"no project titled {title!r} on {conn.url} — check the title (`annotate push` "
                              f"creates it)")
        return _resolve(conn, title, found, destructive=False)
    if found:
        return _resolve(conn, title, found, destructive=True)
    config = label_config(scheme)
    try:
        created = conn.call(f"creating project {title!r}", conn.sdk.projects.create, title=title,
                            label_config=config, show_collab_predictions=True,
                            description=PUSH_MARK, idempotent=False)
    except StudioError as e:
        # A 5xx or a dropped connection may or may not have created it (a busy SQLite server
        # answers 500 "database is locked" after creating the row): look before giving up.
        found = list_projects(conn, title) if e.ambiguous else []
        if not found:
            raise
        return _resolve(conn, title, found, destructive=True)
    # Another push may have created one at the same time: re-list, and the oldest wins.
    found = list_projects(conn, title) or [created]
    if all(p.id != created.id for p in found):
        found = sorted([*found, created], key=lambda p: p.id)
    project = _resolve(conn, title, found, destructive=True)
    project.created = project.id == created.id
    return project


def project_config(conn: Connection, project_id: int) -> str:
    return conn.call("reading the project", conn.sdk.projects.get, project_id).label_config or ""
