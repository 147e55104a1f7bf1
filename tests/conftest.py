"""Shared fixtures: the real pkuseg pipeline (skipped cleanly when not fetched)."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Team servers' calibrations (annotate.calibration.user_dir) go to a folder of this test
# session's own, never the user's data folder; the local studio's go to its temporary home.
os.environ["ANNOTATE_CALIBRATION_DIR"] = tempfile.mkdtemp(prefix="annotate-test-calibration-")
atexit.register(shutil.rmtree, os.environ["ANNOTATE_CALIBRATION_DIR"], True)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("ANNOTATE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def nlp():
    from annotate.model import ModelMissing
    from annotate.nlp import load_nlp

    try:
        return load_nlp()
    except ModelMissing as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def model(nlp):
    """The rules as the ML backend's model (annotate.backend.model.RulesModel)."""
    from annotate.backend.model import RulesModel

    return RulesModel(nlp)


@pytest.fixture(scope="module")
def client(model):
    """The ML backend app in-process (Starlette's TestClient), webhooks signed with
    backend_helpers.SECRET, no recalibration against a server."""
    from fastapi.testclient import TestClient

    from annotate.backend.app import create_app
    from backend_helpers import SECRET

    return TestClient(create_app(model, recalibrate=None, webhook_secret=lambda: SECRET))
