"""The ML backend's HTTP API (annotate serve) without Label Studio: exact Label Studio JSON.

The app runs in-process (Starlette's TestClient) with the real pkuseg pipeline;
tests/studio/test_backend.py drives a real `annotate serve` process from a real
Label Studio.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from annotate.backend.app import create_app
from annotate.backend.model import MAX_TEXT_CHARS, read_config, BadRequest
from annotate.labelstudio.config import label_config
from annotate.prelabel import prelabel
from annotate.tasks import model_version

from backend_helpers import HOOK, SECRET

pytestmark = pytest.mark.model

ARTICLES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture(scope="module")
def expected(nlp):
    """What `annotate prelabel` makes of the fixture articles (the source of truth)."""
    return list(prelabel([ARTICLES], nlp, on_error=lambda p, r: pytest.fail(f"{p}: {r}")))


def as_imported(task: dict, n: int) -> dict:
    """The task as Label Studio sends it to /predict: id, project, data, no predictions."""
    return {"id": 100 + n, "project": 7, "data": copy.deepcopy(task["data"]), "annotations": [], "predictions": []}


def test_health_and_setup(client):
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "UP", "model_class": "RulesModel", "model_version": model_version()}
    r = client.post("/setup", json={"project": "7.1764400000", "schema": label_config(), "hostname": "http://x",
                                    "access_token": "t", "extra_params": None})
    assert r.status_code == 200 and r.json() == {"model_version": model_version()}


def test_predict_answers_what_prelabel_writes(client, expected):
    tasks = [as_imported(t, n) for n, t in enumerate(expected)]
    r = client.post("/predict", json={"tasks": tasks, "project": "7.1764400000", "label_config": label_config(),
                                      "params": {"login": None, "password": None, "context": None}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["model_version"] == model_version()
    assert len(body["results"]) == len(expected)
    for got, task in zip(body["results"], expected):
        assert got == task["predictions"][0]  # result (regions, rule ids, speakers, relations), score, version
        kinds = {item["type"] for item in got["result"]}
        assert "labels" in kinds
    assert any(item["type"] == "relation" for got in body["results"] for item in got["result"])
    assert any(item["type"] == "textarea" for got in body["results"] for item in got["result"])


def test_a_task_with_only_text_gets_regions_at_its_offsets(client):
    text = "新质生产力的关键在创新\n\n习近平总书记指出：“要牢牢把握高质量发展这个首要任务。”我们必须坚持创新驱动发展。"
    r = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": text}}], "label_config": label_config()})
    assert r.status_code == 200, r.text
    result = r.json()["results"][0]["result"]
    regions = [x for x in result if x["type"] == "labels"]
    assert {x["value"]["labels"][0] for x in regions} >= {"CLAIM", "QUOTE", "DIRECTIVE"}
    for x in regions:
        assert text[x["value"]["start"]:x["value"]["end"]] == x["value"]["text"]
    speakers = [x["value"]["text"] for x in result if x["type"] == "textarea"]
    assert speakers == [["习近平总书记"]]


def test_control_names_and_text_field_come_from_the_config(client, expected):
    config = (label_config().replace('name="text"', 'name="body"').replace('toName="text"', 'toName="body"')
              .replace('value="$text"', 'value="$content"').replace('name="label"', 'name="arg"')
              .replace('name="speaker"', 'name="who"'))
    task = expected[0]
    data = {**task["data"], "content": task["data"]["text"]}
    del data["text"]
    r = client.post("/predict", json={"tasks": [{"id": 1, "data": data}], "label_config": config})
    assert r.status_code == 200, r.text
    got = r.json()["results"][0]["result"]
    want = task["predictions"][0]["result"]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        if w["type"] == "labels":
            assert (g["from_name"], g["to_name"]) == ("arg", "body")
        elif w["type"] == "textarea":
            assert (g["from_name"], g["to_name"]) == ("who", "body")
        assert {k: v for k, v in g.items() if k not in ("from_name", "to_name")} == \
            {k: v for k, v in w.items() if k not in ("from_name", "to_name")}


def test_a_batch_of_100_in_one_request(client, expected):
    tasks = [as_imported(expected[n % len(expected)], n) for n in range(100)]
    r = client.post("/predict", json={"tasks": tasks, "label_config": label_config()})
    assert r.status_code == 200
    results = r.json()["results"]
    assert len(results) == 100
    assert results[7] == expected[7 % len(expected)]["predictions"][0]


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "not JSON"),
    (b"[1, 2]", 400, "JSON object"),
    (json.dumps({"tasks": [], "label_config": label_config()}).encode(), 400, "no tasks"),
    (json.dumps({"tasks": [{"id": 5, "data": {"title": "x"}}], "label_config": label_config()}).encode(),
     422, "task 5: no text in data.text"),
    (json.dumps({"tasks": [{"id": 5, "data": {"text": "x"}}],
                 "label_config": '<View><Text name="text" value="$text"/>'
                                 '<Labels name="l" toName="text"><Label value="PER"/></Labels></View>'}).encode(),
     400, "no <Labels>"),
    (json.dumps({"tasks": [{"id": 5, "data": {"text": "x"}}], "label_config": "<View"}).encode(),
     400, "not valid XML"),
    (json.dumps({"tasks": [{"id": 5, "data": {"text": "x", "outline": [["paragraph", 0, 9, [], None]]}}],
                 "label_config": label_config()}).encode(), 422, "outside the text"),
])
def test_bad_requests_get_one_line_4xx_and_the_backend_goes_on(client, expected, body, status, words):
    r = client.post("/predict", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert words in error and "\n" not in error and list(r.json()) == ["error"]
    good = client.post("/predict", json={"tasks": [as_imported(expected[0], 0)], "label_config": label_config()})
    assert good.status_code == 200


def test_a_10_mb_text_is_refused(client):
    text = "要" * (10 * 1024 * 1024 // 3 + 1)  # 10 MB of UTF-8
    assert len(text) > MAX_TEXT_CHARS
    r = client.post("/predict", json={"tasks": [{"id": 9, "data": {"text": text}}], "label_config": label_config()})
    assert r.status_code == 413 and "limit" in r.json()["error"]


def test_setup_refuses_a_config_without_the_labels(client):
    r = client.post("/setup", json={"project": "1.1", "schema": '<View><Text name="t" value="$t"/></View>'})
    assert r.status_code == 400 and "CLAIM" in r.json()["error"]


def test_webhook_ignores_other_actions_and_wants_a_project(client):
    assert client.post("/webhook", json={"action": "TASKS_CREATED", "project": {"id": 1}},
                       headers=HOOK).json()["status"] == "ignored"
    r = client.post("/webhook", json={"action": "ANNOTATION_CREATED", "project": {"id": 3}}, headers=HOOK)
    assert r.status_code == 200  # no recalibrator in this app: nothing to schedule


def test_webhook_schedules_one_calibration_for_a_burst(model):
    from fastapi.testclient import TestClient
    import threading

    done = threading.Event()
    calls = []

    def run(project_id):
        calls.append(project_id)
        done.set()

    app = create_app(model, recalibrate=run, webhook_secret=lambda: SECRET)
    app.state.recalibrator.quiet = 0.3
    c = TestClient(app)
    for _ in range(5):
        r = c.post("/webhook", json={"action": "ANNOTATION_UPDATED", "project": {"id": 4, "title": "p"}},
                   headers=HOOK)
        assert r.json()["status"] == "calibration scheduled"
    assert done.wait(10)
    assert calls == [4]


def test_basic_auth_when_configured(model):
    from fastapi.testclient import TestClient

    c = TestClient(create_app(model, auth=("ls", "s3cret-pass"), recalibrate=None))
    r = c.get("/health")
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Basic")
    assert "error" in r.json()
    assert c.get("/health", auth=("ls", "wrong")).status_code == 401
    assert c.get("/health", auth=("ls", "s3cret-pass")).status_code == 200


def test_read_config_of_the_scheme():
    controls = read_config(label_config())
    assert (controls.text_name, controls.text_field, controls.labels_name, controls.speaker_name,
            controls.relations) == ("text", "text", "label", "speaker", True)
    with pytest.raises(BadRequest):
        read_config(None)


def test_opening_the_backend_needs_credentials(monkeypatch):
    from annotate.backend.app import serve

    monkeypatch.delenv("ANNOTATE_BACKEND_USER", raising=False)
    monkeypatch.delenv("ANNOTATE_BACKEND_PASSWORD", raising=False)
    with pytest.raises(BadRequest, match="ANNOTATE_BACKEND_USER"):
        serve("0.0.0.0", 9)


def test_a_line_of_an_uploaded_text_file_is_annotated(client):
    # Label Studio imports each line of a .txt file as {"$undefined$": line}
    text = "我们必须坚持创新驱动发展。"
    r = client.post("/predict", json={"tasks": [{"id": 3, "data": {"$undefined$": text}}],
                                      "label_config": label_config()})
    assert r.status_code == 200, r.text
    regions = [x for x in r.json()["results"][0]["result"] if x["type"] == "labels"]
    assert [(x["value"]["labels"], x["value"]["text"]) for x in regions] == [(["DIRECTIVE"], text)]
