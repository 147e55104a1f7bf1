"""Push is idempotent by doc_id: re-push, interrupted push, new rules (model_version)."""
import copy
import json

import pytest

from annotate.labelstudio.push import push_tasks

from studio_helpers import FIXTURE, task_ids_by_doc


def doc_ids(tasks):
    return sorted(t["data"]["doc_id"] for t in tasks)


def test_second_push_adds_nothing(cli, conn, title, tasks):
    res = cli("push", "--project", title, "--tasks", FIXTURE)
    assert res.exit_code == 0, res.output
    assert "3 tasks imported" in res.stdout
    res = cli("push", "--project", title, "--tasks", FIXTURE)
    assert res.exit_code == 0, res.output
    assert "0 tasks imported, 3 already there, 0 predictions added" in res.stdout
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    by_doc = task_ids_by_doc(conn, project.id)
    assert sorted(by_doc) == doc_ids(tasks) and all(len(v) == 1 for v in by_doc.values())


def test_interrupted_push_completes_on_rerun(conn, title, tasks):
    def stops_after(n):
        for i, t in enumerate(tasks):
            if i == n:
                raise KeyboardInterrupt  # Ctrl-C half way
            yield t

    with pytest.raises(KeyboardInterrupt):
        push_tasks(conn, title, stops_after(2), batch_size=1)
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    assert sorted(task_ids_by_doc(conn, project.id)) == doc_ids(tasks[:2])

    result = push_tasks(conn, title, tasks, batch_size=2)
    assert (result.imported, result.already, result.predictions_added) == (1, 2, 0)
    by_doc = task_ids_by_doc(conn, project.id)
    assert sorted(by_doc) == doc_ids(tasks) and all(len(v) == 1 for v in by_doc.values())


def test_new_rules_add_a_prediction_and_leave_annotations_alone(conn, title, tasks):
    first = push_tasks(conn, title, tasks)
    pid = first.project.id
    ids = {d: v[0] for d, v in task_ids_by_doc(conn, pid).items()}
    d1 = tasks[0]["data"]["doc_id"]
    human = copy.deepcopy(tasks[0]["predictions"][0]["result"][:2])
    ann = conn.sdk.annotations.create(id=ids[d1], result=human, lead_time=5.0)
    before = conn.sdk.annotations.get(ann.id)

    newer = copy.deepcopy(tasks)
    for t in newer:
        t["predictions"][0]["model_version"] = "argrules-0.2.0-feedbeef"
        t["predictions"][0]["score"] = 0.5
    newer[0]["predictions"][0]["result"] = newer[0]["predictions"][0]["result"][:1]  # the rules changed
    second = push_tasks(conn, title, newer)
    assert (second.imported, second.already, second.predictions_added) == (0, 0, 3)
    assert second.shown_version_set
    assert conn.sdk.projects.get(pid).model_version == "argrules-0.2.0-feedbeef"
    for t in newer:
        preds = conn.request("p", "GET", "api/predictions/", params={"task": ids[t["data"]["doc_id"]]})
        assert sorted(p["model_version"] for p in preds) == ["argrules-0.1.0-1a2b3c4d", "argrules-0.2.0-feedbeef"]
        new = next(p for p in preds if p["model_version"] == "argrules-0.2.0-feedbeef")
        assert new["result"] == t["predictions"][0]["result"]
    after = conn.sdk.annotations.get(ann.id)
    assert after.result == before.result == human
    assert after.updated_at == before.updated_at
    assert len(task_ids_by_doc(conn, pid)) == 3
    # and once more: nothing left to do
    third = push_tasks(conn, title, newer)
    assert (third.imported, third.already, third.predictions_added) == (0, 3, 0)


def test_bad_tasks_are_reported_and_skipped(cli, conn, title, tasks, tmp_path):
    bad = copy.deepcopy(tasks)
    r = next(x for x in bad[1]["predictions"][0]["result"] if x["type"] == "labels")
    r["value"]["end"] = 10_000
    bad[2]["predictions"][0]["result"][0]["value"]["labels"] = ["THESIS"]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in bad), encoding="utf-8")
    res = cli("push", "--project", title, "--tasks", path)
    assert res.exit_code == 1
    assert f"error: task {bad[1]['data']['doc_id']}" in res.stderr and "outside" in res.stderr
    assert f"error: task {bad[2]['data']['doc_id']}" in res.stderr and "THESIS" in res.stderr
    assert "1 tasks imported" in res.stdout and "2 bad tasks skipped" in res.stdout
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    assert sorted(task_ids_by_doc(conn, project.id)) == [bad[0]["data"]["doc_id"]]


def test_duplicate_doc_ids_in_the_input_go_in_once(conn, title, tasks):
    result = push_tasks(conn, title, tasks + tasks[:1])
    assert (result.imported, result.duplicates) == (3, 1)
    assert all(len(v) == 1 for v in task_ids_by_doc(conn, result.project.id).values())


def test_push_from_source_files_through_prelabel(cli, conn, title, nlp):
    """The real corpus through the pre-annotator (the session's `nlp`: skipped when the model is not fetched)."""
    from annotate.labelstudio.server import project_root
    from annotate.prelabel import prelabel

    corpus = project_root() / "corpus"
    expected = list(prelabel([corpus], nlp, on_error=lambda p, r: None))
    assert expected, "the pre-annotator made no task from corpus/"
    res = cli("push", corpus, "--project", title)
    assert res.exit_code == 0, res.output
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    by_doc = task_ids_by_doc(conn, project.id)
    assert sorted(by_doc) == doc_ids(expected) and all(len(v) == 1 for v in by_doc.values())
    res = cli("push", corpus, "--project", title)
    assert res.exit_code == 0 and f"0 tasks imported, {len(expected)} already there" in res.stdout


def test_a_new_prediction_is_not_attached_to_a_task_whose_text_was_edited(conn, title, tasks):
    first = push_tasks(conn, title, tasks[:2])
    ids = {d: v[0] for d, v in task_ids_by_doc(conn, first.project.id).items()}
    edited = tasks[0]["data"]["doc_id"]
    conn.sdk.tasks.update(ids[edited], data={**tasks[0]["data"], "text": "改过的文字"})
    newer = copy.deepcopy(tasks[:2])
    for t in newer:
        t["predictions"][0]["model_version"] = "argrules-0.2.0-feedbeef"
    second = push_tasks(conn, title, newer)
    assert second.predictions_added == 1 and [d for d, _ in second.skipped] == [edited]
    assert "text differs from the task on the server" in second.skipped[0][1]
    preds = conn.request("p", "GET", "api/predictions/", params={"task": ids[edited]})
    assert [p["model_version"] for p in preds] == ["argrules-0.1.0-1a2b3c4d"]


def test_a_reformatted_config_is_the_same_and_a_changed_one_differs(conn, title, tasks):
    from annotate.labelstudio.config import label_config
    from annotate.labelstudio.projects import project_config
    from annotate.scheme import load_scheme

    project = push_tasks(conn, title, tasks[:1]).project
    wanted = label_config()
    # the same config as Label Studio may keep it: other line breaks and attribute order
    reformatted = wanted.replace("\n", "\n\n  ").replace('name="text" value="$text" granularity="symbol"',
                                                         'granularity="symbol" value="$text" name="text"')
    conn.sdk.projects.update(project.id, label_config=reformatted)
    assert project_config(conn, project.id) != wanted
    assert not push_tasks(conn, title, tasks).config_differs
    # near miss: a label's colour changed on the server
    changed = wanted.replace(load_scheme().labels[0].color, "#000000")
    conn.sdk.projects.update(project.id, label_config=changed)
    assert push_tasks(conn, title, tasks).config_differs
    # reported, not replaced without --update-config (Label Studio drops the final line break)
    assert project_config(conn, project.id).strip() == changed.strip()
    push_tasks(conn, title, tasks, update_config=True)
    assert project_config(conn, project.id).strip() == wanted.strip()
