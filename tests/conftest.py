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
    from annotate.pipeline import load_nlp

    try:
        return load_nlp()
    except ModelMissing as e:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(e))
