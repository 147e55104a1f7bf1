"""A real Label Studio for the integration tests (never a mock).

One server per test session, started with the `annotate studio up` logic on a
free port, with a temporary ANNOTATE_STUDIO_HOME (data, token, log). The
server's venv is reused: ANNOTATE_STUDIO_VENV if set, else the checkout's
default .studio/venv (built on first use, so CI builds it once). If the venv
cannot be created the tests fail when CI=true, else they are skipped.

All tests here are marked `studio` (deselect with `-m "not studio"`).
"""
from __future__ import annotations

import copy
import json
import os
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate.labelstudio.cli import make_app
from annotate.labelstudio.client import Connection
from annotate.labelstudio.errors import StudioError
from annotate.labelstudio.server import Studio, project_root
from annotate.process import free_port

from studio_helpers import FIXTURE, HERE

SECOND_ANNOTATOR = "ann2@example.com"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.studio)


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def studio(tmp_path_factory):
    home = tmp_path_factory.mktemp("studio-home")
    venv = os.environ.get("ANNOTATE_STUDIO_VENV") or str(project_root(HERE) / ".studio" / "venv")
    mp = pytest.MonkeyPatch()
    mp.setenv("ANNOTATE_STUDIO_HOME", str(home))
    mp.setenv("ANNOTATE_STUDIO_VENV", venv)
    for name in ("LABEL_STUDIO_URL", "LABEL_STUDIO_API_KEY", "LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD"):
        mp.delenv(name, raising=False)
    st = Studio.from_env()
    try:
        st.ensure_venv(say=lambda msg: print(msg, flush=True))
    except StudioError as e:
        mp.undo()
        if _ci():
            pytest.fail(f"cannot create the Label Studio venv: {e}")
        pytest.skip(f"no Label Studio venv: {e}")
    try:
        st.up(port=free_port(), say=lambda msg: None)
    except BaseException:
        st.down(say=lambda msg: None)
        mp.undo()
        raise
    yield st
    st.down(say=lambda msg: None)
    mp.undo()


@pytest.fixture(scope="session")
def conn(studio) -> Connection:
    return Connection()


@pytest.fixture(scope="session")
def admin_email(studio) -> str:
    return studio.state()["username"]


@pytest.fixture(scope="session")
def second_annotator(conn) -> int:
    """A second user (for agreement); annotations are created on their behalf via completed_by."""
    existing = [u for u in conn.sdk.users.list() if u.email == SECOND_ANNOTATOR]
    if existing:
        return existing[0].id
    return conn.sdk.users.create(email=SECOND_ANNOTATOR, username="ann2", password=uuid.uuid4().hex).id


@pytest.fixture
def tasks():
    return copy.deepcopy(json.loads(FIXTURE.read_text(encoding="utf-8")))


@pytest.fixture
def title(request):
    """A project title of its own for each test."""
    return f"{request.node.name[:40]}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def cli(studio):
    runner = CliRunner()
    app = make_app()

    def run(*args, env=None):
        return runner.invoke(app, [str(a) for a in args], env=env)

    return run

