"""The calibration file: the Beta-prior precision per rule, the file format, and where it is read
(region scores in every task that prelabel, push and serve make). Offline; the counts from real
annotations are tested in tests/studio/test_backend.py."""
from __future__ import annotations

import json
import os

import pytest

from annotate import calibration
from annotate.labelstudio.calibrate import calibrate_tasks, rule_counts

from snapshot_helpers import snapshot


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


def _doc(precision: float = 0.5, rule: str = "claim.title", **kw) -> dict:
    kw.setdefault("project", None)
    doc = calibration.build({rule: {"label": "CLAIM", "predicted": 4, "accepted": 2}}, {rule: 0.98},
                            model_version="mv", counted_versions=[], k=1, **kw)
    doc["rules"][rule]["precision"] = precision
    return doc


def test_a_file_is_loaded_whole_and_named_by_its_content(tmp_path):
    path = calibration.write(_doc(0.5, project="p", project_id=12), tmp_path / "c.json")
    cal = calibration.load(path)
    assert cal.scores == {"claim.title": 0.5} and len(cal.id) == 12 and cal.label == f"12@{cal.id}"
    assert calibration.load(path).id == cal.id  # the same bytes, the same id
    calibration.write(_doc(0.25, project="p", project_id=12), path)
    assert calibration.load(path).id != cal.id


@pytest.mark.parametrize("content, words", [
    ("{nope", "not JSON"),
    ('{"rules": {}}', "not a calibration file"),
    pytest.param("[" * 100_000, "not JSON", id="nested-100k"),
    ('{"format": "annotate-calibration/1", "rules": {"claim.title": {"precision": "high"}}}', "claim.title"),
    ('{"format": "annotate-calibration/1", "rules": {"a": {"precision": 0.5}, "b": {"precision": 1.5}}}', "'b'"),
    ('{"format": "annotate-calibration/1", "rules": {"a": {"precision": NaN}}}', "'a'"),
    ('{"format": "annotate-calibration/1", "rules": {"a": 0.5}}', "'a'"),
    (b"\xff\xfe", "not JSON"),
])
def test_a_broken_file_is_one_clear_error_naming_it(tmp_path, content, words):
    path = tmp_path / "c.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(calibration.CalibrationError) as e:
        calibration.load(path)
    message = str(e.value)
    assert message.startswith(f"{path}: ") and words in message and "\n" not in message and len(message) < 300
    with pytest.raises(calibration.CalibrationError):
        calibration.write({"format": calibration.FORMAT, "rules": {"a": {"precision": 2}}}, tmp_path / "w.json")
    assert not (tmp_path / "w.json").exists()


def test_a_watched_file_refuses_a_corruption_once_and_keeps_the_last_good(tmp_path):
    path = calibration.write(_doc(0.5), tmp_path / "7.json")
    refused = []
    w = calibration.Watched(path, on_refused=refused.append)
    good = w.current()
    assert good.scores == {"claim.title": 0.5}
    path.write_text("{corrupt", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different stamp even on a coarse clock
    assert w.current() is good and w.current() is good
    assert len(refused) == 1 and "7.json: not JSON" in refused[0]
    calibration.write(_doc(0.25), path)
    assert w.current().scores == {"claim.title": 0.25} and len(refused) == 1
    path.unlink()
    assert w.current() is None


def test_calibration_is_kept_per_server_and_project_never_in_the_checkout(tmp_path, monkeypatch):
    from annotate.labelstudio.calibrate import calibration_dir

    local = calibration.project_file(12, local_home=tmp_path / ".studio")
    assert local == tmp_path / ".studio" / "calibration" / "12.json"
    monkeypatch.setenv("ANNOTATE_CALIBRATION_DIR", str(tmp_path / "data"))
    a = calibration.project_file(12, server="http://ls.example.org:8080")
    b = calibration.project_file(12, server="https://ls.example.org:8080/")
    c = calibration.project_file(13, server="http://ls.example.org:8080")
    assert a.parent.parent == tmp_path / "data" and a.parent.name.startswith("ls.example.org-8080-")
    assert len({a, b, c}) == 3 and a.parent == c.parent
    monkeypatch.delenv("ANNOTATE_CALIBRATION_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert calibration.user_dir() == tmp_path / "xdg" / "annotate" / "calibration"
    # which folder a process uses: the team server's when LABEL_STUDIO_URL is set, else the local studio's
    monkeypatch.setenv("ANNOTATE_STUDIO_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    assert calibration_dir() == tmp_path / "home" / "calibration"
    monkeypatch.setenv("LABEL_STUDIO_URL", "http://ls.example.org:8080")
    assert calibration_dir() == calibration.user_dir() / calibration.server_key("http://ls.example.org:8080")


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
    cal = calibration.load(path)
    after = list(prelabel([articles], nlp, on_error=print, calibration=cal))
    low = cal.scores[rule]
    assert all("calibration" not in t["predictions"][0] for t in before)
    assert {t["predictions"][0]["calibration"] for t in after} == {f"calibration@{cal.id}"}
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
    res = CliRunner().invoke(app, ["calibrate", "--from-snapshot", str(snap), "-k", "5"])
    assert res.exit_code == 2 and "needs -o FILE" in res.stderr  # a snapshot names no server: no default file
    res = CliRunner().invoke(app, ["calibrate", "--from-snapshot", str(snap), "-k", "5", "-o", str(out)])
    assert res.exit_code == 0, res.output
    doc = calibration.read(out)
    assert doc["prior_strength"] == 5 and set(doc["rules"]) == {"claim.title", "support.enumerated",
                                                                 "quote.attributed", "directive.modal"}
    assert "quote.attributed" in res.stdout and f"written: {out}" in res.stdout
    res = CliRunner().invoke(app, ["calibrate"])
    assert res.exit_code == 2 and "error: give --project" in res.stderr  # a usage error
    # --show: what is in use, without computing anything
    res = CliRunner().invoke(app, ["calibrate", "--show", "-o", str(out)])
    assert res.exit_code == 0, res.output
    cal = calibration.load(out)
    assert f"{out} ({cal.label}," in " ".join(res.stdout.split()) and "quote.attributed" in res.stdout
    assert calibration.load(out).id == cal.id  # not rewritten
    out.write_text("{broken", encoding="utf-8")
    res = CliRunner().invoke(app, ["calibrate", "--show", "-o", str(out)])
    assert res.exit_code == 1 and res.stderr.strip() == f"error: {out}: not JSON (Expecting property name " \
                                                        f"enclosed in double quotes: line 1 column 2 (char 1))"


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "articles"


@pytest.mark.model
@pytest.mark.parametrize("fmt", ["tasks", "parquet"])
def test_prelabel_refuses_a_corrupt_calibration_once_and_touches_nothing(tmp_path, fmt):
    """Issue 18 item 12: one `error:` line naming the file (not one per source blaming it), and
    the previous output left as it was."""
    from typer.testing import CliRunner

    from annotate.cli import app

    bad = tmp_path / "cal.json"
    bad.write_text('{"format": "annotate-calibration/1", "rules": {"claim.title": {"precision": -1}}}',
                   encoding="utf-8")
    out = tmp_path / ("out.json" if fmt == "tasks" else "parts")
    if fmt == "tasks":
        out.write_text("[]\n", encoding="utf-8")
    else:
        out.mkdir()
        (out / "part-0.parquet").write_bytes(b"old part")
    before = sorted((p.name, p.read_bytes()) for p in (out.iterdir() if out.is_dir() else [out]))
    res = CliRunner().invoke(app, ["prelabel", str(FIXTURES), "--format", fmt, "-o", str(out),
                                   "--calibration", str(bad)])
    assert res.exit_code == 1
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines == [f"error: {bad}: rule 'claim.title' has no precision between 0 and 1 — run `annotate "
                     f"calibrate` again; nothing written"], res.stderr
    assert sorted((p.name, p.read_bytes()) for p in (out.iterdir() if out.is_dir() else [out])) == before


@pytest.mark.model
def test_one_prelabel_run_uses_one_calibration_even_if_the_file_changes_meanwhile(tmp_path, monkeypatch):
    """Issue 18 item 13: `calibrate` rewriting the file during `prelabel` must not give an output
    that mixes two calibrations: the file is read once, and every prediction names it."""
    from typer.testing import CliRunner

    import annotate.prelabel as prelabel_module
    from annotate.cli import app

    path = tmp_path / "cal.json"
    rules = ["directive.modal", "claim.title", "support.enumerated", "quote.attributed", "claim.heading"]
    calibration.write(calibration.build({r: {"label": "X", "predicted": 40, "accepted": 0} for r in rules},
                                        {r: 0.9 for r in rules}, model_version="mv", counted_versions=[],
                                        project="first"), path)
    first = calibration.load(path)
    real = prelabel_module.prelabel_file
    calls = []

    def then_recalibrate(*args, **kwargs):
        result = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:  # `annotate calibrate` finishes while prelabel is on its first file
            calibration.write(calibration.build({r: {"label": "X", "predicted": 40, "accepted": 40}
                                                 for r in rules}, {r: 0.9 for r in rules}, model_version="mv",
                                                counted_versions=[], project="second"), path)
        return result

    monkeypatch.setattr(prelabel_module, "prelabel_file", then_recalibrate)
    out = tmp_path / "out.json"
    res = CliRunner().invoke(app, ["prelabel", str(FIXTURES), "-o", str(out), "--calibration", str(path), "-q"])
    assert res.exit_code == 0, res.output
    assert len(calls) > 1
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert {t["predictions"][0]["calibration"] for t in tasks} == {first.label}
    scores = {x["score"] for t in tasks for x in t["predictions"][0]["result"]
              if x["type"] == "labels" and x["meta"]["text"][0].split(": ")[1] in rules}
    assert scores and scores <= set(first.scores.values())
