"""Shared helpers of the integration tests (a plain module: `conftest` is not importable by name
reliably when several conftest.py files exist)."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
FIXTURE = HERE.parent / "fixtures" / "tasks_small.json"


def task_ids_by_doc(conn, project_id: int) -> dict[str, list[int]]:
    """doc_id → task ids in the project (more than one would be a duplicate)."""
    body = conn.request("listing tasks", "GET", "api/tasks/",
                        params={"project": project_id, "page_size": 1000, "include": "id,data"})
    out: dict[str, list[int]] = {}
    for t in body["tasks"]:
        out.setdefault(t["data"]["doc_id"], []).append(t["id"])
    return out


def one_error_line(res) -> str:
    """The command's stderr is exactly one `error: …` line; return it."""
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    return lines[0]
