"""Concurrent pushes converge: one project per title and one task per doc_id, whatever the timing.

Two pushes of the same tasks are started together (threads released by a barrier,
each with its own connection; and once as two real `annotate push` processes), many
times, into a new title and into an existing project. Tasks with human work are
never deleted; a newer push-made project with the same title is merged into the
oldest; padded titles are the server's stripped title; blank titles are refused.
"""
import copy
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from annotate.labelstudio.client import Connection
from annotate.labelstudio.projects import PUSH_MARK, list_projects
from annotate.labelstudio.push import push_tasks

from studio_helpers import one_error_line, task_ids_by_doc

REPO = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("ANNOTATE_RACE_ROUNDS") or 6)  # more: ANNOTATE_RACE_ROUNDS=50


def many(tasks, n):
    """n tasks with distinct doc_ids (the fixture's texts and predictions, which fit them)."""
    out = []
    for i in range(n):
        t = copy.deepcopy(tasks[i % len(tasks)])
        t["data"]["doc_id"] = f"{t['data']['doc_id'][:10]}{i:06d}"
        out.append(t)
    return out


def two_at_once(title, tasks, batch_size=7):
    barrier = threading.Barrier(2)

    def one(_):
        conn = Connection()
        barrier.wait()
        return push_tasks(conn, title, copy.deepcopy(tasks), batch_size=batch_size)

    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(one, range(2)))


def assert_converged(conn, title, tasks):
    projects = list_projects(conn, title)
    assert len(projects) == 1, [p.id for p in projects]
    by_doc = task_ids_by_doc(conn, projects[0].id)
    assert sorted(by_doc) == sorted(t["data"]["doc_id"] for t in tasks)
    assert all(len(ids) == 1 for ids in by_doc.values()), {d: v for d, v in by_doc.items() if len(v) > 1}
    return projects[0].id


def test_two_pushes_into_a_new_title_make_one_project(conn, title, tasks):
    work = many(tasks, 30)
    for r in range(ROUNDS):
        name = f"{title[-6:]}-race-new{r}"
        results = two_at_once(name, work)
        assert_converged(conn, name, work)
        assert sum(res.imported for res in results) >= len(work)


def test_two_pushes_into_an_existing_project_make_one_task_per_doc(conn, title, tasks):
    work = many(tasks, 30)
    for r in range(ROUNDS):
        name = f"{title[-6:]}-race-old{r}"
        push_tasks(conn, name, work[:5])  # the project exists and holds some of them
        two_at_once(name, work)
        assert_converged(conn, name, work)


def test_two_push_processes_started_together(conn, title, tasks, tmp_path, studio):
    work = many(tasks, 40)
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(work, ensure_ascii=False), encoding="utf-8")
    for r in range(2):
        name = f"{title[-6:]}-race-proc{r}"
        cmd = [sys.executable, "-m", "annotate", "push", "--project", name, "--tasks", str(path),
               "--batch-size", "9"]
        procs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(2)]
        outs = [p.communicate(timeout=300) for p in procs]
        assert [p.returncode for p in procs] == [0, 0], outs
        assert_converged(conn, name, work)


def test_duplicates_with_annotations_are_never_deleted(conn, title, tasks):
    work = many(tasks, 6)
    first = push_tasks(conn, title, work)
    pid = first.project.id
    # a second copy of every task, as a racing push would have made, one of them annotated by a person
    conn.sdk.projects.import_tasks(pid, request=[{"data": t["data"], "predictions": t["predictions"]}
                                                 for t in work], commit_to_project=True)
    d0, d1 = work[0]["data"]["doc_id"], work[1]["data"]["doc_id"]
    ids = task_ids_by_doc(conn, pid)
    assert all(len(v) == 2 for v in ids.values())
    human = work[0]["predictions"][0]["result"][:1]
    newer0 = max(ids[d0])
    conn.sdk.annotations.create(id=newer0, result=human, lead_time=3.0)
    both1 = sorted(ids[d1])
    for tid in both1:  # two annotated copies: both stay
        conn.sdk.annotations.create(id=tid, result=human, lead_time=3.0)

    result = push_tasks(conn, title, work)
    after = task_ids_by_doc(conn, pid)
    assert after[d0] == [newer0]          # the annotated copy kept, the bare older one removed
    assert sorted(after[d1]) == both1     # human work is never deleted
    assert all(len(v) == 1 for d, v in after.items() if d != d1)
    assert result.settled.tasks_removed == len(work) - 1
    assert any(d1 in note for note in result.settled.notes)


def test_newer_push_made_project_with_the_same_title_is_merged(conn, title, tasks):
    work = many(tasks, 8)
    older = conn.sdk.projects.create(title=title, description=PUSH_MARK)
    newer = conn.sdk.projects.create(title=title, description=PUSH_MARK)
    # a race on a server that made the newer project visible first: both got tasks
    conn.sdk.projects.import_tasks(older.id, request=[{"data": t["data"]} for t in work[:3]],
                                   commit_to_project=True)
    conn.sdk.projects.import_tasks(newer.id, request=[{"data": t["data"], "predictions": t["predictions"]}
                                                      for t in work[2:6]], commit_to_project=True)
    result = push_tasks(conn, title, work[:1])
    assert result.project.id == older.id and result.settled.projects_merged == [newer.id]
    projects = list_projects(conn, title)
    assert [p.id for p in projects] == [older.id]
    by_doc = task_ids_by_doc(conn, older.id)
    assert sorted(by_doc) == sorted(t["data"]["doc_id"] for t in work[:6])
    assert all(len(v) == 1 for v in by_doc.values())
    moved = by_doc[work[4]["data"]["doc_id"]][0]
    preds = conn.request("p", "GET", "api/predictions/", params={"task": moved})
    assert [p["model_version"] for p in preds] == [work[4]["predictions"][0]["model_version"]]


def test_newer_project_with_annotations_is_left_alone(conn, title, tasks):
    work = many(tasks, 3)
    older = conn.sdk.projects.create(title=title, description=PUSH_MARK)
    newer = conn.sdk.projects.create(title=title, description=PUSH_MARK)
    conn.sdk.projects.import_tasks(newer.id, request=[{"data": work[0]["data"]}], commit_to_project=True)
    tid = task_ids_by_doc(conn, newer.id)[work[0]["data"]["doc_id"]][0]
    conn.sdk.annotations.create(id=tid, result=work[0]["predictions"][0]["result"][:1], lead_time=1.0)
    result = push_tasks(conn, title, work)
    assert result.project.id == older.id
    assert sorted(p.id for p in list_projects(conn, title)) == [older.id, newer.id]
    assert any(str(newer.id) in note and "left alone" in note for note in result.settled.notes)
    assert task_ids_by_doc(conn, newer.id) == {work[0]["data"]["doc_id"]: [tid]}


def test_padded_title_is_the_stripped_title(cli, conn, title, tasks, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    for variant in (f"{title} ", f"  {title}", f"{title}\t", title):
        res = cli("push", "--project", variant, "--tasks", path)
        assert res.exit_code == 0, res.output
    assert_converged(conn, title, tasks)


@pytest.mark.parametrize("blank", ["", "   ", "\t"])
def test_blank_title_is_refused(cli, conn, blank, tasks, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    before = len(list(conn.sdk.projects.list(page_size=1000)))
    res = cli("push", "--project", blank, "--tasks", path)
    assert res.exit_code == 1
    assert "is empty" in one_error_line(res)
    assert len(list(conn.sdk.projects.list(page_size=1000))) == before
