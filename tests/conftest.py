"""Shared fixtures: the real pkuseg pipeline (skipped cleanly when not fetched)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# Region scores must not depend on a calibration file lying in the checkout; the
# calibration tests point ANNOTATE_CALIBRATION at files of their own.
os.environ["ANNOTATE_CALIBRATION"] = "none"

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
