"""Faults that need no server: nothing listening, a server that never answers, bad
settings, atomic writes, secrets (no server needed)."""
import json
import os
import socket
import stat
import threading
from pathlib import Path

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

from annotate.labelstudio import auth, export
from annotate.labelstudio.cli import make_app
from annotate.labelstudio.client import Target, resolve_target, translate
from annotate.labelstudio.errors import StudioError, redact, register_secret

FIXTURE = Path(__file__).parent / "fixtures" / "tasks_small.json"
SECRET = "tok-unit-test-9f8e7d6c5b4a"


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATE_STUDIO_HOME", str(tmp_path / "studio"))
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.setenv("ANNOTATE_STUDIO_TIMEOUT", "1")
    return monkeypatch


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args):
    return CliRunner().invoke(make_app(), list(args))


def one_error_line(res):
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


def test_nothing_listening(env, tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    env.setenv("LABEL_STUDIO_URL", url)
    env.setenv("LABEL_STUDIO_API_KEY", SECRET)
    res = run("push", "--project", "P", "--tasks", str(FIXTURE))
    assert res.exit_code == 1
    line = one_error_line(res)
    assert f"cannot reach Label Studio at {url}" in line and "LABEL_STUDIO_URL" in line
    assert SECRET not in res.output
    res = run("export", "--project", "P", "-o", str(tmp_path / "out"))
    assert res.exit_code == 1 and "cannot reach" in one_error_line(res)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_local_studio_not_running_suggests_up(env, tmp_path):
    home = tmp_path / "studio"
    home.mkdir()
    (home / "studio.json").write_text(json.dumps({"url": f"http://127.0.0.1:{free_port()}"}))
    auth.write_secret(home / "token", SECRET)
    res = run("push", "--project", "P", "--tasks", str(FIXTURE))
    assert res.exit_code == 1
    assert "is it running? try `annotate studio up`" in one_error_line(res)
    assert SECRET not in res.output


@pytest.fixture
def silent_server():
    """Accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    conns, stop = [], threading.Event()

    def loop():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                pass

    th = threading.Thread(target=loop, daemon=True)
    th.start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    th.join()
    for c in conns:
        c.close()
    srv.close()


def test_timeout(env, silent_server):
    env.setenv("LABEL_STUDIO_URL", silent_server)
    env.setenv("LABEL_STUDIO_API_KEY", SECRET)
    res = run("push", "--project", "P", "--tasks", str(FIXTURE))
    assert res.exit_code == 1
    line = one_error_line(res)
    assert "did not answer within 1 s" in line and "ANNOTATE_STUDIO_TIMEOUT" in line
    assert SECRET not in res.output


def test_half_configured_team_server(env):
    env.setenv("LABEL_STUDIO_URL", "http://example.invalid")
    with pytest.raises(StudioError, match="LABEL_STUDIO_API_KEY is not"):
        resolve_target()
    res = run("push", "--project", "P", "--tasks", str(FIXTURE))
    assert res.exit_code == 1 and "LABEL_STUDIO_API_KEY" in one_error_line(res)


def test_nothing_configured(env):
    res = run("export", "--project", "P")
    assert res.exit_code == 1
    assert "annotate studio up" in one_error_line(res)


def test_nothing_to_push_is_a_usage_error(env):
    res = run("push", "--project", "P")
    assert res.exit_code == 2 and "nothing to push" in one_error_line(res)


def test_env_without_studio(env):
    res = run("studio", "env")
    assert res.exit_code == 1 and "studio up" in one_error_line(res)


def test_translate_never_shows_the_token():
    from label_studio_sdk.core.api_error import ApiError

    t = Target("http://h:1", SECRET, "env")
    e = translate(ApiError(status_code=401, headers={}, body={"detail": f"bad token {SECRET}"}), t)
    assert "rejected" in str(e) and "LABEL_STUDIO_API_KEY" in str(e) and SECRET not in str(e)
    e = translate(ApiError(status_code=401, body={"detail": "API key has expired. Please obtain a new one"}), t)
    assert "has expired" in str(e)
    e = translate(ApiError(status_code=500, body="<html>"), t)
    assert "HTTP 500" in str(e) and e.ambiguous
    e = translate(httpx.ConnectError("refused"), t)
    assert "cannot reach" in str(e) and not e.ambiguous
    e = translate(ApiError(status_code=400, body={"validation_errors": {"x": ["bad"]}}), t)
    assert e.status == 400 and "bad" in str(e)


def test_redaction():
    register_secret("s3cr3t-value")
    assert redact("a s3cr3t-value b") == "a *** b"
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCJ9.abcDEF123_-"
    assert redact(f"token {jwt} end") == "token *** end"


def test_secret_files_are_0600(tmp_path):
    p = tmp_path / "d" / "token"
    auth.write_secret(p, SECRET)
    assert stat.S_IMODE(p.stat().st_mode) == 0o600 and p.read_text() == SECRET
    creds = auth.load_or_create_credentials(tmp_path / "credentials")
    assert stat.S_IMODE((tmp_path / "credentials").stat().st_mode) == 0o600
    assert len(creds.password) >= 16 and creds.password not in repr(creds)
    assert auth.load_or_create_credentials(tmp_path / "credentials") == creds  # stable


def test_atomic_table_writes_leave_no_partial_file(tmp_path, monkeypatch):
    from snapshot_helpers import snapshot

    tables = export.tables_from_snapshot(snapshot())
    export.write_tables(tables, tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert sorted(before) == sorted(f"{n}.{e}" for n in ("documents", "spans", "relations")
                                    for e in ("parquet", "csv"))
    # round trip keeps the dtypes
    spans = pd.read_parquet(tmp_path / "spans.parquet")
    assert spans.dtypes.astype(str).to_dict() == tables.spans.dtypes.astype(str).to_dict()

    original = pd.DataFrame.to_csv

    def broken(self, buf, *a, **k):
        buf.write("doc_id,task_id\npartial")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    changed = export.Tables(tables.documents.head(1), tables.spans.head(1), tables.relations.head(1))
    with pytest.raises(OSError, match="disk full"):
        export.write_tables(changed, tmp_path)
    monkeypatch.setattr(pd.DataFrame, "to_csv", original)
    # all or nothing: every file as it was (the parquet written before the failure too),
    # and no temporary file left behind
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_a_password_in_the_url_is_redacted(env, tmp_path):
    password = "pw-in-url-5d4c3b2a"
    url = f"http://someone:{password}@127.0.0.1:{free_port()}"
    env.setenv("LABEL_STUDIO_URL", url)
    env.setenv("LABEL_STUDIO_API_KEY", SECRET)
    target = resolve_target()
    assert password not in redact(f"x {password} y")  # registered: redacted wherever it appears
    res = run("push", "--project", "P", "--tasks", str(FIXTURE))
    assert res.exit_code == 1 and "cannot reach" in one_error_line(res)
    assert password not in res.output and "someone:***@127.0.0.1" in res.output
    res = run("studio", "status")
    assert "LABEL_STUDIO_URL is set" in res.stdout and password not in res.output
    # however short, a URL's password is masked
    assert redact("http://u:abc@h:1/x") == "http://u:***@h:1/x"
    assert target.url == url  # the connection itself still uses it


def test_status_probes_health_once(env, tmp_path, monkeypatch):
    from annotate.labelstudio import server

    home = tmp_path / "studio"
    home.mkdir()
    (home / "studio.json").write_text(json.dumps({"url": f"http://127.0.0.1:{free_port()}", "username": "u"}))
    calls = []
    monkeypatch.setattr(server, "health", lambda url, timeout=3.0: calls.append(url) or False)
    res = run("studio", "status")
    assert res.exit_code == 1 and "does not answer" in res.stdout
    assert len(calls) == 1


def test_debug_traceback_is_redacted(env, tmp_path, monkeypatch):
    from snapshot_helpers import snapshot

    from annotate.labelstudio import report

    register_secret(SECRET)

    def boom(tasks):
        try:
            raise KeyError(f"inner {SECRET}")
        except KeyError:
            raise RuntimeError(f"outer {SECRET}")

    monkeypatch.setattr(report, "compute_report", boom)
    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps(snapshot()), encoding="utf-8")
    res = run("report", "--from-snapshot", str(snap), "-o", str(tmp_path / "out"))
    assert res.exit_code == 1 and SECRET not in res.output
    assert "unexpected RuntimeError: outer ***" in one_error_line(res)
    env.setenv("ANNOTATE_DEBUG", "1")
    res = run("report", "--from-snapshot", str(snap), "-o", str(tmp_path / "out"))
    assert res.exit_code == 1 and SECRET not in res.output
    assert "Traceback" in res.stderr and "RuntimeError: outer ***" in res.stderr
    assert "KeyError: 'inner ***'" in res.stderr  # the chained exception too


def test_messages_are_printed_verbatim_not_as_markup(env, tmp_path):
    missing = tmp_path / "[bold]x[/bold]" / "tasks.json"
    env.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{free_port()}")
    env.setenv("LABEL_STUDIO_API_KEY", SECRET)
    res = run("push", "--project", "P", "--tasks", str(missing))
    assert res.exit_code == 1
    assert f"cannot read {missing}" in one_error_line(res)


def test_secrets_written_with_atomic_write_mode(tmp_path):
    p = tmp_path / "token"
    p.write_text("old")
    os.chmod(p, 0o644)
    auth.write_secret(p, SECRET)  # an existing, readable file becomes 0600 too
    assert stat.S_IMODE(p.stat().st_mode) == 0o600 and p.read_text() == SECRET
    assert [x.name for x in tmp_path.iterdir()] == ["token"]


def test_studio_state_is_saved_atomically(tmp_path, monkeypatch):
    from annotate.labelstudio.server import Studio

    studio = Studio(home=tmp_path, venv=tmp_path / "venv")
    studio._save_state(url="http://127.0.0.1:1", port=1)
    assert studio.state() == {"url": "http://127.0.0.1:1", "port": 1}
    def full(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="disk full"):
        studio._save_state(port=2)
    monkeypatch.undo()
    assert studio.state()["port"] == 1 and [p.name for p in tmp_path.iterdir()] == ["studio.json"]


def test_forged_token_is_invalid_not_expired():
    import time

    import jwt
    from label_studio_sdk.core.api_error import ApiError

    body = {"detail": "Token is invalid or expired", "code": "token_not_valid"}  # the server says both
    forged = jwt.encode({"token_type": "refresh", "exp": int(time.time()) + 3600}, "x" * 32, algorithm="HS256")
    e = translate(ApiError(status_code=401, headers={}, body=body), Target("http://h:1", forged, "env"))
    assert "API token is invalid" in str(e) and "expired" not in str(e) and forged not in str(e)
    old = jwt.encode({"token_type": "refresh", "exp": int(time.time()) - 60}, "x" * 32, algorithm="HS256")
    e = translate(ApiError(status_code=401, headers={}, body=body), Target("http://h:1", old, "env"))
    assert "has expired" in str(e)
