"""The ML backend under hostile requests (issue 18): every refusal a 4xx with one line of JSON,
no 500 body with exception text or paths, credentials that cannot work refused at start, and
web pages in the annotator's browser kept out (Host, Origin, content type, webhook secret).

In-process (Starlette's TestClient) with the real pipeline; tests/test_backend_limits.py drives
a real `annotate serve` process (stalled clients, the forged webhook over plain HTTP)."""
from __future__ import annotations

import json
import logging

import pytest

from annotate.backend.app import INTERNAL_ERROR, create_app
from annotate.backend.model import RulesModel
from annotate.labelstudio.config import label_config

from backend_helpers import HOOK, SECRET

pytestmark = pytest.mark.model

TEXT = "新质生产力的关键在创新\n\n我们必须坚持创新驱动发展。"


def predict_body(data: dict, config: str | None = None) -> dict:
    return {"tasks": [{"id": 1, "data": data}], "label_config": config or label_config()}


def assert_one_line_4xx(r, *words):
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    body = r.json()
    assert list(body) == ["error"] and "\n" not in body["error"], body
    assert len(body["error"]) < 400
    for w in words:
        assert w in body["error"], body["error"]


def post_raw(client, path: str, raw: bytes, headers: dict | None = None):
    return client.post(path, content=raw, headers={"content-type": "application/json", **(headers or {})})


@pytest.mark.parametrize("path", ["/predict", "/setup", "/webhook"])
def test_deeply_nested_json_is_a_400(client, path):
    r = post_raw(client, path, b"[" * 100_000 + b"]" * 100_000, HOOK)
    assert_one_line_4xx(r, "nested too deeply")
    r = post_raw(client, path, b'{"tasks": ' + b"[" * 50_000, HOOK)  # unfinished as well
    assert_one_line_4xx(r)


LONE = "\\ud800"  # as JSON text: the escape of a lone surrogate


@pytest.mark.parametrize("field, raw", [
    ("text", '{"tasks": [{"id": 1, "data": {"text": "abc' + LONE + 'def"}}], "label_config": %s}'),
    ("source", '{"tasks": [{"id": 1, "data": {"text": "abc", "source": "x' + LONE + '"}}], "label_config": %s}'),
    ("outline", '{"tasks": [{"id": 1, "data": {"text": "abc", "outline": [["paragraph", 0, 3, [], "'
                + LONE + '"]]}}], "label_config": %s}'),
    ("config", '{"tasks": [{"id": 1, "data": {"text": "abc"}}], "label_config": "<View>' + LONE + '</View>",'
               ' "x": %s}'),
    ("key", '{"tasks": [{"id": 1, "data": {"text": "abc", "' + LONE + '": 1}}], "label_config": %s}'),
])
def test_a_lone_surrogate_anywhere_is_a_422(client, field, raw):
    r = post_raw(client, "/predict", (raw % json.dumps(label_config())).encode())
    assert_one_line_4xx(r, "lone surrogate")
    assert r.status_code == 422
    # a surrogate *pair* is a real character (𠮷 as \ud842\udfb7) and is annotated as usual
    ok = post_raw(client, "/predict", ('{"tasks": [{"id": 1, "data": {"text": "\\ud842\\udfb7我们必须坚持创新。"}}], '
                                       '"label_config": %s}' % json.dumps(label_config())).encode())
    assert ok.status_code == 200, ok.text


@pytest.mark.parametrize("path", ["/predict", "/setup", "/webhook"])
def test_a_surrogate_encoded_in_utf8_bytes_is_a_400(client, path):
    raw = ('{"tasks": [{"id": 1, "data": {"text": "abc\ud800"}}], "label_config": %s, "action": "A"}'
           % json.dumps(label_config())).encode("utf-8", "surrogatepass")
    assert b"\xed\xa0\x80" in raw
    assert_one_line_4xx(post_raw(client, path, raw, HOOK), "not UTF-8")


@pytest.mark.parametrize("path", ["/setup", "/webhook"])
def test_a_lone_surrogate_in_setup_or_webhook_is_a_422(client, path):
    r = post_raw(client, path, ('{"schema": "<View>' + LONE + '</View>", "action": "A' + LONE + '"}').encode(),
                 HOOK)
    assert_one_line_4xx(r, "lone surrogate")


@pytest.mark.parametrize("outline, words", [
    ([["title", 0, 0, [], None], ["paragraph", 0, 5, [], None]], "empty"),          # zero-length at the start
    ([["paragraph", 0, 5, [], None], ["paragraph", 25, 25, [], None]], "empty"),    # … and at the end
    ([["paragraph", 0, 10, [[20, 40]], None]], "bold run"),                         # bold outside the text
    ([["paragraph", 0, 10, [[-3, 2]], None]], "bold run"),                          # negative bold
    ([["paragraph", 0, 10, [[2]], None]], "bold run"),
    ([[["paragraph"], 0, 10, [], None]], "kind"),                                   # a list as block kind
    ([["chapter", 0, 10, [], None]], "kind"),
    ([["paragraph", 0, 10, [], None, 7]], "outline[0]"),
    ([["paragraph", "0", 10, [], None]], "integer"),
    ([["paragraph", True, 10, [], None]], "integer"),
    ([["paragraph", 5, 10, [], None], ["paragraph", 0, 4, [], None]], "order"),
    ([["title", 0, 10, [], [8, 30]]], "claim"),
    ({"kind": "paragraph"}, "not a list"),
    ([7], "outline[0]"),
])
def test_a_malformed_outline_is_a_422(client, outline, words):
    text = "新质生产力的关键在创新。我们必须坚持创新驱动发展。"
    assert len(text) == 25
    r = client.post("/predict", json=predict_body({"text": text, "outline": outline}))
    assert_one_line_4xx(r, words)
    assert r.status_code == 422


@pytest.mark.parametrize("authors", [5, 3.5, True, False, {"a": 1}, [1, 2], ["王一鸣", None]])
def test_authors_that_are_not_text_are_a_422(client, authors):
    r = client.post("/predict", json=predict_body({"text": TEXT, "authors": authors}))
    if authors is False:  # an empty value: no authors
        assert r.status_code == 200
        return
    assert_one_line_4xx(r, "data.authors")


@pytest.mark.parametrize("field, value", [("title", [1]), ("source", {"x": 1}), ("line_map", [[1]]),
                                          ("line_map", 5), ("column", True)])
def test_other_malformed_fields_are_a_422(client, field, value):
    r = client.post("/predict", json=predict_body({"text": TEXT, field: value}))
    assert_one_line_4xx(r, f"data.{field}")


def test_a_number_where_a_text_field_is_is_read_as_its_text(client):
    r = client.post("/predict", json=predict_body({"text": TEXT, "title": 2024, "source": 17}))
    assert r.status_code == 200, r.text


def test_a_huge_task_id_is_not_echoed(client):
    r = client.post("/predict", json={"tasks": [{"id": ["x" * 10_000], "data": {}}], "label_config": label_config()})
    assert_one_line_4xx(r, "task #0")


def test_a_500_carries_no_exception_text_and_no_path(model, caplog):
    from fastapi.testclient import TestClient

    class Broken(RulesModel):
        def __init__(self):
            self.nlp, self.scheme, self.lock = model.nlp, model.scheme, model.lock

        def predict(self, *args, **kwargs):
            raise RuntimeError("boom in /srv/annotate/secret/path.py: token=abc")

    c = TestClient(create_app(Broken(), recalibrate=None), raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="annotate.backend"):
        r = c.post("/predict", json=predict_body({"text": TEXT}))
    assert r.status_code == 500
    assert r.json() == {"error": INTERNAL_ERROR}
    assert "boom" in caplog.text  # the details are in the log


# -- credentials that cannot work are refused at start (item 3) --------------------------

@pytest.mark.parametrize("user, password, words", [
    ("ls", "pässwort", "ANNOTATE_BACKEND_PASSWORD"),
    ("ls", "密码密码", "ANNOTATE_BACKEND_PASSWORD"),
    ("ls", "tab\there", "ANNOTATE_BACKEND_PASSWORD"),
    ("ü", "secret", "ANNOTATE_BACKEND_USER"),
    ("a:b", "secret", "colon"),
])
def test_credentials_basic_auth_cannot_carry_are_refused_at_start(monkeypatch, user, password, words):
    from typer.testing import CliRunner

    from annotate.cli import app

    monkeypatch.setenv("ANNOTATE_BACKEND_USER", user)
    monkeypatch.setenv("ANNOTATE_BACKEND_PASSWORD", password)
    res = CliRunner().invoke(app, ["serve", "--port", "9"])  # refused before the model loads
    assert res.exit_code == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], res.stderr
    assert password not in res.stderr


def test_an_ascii_password_with_symbols_works(model):
    from fastapi.testclient import TestClient

    password = "p@ss w0rd:!#"
    c = TestClient(create_app(model, auth=("ls", password), recalibrate=None))
    assert c.get("/health", auth=("ls", password)).status_code == 200
    assert c.get("/health", auth=("ls", password + "x")).status_code == 401
    assert c.get("/health", headers={"Authorization": "Basic !!!"}).status_code == 401


# -- web pages and forged webhooks (item 4) -------------------------------------------------

FORGED = {"action": "ANNOTATION_UPDATED", "project": 4}


@pytest.fixture
def hooked(model):
    """An app on loopback whose recalibrations are recorded."""
    from fastapi.testclient import TestClient

    calls = []
    app = create_app(model, recalibrate=calls.append, loopback_only=True, webhook_secret=lambda: SECRET)
    app.state.recalibrator.quiet = 0.0
    return TestClient(app, base_url="http://127.0.0.1:9090"), calls


def test_the_forged_webhook_of_the_issue_is_refused(hooked):
    c, calls = hooked
    # curl -XPOST -H 'content-type: text/plain' -H 'Origin: https://evil.example' -d '{…}' localhost:PORT/webhook
    r = c.post("/webhook", content=json.dumps(FORGED), headers={"content-type": "text/plain",
                                                                  "origin": "https://evil.example"})
    assert_one_line_4xx(r)
    assert r.status_code == 403
    r = c.post("/webhook", content=json.dumps(FORGED), headers={"content-type": "text/plain", **HOOK})
    assert r.status_code == 415 and "application/json" in r.json()["error"]
    r = c.post("/webhook", json=FORGED, headers={"origin": "https://evil.example", **HOOK})
    assert r.status_code == 403 and "Origin" in r.json()["error"]
    r = c.post("/webhook", json=FORGED)
    assert r.status_code == 403 and "X-Annotate-Webhook-Secret" in r.json()["error"]
    r = c.post("/webhook", json=FORGED, headers={"X-Annotate-Webhook-Secret": SECRET + "x"})
    assert r.status_code == 403
    r = c.post("/webhook", json=FORGED, headers={"host": "evil.example", **HOOK})  # DNS rebinding
    assert r.status_code == 403 and "Host" in r.json()["error"]
    assert calls == []
    r = c.post("/webhook", json=FORGED, headers=HOOK)  # what Label Studio sends
    assert r.status_code == 200 and r.json()["status"] == "calibration scheduled"


def test_without_a_secret_configured_every_webhook_is_refused(model):
    from fastapi.testclient import TestClient

    c = TestClient(create_app(model, recalibrate=None, webhook_secret=lambda: None))
    r = c.post("/webhook", json=FORGED, headers={"X-Annotate-Webhook-Secret": ""})
    assert r.status_code == 403 and "ANNOTATE_WEBHOOK_SECRET" in r.json()["error"]


def test_with_basic_auth_the_webhook_is_authenticated_by_it(model):
    from fastapi.testclient import TestClient

    c = TestClient(create_app(model, auth=("ls", "pw-123456"), recalibrate=None, webhook_secret=lambda: None))
    assert c.post("/webhook", json=FORGED).status_code == 401
    assert c.post("/webhook", json=FORGED, auth=("ls", "pw-123456")).status_code == 200


@pytest.mark.parametrize("path", ["/predict", "/setup"])
def test_other_routes_want_json_and_no_foreign_origin(hooked, path):
    c, _ = hooked
    body = json.dumps(predict_body({"text": TEXT}))
    assert c.post(path, content=body, headers={"content-type": "text/plain"}).status_code == 415
    assert c.post(path, content=body, headers={"content-type": "application/x-www-form-urlencoded"}).status_code \
        == 415
    assert c.post(path, content=body, headers={"content-type": "application/json",
                                               "origin": "http://localhost:3000"}).status_code == 403
    assert c.post(path, content=body, headers={"content-type": "application/json", "host": "attacker.test"}) \
        .status_code == 403
    ok = c.post(path, content=body, headers={"content-type": "application/json; charset=utf-8",
                                             "origin": "http://127.0.0.1:9090"})
    assert ok.status_code in (200, 400), ok.text  # /setup wants "schema": a 400 of its own
    for host in ("localhost:9090", "127.0.0.1", "[::1]:9090"):
        assert c.get("/health", headers={"host": host}).status_code == 200


def test_the_connected_webhook_secret_is_the_backends(monkeypatch):
    """`studio connect` and `serve` derive the same secret from the same token; an explicit
    ANNOTATE_WEBHOOK_SECRET wins on both sides; the token never appears in it."""
    from annotate.labelstudio.backends import webhook_secret
    from annotate.labelstudio.client import Target

    monkeypatch.delenv("ANNOTATE_WEBHOOK_SECRET", raising=False)
    a = webhook_secret(Target("http://127.0.0.1:8080", "tok-aaaaaaaa", "studio"))
    b = webhook_secret(Target("http://localhost:8080/", "tok-aaaaaaaa", "env"))
    assert a == b and "tok-aaaaaaaa" not in a and len(a) == 64
    assert webhook_secret(Target("http://127.0.0.1:8080", "tok-bbbbbbbb", "studio")) != a
    monkeypatch.setenv("ANNOTATE_WEBHOOK_SECRET", "shared-on-both-sides")
    assert webhook_secret(Target("http://x", "tok-aaaaaaaa", "env")) == "shared-on-both-sides"


# -- the body is read within limits before any route sees it (item 2; a real process: test_backend_limits) --

def _run_guard(messages, headers, *, budget=1000, max_body=600, idle=0.05, in_flight=0):
    """Drive Guard with these body messages; (status, body, what the app received, guard)."""
    import asyncio

    from annotate.backend.app import Guard

    seen = {}

    async def app(scope, receive, send):
        seen["body"] = (await receive())["body"]
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    guard = Guard(app, auth=None, loopback_only=True, webhook_secret=None, idle_timeout=idle,
                  max_body=max_body, budget=budget)
    guard.in_flight = in_flight
    queue = list(messages)

    async def receive():
        if not queue:
            await asyncio.sleep(3600)  # a client that stalls
        item = queue.pop(0)
        if item == "stall":
            await asyncio.sleep(3600)
        return item

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/predict",
             "headers": [(k.encode(), v.encode()) for k, v in {"host": "127.0.0.1:9090",
                                                                "content-type": "application/json",
                                                                **headers}.items()]}
    asyncio.run(guard(scope, receive, send))
    status = sent[0]["status"]
    return status, b"".join(m.get("body", b"") for m in sent[1:]), seen.get("body"), guard


def chunks(*parts, stall=False):
    out = [{"type": "http.request", "body": p, "more_body": True} for p in parts]
    if stall:
        return out + ["stall"]
    out[-1]["more_body"] = False
    return out


def test_guard_reads_the_body_and_hands_it_on():
    status, _, received, guard = _run_guard(chunks(b'{"a":', b" 1}"), {"content-length": "8"})
    assert (status, received, guard.in_flight) == (200, b'{"a": 1}', 0)


def test_guard_drops_a_body_that_stalls_with_408():
    status, body, received, guard = _run_guard(chunks(b"x" * 100, stall=True), {"content-length": "500"})
    assert status == 408 and json.loads(body)["error"] and received is None and guard.in_flight == 0


def test_guard_keeps_bodies_in_flight_within_the_budget():
    # declared: refused before a byte is read when the others in flight hold the budget
    status, body, _, guard = _run_guard(chunks(b"x" * 10), {"content-length": "500"}, in_flight=600)
    assert status == 503 and "busy" in json.loads(body)["error"] and guard.in_flight == 600
    # undeclared (chunked): counted as it arrives
    status, _, _, guard = _run_guard(chunks(b"x" * 300, b"x" * 300), {}, in_flight=600)
    assert status == 503 and guard.in_flight == 600
    status, _, received, _ = _run_guard(chunks(b"x" * 300, b"x" * 300), {}, in_flight=0)
    assert status == 200 and len(received) == 600
    # over the size limit, declared or not
    assert _run_guard(chunks(b"x"), {"content-length": "601"})[0] == 413
    assert _run_guard(chunks(b"x" * 400, b"x" * 400), {})[0] == 413


def test_connect_refuses_credentials_basic_auth_cannot_carry_before_anything(monkeypatch):
    from typer.testing import CliRunner

    from annotate.cli import app

    monkeypatch.setenv("ANNOTATE_BACKEND_USER", "ls")
    monkeypatch.setenv("ANNOTATE_BACKEND_PASSWORD", "pässwort")
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://127.0.0.1:9")  # never reached
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "x" * 20)
    res = CliRunner().invoke(app, ["studio", "connect", "--project", "p", "--url", "http://127.0.0.1:9"])
    assert res.exit_code == 1
    assert res.stderr.strip().startswith("error: ANNOTATE_BACKEND_PASSWORD holds characters") and \
        "pässwort" not in res.stderr
