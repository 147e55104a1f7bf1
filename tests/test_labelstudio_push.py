"""Push logic and the retry policy against an in-memory stand-in for the API (no server needed).

The real server is exercised in tests/studio; this covers what a real server
will not do on demand: a batch import that fails *after* it was applied
(timeout, dropped connection), and retries.
"""
import copy
import json
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from label_studio_sdk.core.api_error import ApiError

from annotate.labelstudio.client import Connection, Target
from annotate.labelstudio.errors import StudioError
from annotate.labelstudio.push import push_tasks

FIXTURE = Path(__file__).parent / "fixtures" / "tasks_small.json"


class FakeServer:
    """Projects, tasks and predictions in memory, with the SDK calls push uses."""

    def __init__(self):
        self.projects = {}
        self.tasks = {}        # id -> {"project", "data", "versions"}
        self.next_id = 100
        self.fail_after_import = 0   # imports that raise a timeout *after* being applied
        self.fail_before_import = 0  # imports that time out and are *not* applied
        self.import_calls = 0
        self.listings = 0
        self.updates = []
        s = self
        self.sdk = SimpleNamespace(projects=SimpleNamespace(
            list=lambda title=None, page_size=None: [p for p in s.projects.values() if title in p.title],
            create=s.create, get=lambda id: s.projects[id], update=s.update,
            import_tasks=s.import_tasks, import_predictions=s.import_predictions))

    def create(self, title, label_config, **kw):
        p = SimpleNamespace(id=len(self.projects) + 1, title=title, model_version=None, label_config=label_config)
        self.projects[p.id] = p
        return p

    def update(self, id, **kw):
        self.updates.append(kw)
        for k, v in kw.items():
            setattr(self.projects[id], k, v)

    def import_tasks(self, id, request, **kw):
        self.import_calls += 1
        if self.fail_before_import:
            self.fail_before_import -= 1
            raise httpx.ReadTimeout("timed out")
        for t in request:
            self.next_id += 1
            self.tasks[self.next_id] = {"project": id, "data": t["data"],
                                        "versions": {p["model_version"] for p in t.get("predictions", [])}}
        if self.fail_after_import:
            self.fail_after_import -= 1
            raise httpx.ReadTimeout("timed out")

    def import_predictions(self, id, request):
        for p in request:
            self.tasks[p["task"]]["versions"].add(p["model_version"])

    def request(self, what, method, path, params=None, **kw):
        assert path == "api/tasks/"
        self.listings += 1
        rows = [{"id": i, "data": t["data"], "predictions_model_versions": ", ".join(sorted(t["versions"]))}
                for i, t in self.tasks.items() if t["project"] == params["project"]]
        size, page = params["page_size"], params["page"]
        return {"total": len(rows), "tasks": rows[(page - 1) * size: page * size]}


class FakeConn(Connection):
    def __init__(self, server):
        self.target = Target("http://fake:1", "fake-token-123456", "env")
        self.timeout, self.attempts, self.backoff = 1.0, 3, 0.0
        self.server = server
        self.sdk = server.sdk

    def request(self, *a, **kw):
        return self.server.request(*a, **kw)


@pytest.fixture
def tasks():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def docs(server, project=1):
    return sorted(t["data"]["doc_id"] for t in server.tasks.values() if t["project"] == project)


def test_an_applied_but_failed_batch_is_not_imported_twice(tasks):
    server = FakeServer()
    server.fail_after_import = 1  # the first batch gets in, but the client sees a timeout
    result = push_tasks(FakeConn(server), "P", tasks, batch_size=2)
    assert docs(server) == sorted(t["data"]["doc_id"] for t in tasks)  # each exactly once
    assert result.imported == 3
    # the reconciliation listing (a new project needs none before) and the duplicate check at the end
    assert server.listings == 2


def test_a_batch_that_times_out_unapplied_is_retried(tasks):
    server = FakeServer()
    server.fail_before_import = 2
    result = push_tasks(FakeConn(server), "P", tasks, batch_size=3)
    assert result.imported == 3 and server.import_calls == 3
    assert docs(server) == sorted(t["data"]["doc_id"] for t in tasks)


def test_repeated_failures_give_up_with_a_clear_error_and_a_rerun_finishes(tasks):
    server = FakeServer()
    server.fail_before_import = 99
    with pytest.raises(StudioError, match="did not answer"):
        push_tasks(FakeConn(server), "P", tasks, batch_size=2)
    assert server.import_calls == 3 and docs(server) == []  # bounded
    server.fail_before_import = 0
    result = push_tasks(FakeConn(server), "P", tasks)
    assert (result.imported, result.already) == (3, 0)
    assert docs(server) == sorted(t["data"]["doc_id"] for t in tasks)


def test_model_version_bookkeeping(tasks):
    server = FakeServer()
    conn = FakeConn(server)
    push_tasks(conn, "P", tasks)
    assert server.projects[1].model_version == "argrules-0.1.0-1a2b3c4d"
    newer = copy.deepcopy(tasks)
    for t in newer:
        t["predictions"][0]["model_version"] = "v2"
    r = push_tasks(conn, "P", newer, batch_size=2)
    assert (r.imported, r.predictions_added, r.shown_version_set) == (0, 3, True)
    assert server.projects[1].model_version == "v2"
    r = push_tasks(conn, "P", newer)
    assert (r.imported, r.predictions_added, r.already, r.shown_version_set) == (0, 0, 3, False)


def test_title_lookup_is_exact(tasks):
    server = FakeServer()
    server.create("P-old", "<View/>")
    r = push_tasks(FakeConn(server), "P", tasks[:1])
    assert r.project.created and r.project.title == "P"


# -- the retry policy -----------------------------------------------------------

def flaky(errors, value="ok"):
    calls = []

    def fn():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return value

    return fn, calls


def conn():
    return FakeConn(FakeServer())


def test_connection_errors_are_retried_for_any_call():
    fn, calls = flaky([httpx.ConnectError("refused")] * 2)
    assert conn().call("x", fn, idempotent=False) == "ok" and len(calls) == 3


def test_retries_are_bounded():
    fn, calls = flaky([httpx.ConnectError("refused")] * 10)
    with pytest.raises(StudioError, match="cannot reach"):
        conn().call("x", fn)
    assert len(calls) == 3


def test_5xx_retried_only_when_idempotent():
    fn, calls = flaky([ApiError(status_code=502, body="bad gateway")])
    assert conn().call("x", fn, idempotent=True) == "ok" and len(calls) == 2
    fn, calls = flaky([ApiError(status_code=502, body="bad gateway")])
    with pytest.raises(StudioError) as e:
        conn().call("x", fn, idempotent=False)
    assert len(calls) == 1 and e.value.ambiguous


def test_client_errors_and_timeouts_are_not_retried():
    for exc in (ApiError(status_code=401, body={"detail": "nope"}), ApiError(status_code=400, body={}),
                httpx.ReadTimeout("slow")):
        fn, calls = flaky([exc])
        with pytest.raises(StudioError):
            conn().call("x", fn)
        assert len(calls) == 1


# -- the task's text on the server --------------------------------------------------


def test_a_prediction_for_a_task_whose_text_differs_on_the_server_is_skipped(tasks):
    server = FakeServer()
    conn = FakeConn(server)
    push_tasks(conn, "P", copy.deepcopy(tasks))
    edited = next(i for i, t in server.tasks.items() if t["data"]["doc_id"] == tasks[1]["data"]["doc_id"])
    server.tasks[edited]["data"] = {**server.tasks[edited]["data"], "text": "changed on the server"}
    newer = copy.deepcopy(tasks)
    for t in newer:
        t["predictions"][0]["model_version"] = "v2"
    skipped = []
    r = push_tasks(conn, "P", newer, on_skip=lambda d, reason: skipped.append((d, reason)))
    assert (r.imported, r.predictions_added, r.already) == (0, 2, 0)
    assert r.skipped == skipped and [d for d, _ in skipped] == [tasks[1]["data"]["doc_id"]]
    assert "text differs from the task on the server" in skipped[0][1]
    assert server.tasks[edited]["versions"] == {"argrules-0.1.0-1a2b3c4d"}  # nothing attached to it
    # the same version again: the task already has it, nothing to attach, nothing to report
    old = push_tasks(conn, "P", copy.deepcopy(tasks))
    assert (old.already, old.skipped) == (3, [])


def test_existing_tasks_keeps_a_digest_of_the_text(tasks):
    from annotate.labelstudio.push import existing_tasks, text_digest

    server = FakeServer()
    conn = FakeConn(server)
    push_tasks(conn, "P", tasks)
    known = existing_tasks(conn, 1)
    assert {d: e.text_digest for d, e in known.items()} == {
        t["data"]["doc_id"]: text_digest(t["data"]["text"]) for t in tasks}
    assert text_digest(None) is None and text_digest("a") != text_digest("b")


def test_text_differs_exits_1_with_the_doc_id_and_shows_brackets_verbatim(tasks, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import annotate.labelstudio.client as client
    from annotate.labelstudio.cli import make_app

    server = FakeServer()
    tasks[0]["data"]["doc_id"] = "[bold]d1[/bold]"
    push_tasks(FakeConn(server), "P", copy.deepcopy(tasks))
    first = next(i for i, t in server.tasks.items() if t["data"]["doc_id"] == "[bold]d1[/bold]")
    server.tasks[first]["data"] = {**server.tasks[first]["data"], "text": "other"}
    for t in tasks:
        t["predictions"][0]["model_version"] = "v2"
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(client, "connect", lambda timeout=None: FakeConn(server))
    res = CliRunner().invoke(make_app(), ["push", "--project", "P", "--tasks", str(path)])
    assert res.exit_code == 1, res.output  # bad input, reported; the rest pushed
    [line] = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert line.startswith("error: task [bold]d1[/bold]: text differs from the task on the server")
    assert line.endswith("(skipped)")
    assert "2 predictions added to existing tasks" in res.stdout and "1 bad tasks skipped" in res.stdout


# -- validation: once -----------------------------------------------------------------


def test_tasks_from_the_pre_annotator_are_not_validated_again(tasks, monkeypatch):
    import annotate.labelstudio.push as push

    calls = []
    real = push.validate_task
    monkeypatch.setattr(push, "validate_task", lambda t, s=None: calls.append(t) or real(t, s))
    server = FakeServer()
    file_task, *from_prelabel = tasks
    r = push_tasks(FakeConn(server), "P", [file_task] + [push.ValidTask(t) for t in from_prelabel])
    assert r.imported == 3 and calls == [file_task]  # only the task from a --tasks file is checked


def test_iter_prelabel_marks_its_tasks_as_validated(tasks, monkeypatch):
    import annotate.nlp
    import annotate.prelabel
    from annotate.labelstudio.push import ValidTask, iter_prelabel

    monkeypatch.setattr(annotate.nlp, "load_nlp", lambda: object())
    monkeypatch.setattr(annotate.prelabel, "prelabel", lambda paths, nlp, on_error, calibration=None: iter(tasks))
    got = list(iter_prelabel(["x"], on_error=lambda p, r: None))
    assert got == tasks and all(isinstance(t, ValidTask) for t in got)
