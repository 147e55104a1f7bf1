"""The calibration file: the Beta-prior precision per rule, the file format, and where it is read
(region scores in every task that prelabel, push and serve make). Offline; the counts from real
annotations are tested in tests/studio/test_backend.py."""
from __future__ import annotations

import json
import os

import pytest

from annotate import calibration
from annotate.labelstudio.calibrate import calibrate_tasks, rule_counts

from test_labelstudio_report import snapshot


def test_posterior_starts_at_the_prior_and_follows_the_data():
    assert calibration.posterior(0, 0, 0.9, k=10) == pytest.approx(0.9)
    # three deletions move a confident rule only a little; thirty move it a lot
    assert calibration.posterior(0, 3, 0.9, k=10) == pytest.approx(9 / 13)
    assert calibration.posterior(0, 30, 0.9, k=10) == pytest.approx(9 / 40)
    assert calibration.posterior(30, 30, 0.5, k=10) == pytest.approx(35 / 40)


def test_counts_are_reports_counts():
    counts, versions = rule_counts(snapshot())
    # ann100: claim.title accepted, support.enumerated and quote.attributed changed, directive.modal deleted;
    # ann101: claim.title, support.enumerated, directive.modal accepted, quote.attributed changed.
    assert counts["claim.title"] == {"label": "CLAIM", "predicted": 2, "accepted": 2, "changed": 0, "deleted": 0}
    assert counts["directive.modal"] == {"label": "DIRECTIVE", "predicted": 2, "accepted": 1, "changed": 0,
                                         "deleted": 1}
    assert counts["quote.attributed"]["accepted"] == 0 and counts["quote.attributed"]["changed"] == 2
    assert versions == ["mv1"]


def test_file_format_and_atomic_write(tmp_path):
    path = tmp_path / "cal" / "calibration.json"
    doc, written = calibrate_tasks(snapshot(), "p", k=4, path=path)
    assert written == path
    on_disk = json.loads(path.read_text(encoding="utf-8"))
    assert on_disk == doc
    assert doc["format"] == calibration.FORMAT and doc["prior_strength"] == 4 and doc["project"] == "p"
    assert doc["model_version"].startswith("argrules-") and doc["counted_model_versions"] == ["mv1"]
    q = doc["rules"]["quote.attributed"]
    assert q["precision"] == round((0 + 4 * q["prior"]) / (2 + 4), 3)
    assert [p.name for p in path.parent.iterdir()] == ["calibration.json"]  # no temp file left


def test_scores_are_reread_when_the_file_changes(tmp_path):
    path = tmp_path / "c.json"
    doc = calibration.build({"claim.title": {"label": "CLAIM", "predicted": 4, "accepted": 0}},
                            {"claim.title": 0.98}, model_version="mv", counted_versions=[], project=None, k=1)
    calibration.write(doc, path)
    assert calibration.calibrated_scores(path) == {"claim.title": round(0.98 / 5, 3)}
    doc["rules"]["claim.title"]["precision"] = 0.5
    calibration.write(doc, path)
    os.utime(path, ns=(1, 1))  # a different stamp even on a coarse clock
    assert calibration.calibrated_scores(path) == {"claim.title": 0.5}
    assert calibration.calibrated_scores(tmp_path / "missing.json") == {}


def test_a_broken_file_is_one_clear_error(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("{nope", encoding="utf-8")
    with pytest.raises(calibration.CalibrationError, match="c.json: not JSON"):
        calibration.calibrated_scores(path)
    path.write_text('{"rules": {}}', encoding="utf-8")
    with pytest.raises(calibration.CalibrationError, match="not a calibration file"):
        calibration.calibrated_scores(path)


def test_turned_off(monkeypatch):
    monkeypatch.setenv("ANNOTATE_CALIBRATION", "none")
    assert calibration.calibration_path() is None and calibration.calibrated_scores() == {}
    monkeypatch.setenv("ANNOTATE_CALIBRATION", "x/y.json")
    assert str(calibration.calibration_path()) == "x/y.json"


@pytest.mark.model
def test_tasks_carry_calibrated_region_scores_and_the_mean_as_task_score(nlp, tmp_path, monkeypatch):
    from pathlib import Path

    from annotate.prelabel import prelabel

    articles = Path(__file__).parent / "fixtures" / "articles"
    before = list(prelabel([articles], nlp, on_error=print))
    rule = "directive.modal"
    path = tmp_path / "calibration.json"
    calibration.write(calibration.build({rule: {"label": "DIRECTIVE", "predicted": 40, "accepted": 0}},
                                        {rule: 0.9}, model_version="mv", counted_versions=[], project=None),
                      path)
    monkeypatch.setenv("ANNOTATE_CALIBRATION", str(path))
    after = list(prelabel([articles], nlp, on_error=print))
    low = calibration.calibrated_scores(path)[rule]
    assert low == pytest.approx(9 / 50, abs=1e-3)
    seen = 0
    for b, a in zip(before, after):
        regions_b = [x for x in b["predictions"][0]["result"] if x["type"] == "labels"]
        regions_a = [x for x in a["predictions"][0]["result"] if x["type"] == "labels"]
        for xb, xa in zip(regions_b, regions_a):
            if xa["meta"]["text"] == [f"rule: {rule}"]:
                assert xa["score"] == low
                seen += 1
            else:
                assert xa["score"] == xb["score"]
        score = a["predictions"][0]["score"]
        assert score == round(sum(x["score"] for x in regions_a) / len(regions_a), 3)
        if any(x["meta"]["text"] == [f"rule: {rule}"] for x in regions_a):
            assert score < b["predictions"][0]["score"]
    assert seen


def test_calibrate_command_from_a_snapshot(tmp_path):
    from typer.testing import CliRunner

    from annotate.cli import app

    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps(snapshot(), ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "cal.json"
    res = CliRunner().invoke(app, ["calibrate", "--from-snapshot", str(snap), "-k", "5", "-o", str(out)])
    assert res.exit_code == 0, res.output
    doc = calibration.read(out)
    assert doc["prior_strength"] == 5 and set(doc["rules"]) == {"claim.title", "support.enumerated",
                                                                 "quote.attributed", "directive.modal"}
    assert "quote.attributed" in res.stdout and f"written: {out}" in res.stdout
    res = CliRunner().invoke(app, ["calibrate"])
    assert res.exit_code == 1 and "error: give --project" in res.stderr
