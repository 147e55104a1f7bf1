"""Projects by title: find one (a title that exists twice is an error) or create it.

Used by push (creates the project), export and report (the project must exist).
"""
from __future__ import annotations

from dataclasses import dataclass

from annotate.scheme import Scheme

from .client import Connection
from .config import label_config
from .errors import StudioError


@dataclass
class Project:
    id: int
    title: str
    model_version: str | None
    created: bool = False


def find_project(conn: Connection, title: str) -> Project | None:
    """The project with exactly this title; a title that exists twice is an error."""
    pager = conn.call("listing projects", conn.sdk.projects.list, title=title, page_size=100)
    found = conn.call("listing projects", lambda: [p for p in pager if p.title == title])
    if len(found) > 1:
        ids = ", ".join(str(i) for i in sorted(p.id for p in found))
        raise StudioError(f"{len(found)} projects on {conn.url} are titled {title!r} (ids {ids}) — rename or "
                          f"delete all but one in Label Studio, then run again")
    if not found:
        return None
    p = found[0]
    return Project(p.id, p.title, getattr(p, "model_version", None) or None)


def find_or_create_project(conn: Connection, title: str, scheme: Scheme | None = None,
                           create: bool = True) -> Project:
    project = find_project(conn, title)
    if project is not None:
        return project
    if not create:
        raise StudioError(f"no project titled {title!r} on {conn.url} — check the title (`annotate push` "
                          f"creates it)")
    config = label_config(scheme)
    created = conn.call(f"creating project {title!r}", conn.sdk.projects.create, title=title,
                        label_config=config, show_collab_predictions=True,
                        description="Argument structure (annotate push)", idempotent=False)
    return Project(created.id, title, None, created=True)


def project_config(conn: Connection, project_id: int) -> str:
    return conn.call("reading the project", conn.sdk.projects.get, project_id).label_config or ""
