"""A real Label Studio and a real `annotate serve` process: connect, retrieve, calibrate.

The backend runs as `python -m annotate serve` from the repository root; Label
Studio asks it for predictions itself (Data Manager's retrieve_tasks_predictions
action, opening a task) and sends it the annotation webhooks.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from annotate.labelstudio.backends import backend_health
from annotate.labelstudio.config import label_config
from annotate.labelstudio.server import project_root
from annotate.process import free_port
from annotate.prelabel import prelabel
from annotate.tasks import model_version

from studio_helpers import HERE, one_error_line, task_ids_by_doc

ROOT = project_root(HERE)
ARTICLES = ROOT / "tests" / "fixtures" / "articles"
FILES = ["green_development.txt", "nail_spirit.md", "party_discipline.html"]


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("backend")


@pytest.fixture(scope="module")
def backend(studio, log_dir):
    """`annotate serve` on a free port, pointed (for its webhook and calibrations) at the test studio."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ANNOTATE_WEBHOOK_SECRET", None)  # derived from the studio's token, as `connect` derives it
    log = open(log_dir / "backend.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "annotate", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while backend_health(url) is None:
        assert proc.poll() is None, (log_dir / "backend.log").read_text()
        assert time.monotonic() < deadline, "annotate serve did not answer /health"
        time.sleep(0.3)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(20)
    log.close()


@pytest.fixture(scope="module")
def expected(nlp):
    tasks = list(prelabel([ARTICLES / f for f in FILES], nlp, on_error=lambda p, r: pytest.fail(f"{p}: {r}")))
    assert len(tasks) == 3
    return tasks


def _project(conn, title):
    return next(p for p in conn.sdk.projects.list(title=title) if p.title == title)


def _predictions(conn, task_id):
    return conn.request("listing predictions", "GET", "api/predictions/", params={"task": task_id})


@pytest.fixture(scope="module")
def connected(studio, conn, backend, expected):
    """A project connected to the backend with the three articles imported WITHOUT predictions."""
    from typer.testing import CliRunner

    from annotate.labelstudio.cli import make_app

    title = f"backend-{os.getpid()}-{int(time.time())}"
    res = CliRunner().invoke(make_app(), ["studio", "connect", "--project", title, "--url", backend])
    assert res.exit_code == 0, res.output
    assert "registered" in res.stdout and model_version() in res.stdout
    project = _project(conn, title)
    assert project.label_config.strip() == label_config().strip()
    assert project.show_collab_predictions and project.evaluate_predictions_automatically
    assert project.model_version == model_version()
    imported = conn.sdk.projects.import_tasks(project.id, request=[{"data": t["data"]} for t in expected],
                                              commit_to_project=True, return_task_ids=True)
    ids = {t["data"]["doc_id"]: i for t, i in zip(expected, imported.task_ids)}
    # (read without the Data Manager's task list, which would fill them in by itself)
    assert all(_predictions(conn, i) == [] for i in ids.values())
    return project, ids


def test_retrieve_predictions_through_label_studio(conn, connected, expected):
    project, ids = connected
    conn.sdk.actions.create(id="retrieve_tasks_predictions", project=project.id,
                            selected_items={"all": True, "excluded": []})
    for task in expected:
        preds = _predictions(conn, ids[task["data"]["doc_id"]])
        assert len(preds) == 1
        want = task["predictions"][0]
        assert preds[0]["model_version"] == want["model_version"] == model_version()
        assert preds[0]["result"] == want["result"]  # regions, rule ids, speakers, relations, scores
        assert preds[0]["score"] == pytest.approx(want["score"])
    results = [x for t in expected for x in t["predictions"][0]["result"]]
    assert {x["type"] for x in results} == {"labels", "textarea", "relation"}


def test_opening_a_task_imported_as_plain_text_shows_the_pre_annotation(conn, connected):
    project, _ = connected
    text = "新质生产力的关键在创新\n\n习近平总书记指出：“要牢牢把握高质量发展这个首要任务。”我们必须坚持创新驱动发展。"
    imported = conn.sdk.projects.import_tasks(project.id, request=[{"data": {"text": text}}],
                                              commit_to_project=True, return_task_ids=True)
    task_id = imported.task_ids[0]
    assert _predictions(conn, task_id) == []
    opened = conn.request("opening the task", "GET", f"api/tasks/{task_id}/")  # what the labeling UI loads
    assert len(opened["predictions"]) == 1
    pred = opened["predictions"][0]
    assert pred["model_version"] == model_version()
    regions = [x for x in pred["result"] if x["type"] == "labels"]
    assert {x["value"]["labels"][0] for x in regions} >= {"CLAIM", "QUOTE", "DIRECTIVE"}
    assert all(text[x["value"]["start"]:x["value"]["end"]] == x["value"]["text"] for x in regions)
    assert [x["value"]["text"] for x in pred["result"] if x["type"] == "textarea"] == [["习近平总书记"]]


def test_the_data_manager_list_fills_tasks_without_predictions(conn, connected):
    project, _ = connected
    imported = conn.sdk.projects.import_tasks(project.id, request=[{"data": {"text": "我们要坚持创新。"}}],
                                              commit_to_project=True, return_task_ids=True)
    conn.request("listing tasks", "GET", "api/tasks/", params={"project": project.id, "page_size": 100})
    preds = _predictions(conn, imported.task_ids[0])
    assert [p["model_version"] for p in preds] == [model_version()]


def test_a_bad_request_gets_a_4xx_and_the_next_good_one_succeeds(backend, expected):
    bad = httpx.post(f"{backend}/predict", content=b'{"tasks": [', headers={"content-type": "application/json"})
    assert bad.status_code == 400 and list(bad.json()) == ["error"]
    no_text = httpx.post(f"{backend}/predict", json={"tasks": [{"id": 1, "data": {"body": "x"}}],
                                                     "label_config": label_config()})
    assert no_text.status_code == 422
    good = httpx.post(f"{backend}/predict", json={"tasks": [{"id": 1, "data": expected[0]["data"]}],
                                                  "label_config": label_config()}, timeout=60)
    assert good.status_code == 200
    assert good.json()["results"][0] == expected[0]["predictions"][0]


def test_connect_to_a_backend_that_is_down_is_one_error_line(cli, title):
    res = cli("studio", "connect", "--project", title, "--url", f"http://127.0.0.1:{free_port()}")
    assert res.exit_code == 1
    assert "does not answer" in one_error_line(res)


def _rule(item):
    return item["meta"]["text"][0].split("rule:")[1].strip()


def test_the_webhook_is_registered_with_its_secret_and_a_forged_one_is_refused(conn, connected, backend):
    project, _ = connected
    hooks = [h for h in conn.sdk.webhooks.list(project=str(project.id)) if (h.url or "") == f"{backend}/webhook"]
    assert len(hooks) == 1 and hooks[0].is_active
    assert set(hooks[0].headers) == {"X-Annotate-Webhook-Secret"}
    forged = {"action": "ANNOTATION_UPDATED", "project": project.id}
    r = httpx.post(f"{backend}/webhook", content=json.dumps(forged),
                   headers={"content-type": "text/plain", "origin": "https://evil.example"})
    assert r.status_code == 403
    r = httpx.post(f"{backend}/webhook", json=forged)  # JSON, no Origin, but no secret
    assert r.status_code == 403 and "X-Annotate-Webhook-Secret" in r.json()["error"]


def test_calibration_from_annotations_made_through_the_api(conn, connected, expected, backend, studio, cli):
    """Annotators delete every span of one rule and accept the rest: that rule ends low, the
    webhook recalibrates by itself (the project's own file, in the studio's folder), and task
    scores follow the documented formula."""
    project, ids = connected
    calibration_file = studio.home / "calibration" / f"{project.id}.json"
    show = cli("calibrate", "--show", "--project", project.title)
    assert show.exit_code == 0 and "has no calibration yet" in show.stdout
    conn.sdk.actions.create(id="retrieve_tasks_predictions", project=project.id,
                            selected_items={"all": True, "excluded": []})
    spans = Counter(_rule(x) for t in expected for x in t["predictions"][0]["result"] if x["type"] == "labels")
    doomed = max((r for r in spans if r.startswith("directive.")), key=lambda r: spans[r])
    assert spans[doomed] >= 3
    before = calibration_file.stat().st_mtime_ns if calibration_file.exists() else None
    for task in expected:
        result = task["predictions"][0]["result"]
        gone = {x["id"] for x in result if x["type"] == "labels" and _rule(x) == doomed}
        kept = [x for x in result if x.get("id") not in gone
                and not (x["type"] == "relation" and (x["from_id"] in gone or x["to_id"] in gone))]
        conn.sdk.annotations.create(id=ids[task["data"]["doc_id"]], result=kept, lead_time=30.0)

    # The backend's webhook (registered by Label Studio with the backend) recalibrates on its own.
    deadline = time.monotonic() + 90
    while not (calibration_file.exists() and calibration_file.stat().st_mtime_ns != before
               and json.loads(calibration_file.read_text())["rules"].get(doomed, {}).get("predicted") == spans[doomed]):
        assert time.monotonic() < deadline, "the webhook did not recalibrate"
        time.sleep(0.5)
    doc = json.loads(calibration_file.read_text())
    assert doc["model_version"] == model_version() and doc["project"] == project.title
    assert doc["project_id"] == project.id and doc["server"] == conn.url
    assert not (ROOT / "calibration.json").exists() and not Path("calibration.json").exists()

    # `annotate calibrate` computes the same counts into the same file; a weaker prior lets the data speak.
    res = cli("calibrate", "--project", project.title, "--prior-strength", "2")
    assert res.exit_code == 0, res.output
    assert f"written: {calibration_file}" in " ".join(res.stdout.split())
    doc = json.loads(calibration_file.read_text())
    entry = doc["rules"][doomed]
    assert (entry["accepted"], entry["deleted"], entry["predicted"]) == (0, spans[doomed], spans[doomed])
    assert entry["precision"] == pytest.approx(2 * entry["prior"] / (spans[doomed] + 2), abs=1e-3)
    assert entry["precision"] < 0.5
    others = [r for r in doc["rules"].values() if r is not entry]
    assert others and all(r["accepted"] == r["predicted"] and r["precision"] >= r["prior"] for r in others)
    assert entry["precision"] == min(r["precision"] for r in doc["rules"].values())

    # The running backend reads the new file: region score = calibrated precision,
    # task score = mean of its region scores, so the task with most doomed spans comes first.
    r = httpx.post(f"{backend}/predict", json={"tasks": [{"id": n, "data": t["data"]} for n, t in enumerate(expected)],
                                               "label_config": label_config(), "project": f"{project.id}.1764400000"},
                   timeout=120)
    assert r.status_code == 200
    scores = []
    for pred in r.json()["results"]:
        regions = [x for x in pred["result"] if x["type"] == "labels"]
        for x in regions:
            assert x["score"] == doc["rules"].get(_rule(x), {}).get("precision", x["score"])
        assert pred["score"] == pytest.approx(round(sum(x["score"] for x in regions) / len(regions), 3))
        share = sum(_rule(x) == doomed for x in regions) / len(regions)
        scores.append((pred["score"], share))
    from annotate.calibration import load

    assert {pred["calibration"] for pred in r.json()["results"]} == {load(calibration_file).label}
    show = cli("calibrate", "--show", "--project", project.title)
    assert show.exit_code == 0 and load(calibration_file).label in show.stdout and doomed in show.stdout
    by_score = [share for _, share in sorted(scores)]
    assert by_score[0] == max(by_score)
    assert all(score < t["predictions"][0]["score"] for (score, share), t in zip(scores, expected) if share)

    # In Label Studio: predictions retrieved again carry the calibrated scores, and the Data
    # Manager sorted by prediction score ascending lists the least certain task first.
    everything = {"all": True, "excluded": []}
    conn.sdk.actions.create(id="delete_tasks_predictions", project=project.id, selected_items=everything)
    conn.sdk.actions.create(id="retrieve_tasks_predictions", project=project.id, selected_items=everything)
    body = conn.request("listing tasks", "GET", "api/tasks/", params={
        "project": project.id, "fields": "all", "query": json.dumps({"ordering": ["tasks:predictions_score"]})})
    listed = [(t["id"], t["predictions_score"]) for t in body["tasks"] if t["id"] in ids.values()]
    want = {ids[t["data"]["doc_id"]]: score for t, (score, _) in zip(expected, scores)}
    assert [task_id for task_id, _ in listed] == sorted(want, key=lambda i: (want[i], i))
    assert all(score == pytest.approx(want[task_id]) for task_id, score in listed)


def test_push_scores_with_the_projects_calibration_and_refuses_a_corrupt_one(conn, studio, cli, title, nlp):
    """push to project P reads P's calibration once; a corrupt one: one error line naming the
    file, nothing pushed (issue 18 item 12)."""
    from annotate.calibration import build, write

    first = cli("push", ARTICLES / FILES[0], "--project", title)
    assert first.exit_code == 0, first.output
    project = _project(conn, title)
    path = studio.home / "calibration" / f"{project.id}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": "annotate-calibration/1", "rules": {"claim.title": {"precision": 7}}}')
    res = cli("push", ARTICLES / FILES[1], "--project", title)
    assert res.exit_code == 1
    assert one_error_line(res) == f"error: {path}: rule 'claim.title' has no precision between 0 and 1 — " \
                                  f"run `annotate calibrate` again"
    before = task_ids_by_doc(conn, project.id)
    assert len(before) == 1
    rules = {"claim.title": {"label": "CLAIM", "predicted": 30, "accepted": 0}}
    write(build(rules, {"claim.title": 0.98}, model_version="mv", counted_versions=[], project=title,
                project_id=project.id), path)
    res = cli("push", ARTICLES / FILES[1], "--project", title)
    assert res.exit_code == 0, res.output
    (new,) = [ids[0] for doc_id, ids in task_ids_by_doc(conn, project.id).items() if doc_id not in before]
    (prediction,) = _predictions(conn, new)
    titles = [x for x in prediction["result"] if x.get("meta", {}).get("text") == ["rule: claim.title"]]
    assert titles and all(x["score"] == round((0 + 10 * 0.98) / (30 + 10), 3) for x in titles)


def test_connect_without_url_starts_the_local_backend_and_status_shows_it(cli, conn, title):
    from annotate.backend.process import LocalBackend

    backend = LocalBackend.from_env()
    try:
        res = cli("studio", "connect", "--project", title, "--port", free_port())
        assert res.exit_code == 0, res.output
        url = backend.state()["url"]
        assert backend.running_pid() and backend_health(url)["model_version"] == model_version()
        assert f"ML backend {url} registered" in res.stdout
        status = cli("studio", "status")
        assert f"backend: {url} answers" in status.stdout
        again = cli("studio", "connect", "--project", title)  # running already: reused, backend updated
        assert again.exit_code == 0 and "already running" in again.stderr and "updated" in again.stdout
    finally:
        backend.down(say=lambda msg: None)
    assert backend.running_pid() is None and backend_health(url) is None
