"""The trained component beside the rules (annotate.learn, `annotate train`, --model)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.evaluate import load_gold

REPO = Path(__file__).resolve().parents[1]
DEV2 = REPO / "corpus" / "dev2"
FILES = [DEV2 / f for f in ("p01_zhongguo_tese_jinrong_fazhan_zhilu.md", "p02_youwei_gengyao_youwei.md",
                            "q03_chengshi_shilaohua.md", "q04_mashang_jiuban.md")]
GOLD = REPO / "gold" / "dev2.gold.jsonl"
UNSEEN = DEV2 / "r02_zhishifenzi_weida_shidai.html"  # not among FILES: the model disagrees with the rules here


@pytest.fixture(scope="module")
def samples(nlp):
    from annotate.learn.train import collect

    return collect(FILES, load_gold([GOLD]), nlp)


@pytest.fixture(scope="module")
def trained(samples, tmp_path_factory):
    from annotate.learn.train import save, train

    out = tmp_path_factory.mktemp("model") / "m"
    result = train(samples, seed=3, name="m")
    save(result, out)
    return result, out


def _files(d: Path) -> dict[str, bytes]:
    return {p.relative_to(d).as_posix(): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


def test_training_is_deterministic(samples, trained, tmp_path):
    """The same data and seed give the same bytes in every file of the model directory."""
    from annotate.learn.train import save, train

    _, first = trained
    save(train(samples, seed=3, name="m"), tmp_path / "again")
    assert _files(tmp_path / "again") == _files(first)
    save(train(samples, seed=4, name="m"), tmp_path / "other")
    assert _files(tmp_path / "other")["units/model"] != _files(first)["units/model"]


def test_model_round_trips_through_spacy_load(samples, trained):
    """spacy.load reads the directory (built-in textcats only) and predicts what the trained model did."""
    import spacy

    from annotate.learn.component import Learned
    from annotate.learn.data import feature_doc, units_of

    result, out = trained
    loaded = spacy.load(out)
    assert loaded.pipe_names == ["units", "quotes"]
    units = [u for u in units_of(samples[0].doc) if u.kind == "unit"]
    before = [result.learned.nlp.get_pipe("units")(feature_doc(result.learned.nlp.vocab, u)).cats for u in units]
    after = [loaded.get_pipe("units")(feature_doc(loaded.vocab, u)).cats for u in units]
    assert before == after
    assert Learned.load(out).predict(units) == result.learned.predict(units)
    meta = json.loads((out / "meta.json").read_text())
    assert meta["annotate"]["data"]["files"] == sorted(f.name for f in FILES)
    assert "unit_f1" in meta["annotate"]["held_out"]


def _forced(out: Path, dest: Path, thresholds: dict) -> Path:
    """A copy of the model with other thresholds (as if training had allowed these transitions)."""
    import shutil

    shutil.copytree(out, dest)
    meta = json.loads((dest / "meta.json").read_text())
    meta["annotate"]["thresholds"] = thresholds
    (dest / "meta.json").write_text(json.dumps(meta))
    return dest


def _tasks(nlp, path):
    from annotate.prelabel import prelabel_file

    return [t for _, t in prelabel_file(path, nlp)]


def _regions(task):
    return {(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]): r
            for r in task["predictions"][0]["result"] if r["type"] == "labels"}


def test_provenance_and_model_version_change_with_the_model(nlp, trained, tmp_path):
    """Every region the model added or relabelled names model:<name> and has the model's score; dropped
    ones are gone; model_version carries the model's hash, and another model gives another version."""
    from annotate.learn.component import add_learned
    from annotate.model import load_pipeline
    from annotate.pipeline import add_argument_pipes

    _, out = trained
    every = {f"{a}>{b}": 0.0 for a in ("NONE", "CLAIM", "SUPPORT", "DIRECTIVE", "QUOTE")
             for b in ("NONE", "CLAIM", "SUPPORT", "DIRECTIVE") if a != b}
    eager = _forced(out, tmp_path / "eager", every)
    with_model = add_learned(add_argument_pipes(load_pipeline()), eager)
    assert with_model.pipe_names[-2:] == ["argument_learned", "argument_relations"]
    rules_task = _tasks(nlp, UNSEEN)[0]
    model_task = _tasks(with_model, UNSEEN)[0]
    rules_v, model_v = rules_task["predictions"][0]["model_version"], model_task["predictions"][0]["model_version"]
    from annotate.learn.component import dir_hash

    assert model_v == f"{rules_v}+model:m-{dir_hash(eager)}"  # the name given at training, the files' hash
    before, after = _regions(rules_task), _regions(model_task)
    assert before != after  # thresholds of 0: the model's every disagreement is a change
    for key, r in after.items():
        if key in before and r["meta"] == before[key]["meta"]:
            assert r["score"] == before[key]["score"]
            continue
        note = r["meta"]["text"]
        assert note[0] == "rule: model:m" and note[1].startswith("model:m: ")
        assert 0.0 <= r["score"] <= 1.0 and f"p={r['score']:.2f}" in note[1]
    # relations are drawn over the spans the model left
    ids = {r["id"] for r in model_task["predictions"][0]["result"] if r["type"] == "labels"}
    for rel in (r for r in model_task["predictions"][0]["result"] if r["type"] == "relation"):
        assert rel["from_id"] in ids and rel["to_id"] in ids
    shy = add_learned(add_argument_pipes(load_pipeline()), _forced(out, tmp_path / "shy", {}))
    shy_task = _tasks(shy, UNSEEN)[0]
    assert shy_task["predictions"][0]["model_version"] not in (rules_v, model_v)
    # a model that changes nothing leaves every region as the rules made it
    assert shy_task["predictions"][0]["result"] == rules_task["predictions"][0]["result"]


def test_without_model_the_pipeline_is_the_rules(nlp, monkeypatch):
    from annotate.pipeline import load_nlp

    monkeypatch.delenv("ANNOTATE_MODEL", raising=False)
    assert "argument_learned" not in nlp.pipe_names
    task = _tasks(nlp, FILES[0])[0]
    assert "+model:" not in task["predictions"][0]["model_version"]
    assert all(len(r["meta"]["text"]) == 1 for r in task["predictions"][0]["result"] if r["type"] == "labels")
    monkeypatch.setenv("ANNOTATE_MODEL", "/nonexistent/model")
    with pytest.raises(Exception, match="not a model directory"):
        load_nlp()
    assert "argument_learned" not in load_nlp(model="").pipe_names  # "": the rules alone, whatever the env


def test_model_trained_with_a_rule_off_refuses_other_rules(trained, tmp_path):
    from annotate.learn.component import ModelError, add_learned
    from annotate.model import load_pipeline
    from annotate.pipeline import add_argument_pipes

    _, out = trained
    off = tmp_path / "off"
    import shutil

    shutil.copytree(out, off)
    meta = json.loads((off / "meta.json").read_text())
    meta["annotate"]["rules_disabled"] = ["support.short_lead"]
    (off / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="support.short_lead switched off"):
        add_learned(add_argument_pipes(load_pipeline()), off)
    add_learned(add_argument_pipes(load_pipeline(), ["support.short_lead"]), off)


def test_too_small_training_set_is_refused_with_one_line(nlp, tmp_path):
    """One article: refused with one line, an existing model left as it was."""
    from typer.testing import CliRunner

    from annotate.cli import app

    out = tmp_path / "model"
    out.mkdir()
    (out / "meta.json").write_text("{}")
    r = CliRunner().invoke(app, ["train", "--gold", str(GOLD), str(FILES[0]), "-o", str(out), "-q"])
    assert r.exit_code == 1
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    assert lines == ["error: training set too small: 1 article file(s) with gold or corrections (need at "
                     "least 2); the old model, if any, is kept"]
    assert (out / "meta.json").read_text() == "{}" and sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_train_and_prelabel_with_model_on_the_command_line(nlp, tmp_path):
    from typer.testing import CliRunner

    from annotate.cli import app

    out = tmp_path / "m"
    r = CliRunner().invoke(app, ["train", "--gold", str(GOLD), *map(str, FILES[:3]), "-o", str(out), "-q"])
    assert r.exit_code == 0, r.stderr
    assert "wrote" in r.stderr and "model:m-" in r.stderr
    meta = json.loads((out / "meta.json").read_text())["annotate"]
    assert meta["gold"][0]["path"] == str(GOLD) and len(meta["gold"][0]["sha256"]) == 64
    r = CliRunner().invoke(app, ["prelabel", str(FILES[3]), "-o", str(tmp_path / "t.json"), "-q",
                                 "--model", str(out)])
    assert r.exit_code == 0, r.stderr
    task = json.loads((tmp_path / "t.json").read_text())[0]
    assert "+model:m-" in task["predictions"][0]["model_version"]
    r = CliRunner().invoke(app, ["prelabel", str(FILES[3]), "-o", str(tmp_path / "t.json"), "-q",
                                 "--model", str(tmp_path)])
    assert r.exit_code == 1 and "not a model directory" in r.stderr
