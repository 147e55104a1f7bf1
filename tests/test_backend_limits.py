"""A real `annotate serve` process on loopback (issue 18): clients that send most of a large
body and stall, the forged webhook of the issue over plain HTTP, and a calibration file
corrupted while the backend runs. Bounded in clients, bytes and time; no fixed sleeps — each
step waits for the state it needs (a response, a closed socket, /health)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from annotate import calibration
from annotate.labelstudio.backends import backend_health
from annotate.labelstudio.config import label_config
from annotate.process import free_port

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parents[1]
SECRET = "limits-test-secret"
IDLE = 1.0  # ANNOTATE_BACKEND_READ_TIMEOUT for this server: a stalled body is dropped after 1 s


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("limits")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY",
                                                            "ANNOTATE_BACKEND_USER", "ANNOTATE_BACKEND_PASSWORD")}
    env.update({"PYTHONPATH": str(ROOT), "ANNOTATE_STUDIO_HOME": str(home / "studio"),
                "ANNOTATE_WEBHOOK_SECRET": SECRET, "ANNOTATE_BACKEND_READ_TIMEOUT": str(IDLE)})
    log_path = home / "serve.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "annotate", "serve", "--port", str(port)], cwd=ROOT,
                                env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while backend_health(url) is None:
        assert proc.poll() is None, log_path.read_text()
        assert time.monotonic() < deadline, "annotate serve did not answer /health"
        time.sleep(0.2)
    yield {"url": url, "port": port, "pid": proc.pid, "log": log_path, "home": home / "studio"}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(30)


def _predict(url: str, data: dict, project: str | None = None) -> httpx.Response:
    body = {"tasks": [{"id": 1, "data": data}], "label_config": label_config()}
    if project:
        body["project"] = project
    return httpx.post(f"{url}/predict", json=body, timeout=60)


def _stalling_client(port: int, declared: int, send: int, out: dict, ready: threading.Barrier) -> None:
    """Declare `declared` bytes, send `send` of them, then stall until the server answers or closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=60)
    out["socket"] = s
    head = (f"POST /predict HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n").encode()
    chunk = b" " * (1 << 20)
    sent = 0
    try:
        s.sendall(head)
        while sent < send:
            s.sendall(chunk)
            sent += len(chunk)
    except OSError:  # the server refused and closed before we were done
        pass
    out["sent"] = sent
    ready.wait()


def _answer(s: socket.socket) -> bytes:
    """What the server says on this connection until it closes it (b"" if it never answers)."""
    s.settimeout(60)
    data = b""
    try:
        while True:
            got = s.recv(65536)
            if not got:
                break
            data += got
    except OSError:
        pass
    return data


def test_stalled_large_bodies_neither_hold_memory_nor_the_server(server):
    url, port, pid = server["url"], server["port"], server["pid"]
    warm = _predict(url, {"text": "新质生产力的关键在创新\n\n我们必须坚持创新驱动发展。"})
    assert warm.status_code == 200
    before = _status_kb(pid, "VmHWM")
    clients, mb = 12, 40
    outs = [{} for _ in range(clients)]
    ready = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=_stalling_client, args=(port, 60 * 2**20, mb * 2**20, o, ready), daemon=True)
               for o in outs]
    for t in threads:
        t.start()
    ready.wait(timeout=120)  # every client has sent what it could and stalls
    try:
        health = httpx.get(f"{url}/health", timeout=30)  # the server still answers
        assert health.status_code == 200
        grown_mb = (_status_kb(pid, "VmHWM") - before) / 1024
        # Without limits the stalled bodies stay in memory: 12 × 40 MB. All bodies in flight
        # share a 128 MB budget; a client beyond it is refused before its body is read.
        assert grown_mb < 300, f"peak RSS grew by {grown_mb:.0f} MB while {clients} clients stalled"
        answers = [_answer(o["socket"]) for o in outs]
    finally:
        for o in outs:
            o["socket"].close()
    statuses = sorted(a.split(b" ", 2)[1].decode() if a.startswith(b"HTTP/1.1 ") else "none" for a in answers)
    # each stalled client is answered (408 after the read timeout, or 503 at once) and its connection closed
    assert set(statuses) <= {"408", "503"}, statuses
    assert "408" in statuses and "503" in statuses
    for a in answers:
        body = json.loads(a.split(b"\r\n\r\n", 1)[1])
        assert list(body) == ["error"]
    assert _predict(url, {"text": "我们必须坚持创新驱动发展。"}).status_code == 200


def test_the_forged_webhook_of_the_issue_is_refused_over_http(server):
    url = server["url"]
    forged = json.dumps({"action": "ANNOTATION_UPDATED", "project": 4})
    r = httpx.post(f"{url}/webhook", content=forged,
                   headers={"content-type": "text/plain", "origin": "https://evil.example"})
    assert r.status_code == 403 and list(r.json()) == ["error"]
    r = httpx.post(f"{url}/webhook", content=forged, headers={"content-type": "text/plain",
                                                               "X-Annotate-Webhook-Secret": SECRET})
    assert r.status_code == 415
    r = httpx.post(f"{url}/webhook", content=forged, headers={"content-type": "application/json"})
    assert r.status_code == 403
    r = httpx.post(f"{url}/webhook", content=forged, headers={"content-type": "application/json",
                                                               "X-Annotate-Webhook-Secret": SECRET,
                                                               "origin": "https://evil.example"})
    assert r.status_code == 403
    # DNS rebinding: a page on evil.example whose name now points at 127.0.0.1
    with socket.create_connection(("127.0.0.1", server["port"]), timeout=30) as s:
        s.sendall(f"POST /webhook HTTP/1.1\r\nHost: evil.example:{server['port']}\r\nContent-Type: "
                  f"application/json\r\nX-Annotate-Webhook-Secret: {SECRET}\r\nContent-Length: {len(forged)}"
                  f"\r\n\r\n{forged}".encode())
        assert _answer(s).startswith(b"HTTP/1.1 403")
    assert not (server["home"] / "calibration").exists()  # nothing was recalibrated


def test_a_calibration_corrupted_while_serving_is_refused_once_and_the_last_good_one_stays(server):
    url, folder = server["url"], server["home"] / "calibration"
    text = "新质生产力的关键在创新\n\n我们必须坚持创新驱动发展。要把握发展大势。"
    plain = _predict(url, {"text": text}, "7.1764400000").json()["results"][0]
    assert "calibration" not in plain
    rules = {x["meta"]["text"][0].split(": ")[1] for x in plain["result"] if x["type"] == "labels"}
    doc = calibration.build({r: {"label": "X", "predicted": 50, "accepted": 0} for r in rules},
                            {r: 0.9 for r in rules}, model_version="mv", counted_versions=[], project="p7",
                            project_id=7)
    good = calibration.write(doc, folder / "7.json")
    cal = calibration.load(good)
    first = _predict(url, {"text": text}, "7.1764400000").json()["results"][0]
    assert first["calibration"] == cal.label == f"7@{cal.id}"
    assert all(x["score"] == cal.scores[x["meta"]["text"][0].split(": ")[1]]
               for x in first["result"] if x["type"] == "labels")
    assert first["score"] < plain["score"]
    other = _predict(url, {"text": text}, "8.1764400000").json()["results"][0]  # another project: its own (none)
    assert other == plain

    good.write_text('{"format": "annotate-calibration/1", "rules": {"claim.title": {"precision": "high"}}}')
    for _ in range(3):
        r = _predict(url, {"text": text}, "7.1764400000")
        assert r.status_code == 200
        assert r.json()["results"][0] == first  # the last good calibration, unchanged
    refused = [ln for ln in server["log"].read_text().splitlines() if "calibration refused" in ln]
    assert len(refused) == 1 and "7.json" in refused[0] and "claim.title" in refused[0]
