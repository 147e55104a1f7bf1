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
    from annotate.nlp import load_nlp

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


# ------------------------------------------------------------------ the inner validation gate


def _held(rows):
    """records and held units (as train() collects them) from (fold, rules, truth, model, p) rows of a
    synthetic training set's held-out predictions (model None: the model agrees with the rules)."""
    records, held = [], []
    for fold, rule, truth, model, p in rows:
        d = None
        if model is not None:
            d = ("relabel", model, p)
            records.append((f"{rule}>{model}", p, int(model == truth), int(rule == truth), fold))
        held.append((rule, truth, d, fold))
    return records, held


def _right(fold, label, n):
    return [(fold, label, label, None, 0.0)] * n


def test_transition_that_hurts_in_one_inner_fold_stays_off():
    """NONE>SUPPORT fixes four units in folds 1 and 2. A hit: fold 3 has a break below the fixes' probability,
    so the threshold is set above it. A near miss: the break is above them, so at every threshold fold 3 loses
    a right decision and gains none — off, however much the other folds gain."""
    from annotate.learn.train import _thresholds

    fixes = [(0, "NONE", "SUPPORT", "SUPPORT", 0.9), (0, "NONE", "SUPPORT", "SUPPORT", 0.8),
             (1, "NONE", "SUPPORT", "SUPPORT", 0.85), (1, "NONE", "SUPPORT", "SUPPORT", 0.7)]
    low_break = (2, "NONE", "NONE", "SUPPORT", 0.6)
    on, report = _thresholds(_held(fixes + [low_break])[0], 3)
    assert on == {"NONE>SUPPORT": 0.7} and report["NONE>SUPPORT"]["per_fold"] == [2, 2, 0]
    high_break = (2, "NONE", "NONE", "SUPPORT", 0.95)
    off, report = _thresholds(_held(fixes + [high_break])[0], 3)
    assert off == {} and report["NONE>SUPPORT"]["off"] == \
        "p ≥ 0.70 (+3 net): inner fold 3: fixes 0, breaks 1 (need 2× as many fixed)"
    # a fold that fixes two for one break is within the margin (and one break in eleven changes overall)
    more = [(k, "NONE", "SUPPORT", "SUPPORT", 0.75) for k in (0, 0, 1, 1)]
    ok = fixes + more + [high_break, (2, "NONE", "SUPPORT", "SUPPORT", 0.99), (2, "NONE", "SUPPORT", "SUPPORT", 0.97)]
    assert _thresholds(_held(ok)[0], 3)[0] == {"NONE>SUPPORT": 0.7}


def test_transition_that_pays_off_in_one_inner_fold_only_stays_off():
    """Four fixes, all in one family: nothing shows it carries over to another family."""
    from annotate.learn.train import _thresholds

    one = [(0, "CLAIM", "NONE", "NONE", p) for p in (0.9, 0.8, 0.75, 0.7)]
    assert _thresholds(_held(one)[0], 3)[0] == {}
    two = one[:3] + [(1, "CLAIM", "NONE", "NONE", 0.7)]
    assert _thresholds(_held(two)[0], 3)[0] == {"CLAIM>NONE": 0.7}


def test_label_guard_switches_off_a_transition_that_costs_a_label_in_a_fold():
    """CLAIM>SUPPORT fixes units in two folds and breaks none, so the gate lets it through; but in fold 2 it
    also turns five CLAIM-for-DIRECTIVE mistakes into SUPPORT-for-DIRECTIVE ones, and SUPPORT's F1 there
    falls from 0.80 to 0.71: the guard switches it off. Without those five it stays on."""
    from annotate.learn.train import _label_guard, _thresholds

    base = [(0, "CLAIM", "SUPPORT", "SUPPORT", 0.9)] * 3 + _right(0, "SUPPORT", 3) + _right(0, "CLAIM", 3) \
        + [(1, "CLAIM", "SUPPORT", "SUPPORT", 0.9)] * 2 + _right(1, "SUPPORT", 4) + _right(1, "CLAIM", 3)
    noisy = base + [(1, "CLAIM", "DIRECTIVE", "SUPPORT", 0.9)] * 5
    for rows, want in ((base, {"CLAIM>SUPPORT": 0.9}), (noisy, {})):
        records, held = _held(rows)
        thresholds, report = _thresholds(records, 2)
        assert thresholds == {"CLAIM>SUPPORT": 0.9}
        assert _label_guard(held, thresholds, report, 2) == want
    assert report["CLAIM>SUPPORT"]["off"] == "SUPPORT unit F1 0.094 lower in inner fold 2"


def test_inner_folds_are_families_or_files():
    """One family per inner fold (the letters before the file name's first digit; an unmatched name is a
    family of its own); with fewer than three families, one file per fold."""
    from annotate.learn.train import Sample, _folds

    def files(folds, samples):
        return [sorted({samples[i].file for i in f}) for f in folds]

    many = [Sample(f, None, []) for f in ("a01.md", "a02.md", "b01.md", "c01.md", "c02.md", "000_x.md")]
    assert files(_folds(many), many) == [["000_x.md"], ["a01.md", "a02.md"], ["b01.md"], ["c01.md", "c02.md"]]
    assert files(_folds(many, k=2), many) == [["000_x.md", "b01.md"], ["a01.md", "a02.md", "c01.md", "c02.md"]]
    two = [Sample(f, None, []) for f in ("a01.md", "a02.md", "b01.md")]
    assert files(_folds(two), two) == [["a01.md"], ["a02.md"], ["b01.md"]]


def test_leave_out_groups_by_name_or_first_group(monkeypatch):
    """--leave-out takes [NAME=]REGEX as evaluate's --group-by: NAME puts every file it matches in one group
    (held-out families scored as one aggregate), else the first group names it."""
    from types import SimpleNamespace

    from annotate.learn import curve
    from annotate.learn.train import Sample

    trained_on = []

    def fake_train(samples, seed=0, name=""):
        trained_on.append(sorted(s.file for s in samples))
        return SimpleNamespace(learned=SimpleNamespace(thresholds={}))

    monkeypatch.setattr(curve, "train", fake_train)
    monkeypatch.setattr(curve, "tasks_of", lambda nlp, test, learned=None: [])
    monkeypatch.setattr(curve, "score", lambda tasks, gold, files: {"files": files})
    samples = [Sample(f, None, []) for f in ("a01.md", "b01.md", "b02.md", "j01.md", "p01.md")]
    rows = curve.leave_out(None, samples, {}, r"held out b j=^[bj]\d")
    assert [(r["group"], r["rules"]["files"]) for r in rows] == [("held out b j", ["b01.md", "b02.md", "j01.md"])]
    assert trained_on == [["a01.md", "p01.md"]]
    rows = curve.leave_out(None, samples, {}, r"^([bj])\d")
    assert [r["group"] for r in rows] == ["b", "j"]


def test_report_patterns_that_are_not_regular_expressions_are_usage_errors(tmp_path):
    from typer.testing import CliRunner

    from annotate.cli import app

    for opt in ("--leave-out", "--curve"):
        r = CliRunner().invoke(app, ["train", "--gold", str(GOLD), str(FILES[0]), "--report", str(tmp_path / "r"),
                                     opt, "^([pq]", "-q"])
        assert r.exit_code == 2 and "not a regular expression" in r.stderr, (opt, r.stderr)
        assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------ adaptation to one family (--adapt)


def test_adapted_training_is_deterministic_and_reads_marked_units(samples, tmp_path):
    """--adapt: the same data and seed give the same bytes; the saved model knows it is adapted (it reads the
    family-marked units) and predicts what the trained one did."""
    from annotate.learn.component import Learned
    from annotate.learn.data import units_of
    from annotate.learn.train import save, train

    family = {"q03_chengshi_shilaohua.md", "q04_mashang_jiuban.md"}
    first = train(samples, seed=3, name="m", adapt=family)
    save(first, tmp_path / "a")
    save(train(samples, seed=3, name="m", adapt=family), tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    meta = json.loads((tmp_path / "a" / "meta.json").read_text())["annotate"]
    assert meta["adapt"] == {"files": sorted(family), "weight": 3, "marked": True}
    assert meta["held_out"]["fold_files"] == [["q03_chengshi_shilaohua.md"], ["q04_mashang_jiuban.md"]]
    loaded = Learned.load(tmp_path / "a")
    units = units_of(samples[0].doc)
    assert loaded.adapted and loaded.predict(units) == first.learned.predict(units)
    # one article of the family: nothing to check a change on while training on it
    from annotate.learn.train import TrainError

    with pytest.raises(TrainError, match=r"--adapt: 1 article file\(s\) of the family .*need at least 2"):
        train(samples, seed=3, name="m", adapt={"q03_chengshi_shilaohua.md"})


@pytest.fixture(scope="module")
def shifted_family(nlp):
    """A family z whose annotators do not count the rules' directive.modal sentences as directives (its
    truth is the gold of four dev2 p articles without those spans), beside families q, r and the seed,
    whose gold agrees with the rule: a systematic error of the rules in z only."""
    from annotate.learn.data import lenient, units_of
    from annotate.learn.train import Sample, collect

    gold = load_gold([GOLD, REPO / "gold" / "seed.gold.jsonl"])
    rest = collect([DEV2 / f for f in ("q01_quanyaosu_shengchanlv.md", "q02_lishi_wenhua_chengshi_gengxin.md",
                                       "q05_guanjianshi_dingdezhu.md", "r01_guoshengkun_shensheng_shiming.html",
                                       "r03_yiyiguanzhi_shehui_geming.html")]
                   + [REPO / "corpus" / "000_02b36b855911883c.md"], gold, nlp)
    family = []
    for k, f in enumerate(("p01_zhongguo_tese_jinrong_fazhan_zhilu.md", "p03_bianzheng_kandai_kunnan_tiaozhan.md",
                           "p04_renmin_chengshi_lilun_shijian_luoji.md", "p02_youwei_gengyao_youwei.md"), 1):
        [s] = collect([DEV2 / f], gold, nlp)
        modal = [(u.start, u.end) for u in units_of(s.doc)
                 if u.rule_span is not None and u.rule_span.id_ == "directive.modal"]
        truth = [t for t in s.truth if not any(lenient(t[0], t[1], a, b) for a, b in modal)]
        assert len(truth) < len(s.truth)
        family.append(Sample(f"z{k:02d}.md", s.doc, truth, s.document))
    return rest, family


def test_a_transition_that_pays_off_only_in_the_family_is_learned_with_adapt_only(shifted_family):
    """A hit: adapted to z (three of its articles), the model drops modal directives, and on z's fourth
    article, which it never saw, that fixes units (and breaks few). A near miss: trained out of family on the
    same articles, DIRECTIVE>NONE stays off (it would break the other families' modal directives)."""
    from annotate.learn.train import _examples, train

    rest, family = shifted_family
    seen, unseen = family[:3], family[3:]
    plain = train(rest + seen, seed=0)
    adapted = train(rest + seen, seed=0, adapt={s.file for s in seen})
    assert "DIRECTIVE>NONE" not in plain.meta["thresholds"]
    assert "DIRECTIVE>NONE" in adapted.meta["thresholds"], adapted.meta["held_out"]["changes"]
    fixed = broken = 0
    for units, labels in _examples(unseen):
        for u, lab, d in zip(units, labels, adapted.learned.decisions(units)):
            if d is not None and (u.rule_label, d[1]) == ("DIRECTIVE", "NONE"):
                fixed += d[1] == lab
                broken += u.rule_label == lab
    assert fixed >= 3 and fixed >= 3 * broken, (fixed, broken)


def test_adapt_on_the_command_line(tmp_path):
    """--adapt REGEX names the family among the training files: the model's meta says so; a REGEX no
    article matches is refused with one line (exit 1), one that is not a regular expression is a usage error."""
    from typer.testing import CliRunner

    from annotate.cli import app

    out = tmp_path / "m"
    r = CliRunner().invoke(app, ["train", "--gold", str(GOLD), *map(str, FILES), "-o", str(out), "-q",
                                 "--adapt", r"^q\d"])
    assert r.exit_code == 0, r.stderr
    assert "adapted to 2 article file(s)" in r.stderr
    meta = json.loads((out / "meta.json").read_text())["annotate"]
    assert meta["adapt"]["files"] == ["q03_chengshi_shilaohua.md", "q04_mashang_jiuban.md"]
    r = CliRunner().invoke(app, ["train", "--gold", str(GOLD), *map(str, FILES), "-o", str(out), "-q",
                                 "--adapt", r"^x\d"])
    assert r.exit_code == 1
    assert [l for l in r.stderr.splitlines() if l.strip()] == [
        "error: --adapt: 0 article file(s) of the family with gold or corrections (need at least 2: the changes "
        "are checked on one while trained on the others); the old model, if any, is kept"]
    r = CliRunner().invoke(app, ["train", "--gold", str(GOLD), *map(str, FILES), "-o", str(out), "-q",
                                 "--adapt", "^(q"])
    assert r.exit_code == 2 and "not a regular expression" in r.stderr


def test_retraining_from_a_project_adapts_to_its_tasks(nlp, monkeypatch, tmp_path):
    """The webhook's retrain (and `train --project`): the project's corrected tasks are the family, its
    inner folds their files."""
    from annotate.learn import studio
    from annotate.learn.data import gold_truth

    gold = load_gold([GOLD])
    tasks = []
    for path in FILES:
        for task in _tasks(nlp, path):
            text = task["data"]["text"]
            [spans] = gold_truth(gold[path.name], [text])
            task["annotations"] = [{"result": [
                {"id": f"g{i}", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": s, "end": e, "text": text[s:e], "labels": [lab]}}
                for i, (s, e, lab) in enumerate(spans)]}]
            tasks.append(task)
    monkeypatch.setattr(studio, "_project_tasks", lambda conn, project: (7, tasks))
    meta = studio.retrain_project(None, 7, tmp_path / "team", nlp)
    assert meta["adapt"]["files"] == sorted(f.name for f in FILES)
    assert meta["adapt"]["marked"] is False  # nothing but the family: no copy to tell it apart
    assert meta["held_out"]["fold_files"] == [[f.name] for f in sorted(FILES)]
    saved = json.loads((tmp_path / "team" / "meta.json").read_text())["annotate"]
    assert saved["project"] == 7 and saved["adapt"] == meta["adapt"]


def test_units_carry_the_rules_label_crossed_with_a_one_sentence_paragraph(nlp):
    """A family may take a rule's lead in a long paragraph and not in a one-sentence one: the feature that
    lets the (adapted) model tell them apart is there for the one and not for the other."""
    from annotate.learn.data import units_of
    from annotate.pipeline import annotate_document
    from annotate.sources import read_string

    text = ("坚持人民至上\n\n人民是历史的创造者。\n\n加强耕地资源保护利用。耕地是粮食生产的命根子，各地都要守住红线。\n\n"
            "我们要把群众的冷暖放在心上。\n")
    (document,) = [d for d in read_string(text, "t.txt") if d.kind == "article"]
    units = {document.text[u.start:u.end]: u.features for u in units_of(annotate_document(nlp, document))
             if u.kind == "unit"}
    lead = units["加强耕地资源保护利用。"]
    assert "L=SUPPORT&S1=multi" in lead and not any(f.endswith("&S1=single") for f in lead)
    alone = units["我们要把群众的冷暖放在心上。"]
    assert any(f.endswith("&S1=single") for f in alone) and "L=SUPPORT&S1=multi" not in alone


def test_collect_reads_a_json_article_record_as_an_article_and_a_json_task_file_as_tasks(nlp, tmp_path):
    from annotate.learn.train import collect

    record = tmp_path / "r.json"
    record.write_text(json.dumps({"title": "标题论点", "paragraphs": ["创新是第一动力，这是共识。我们要坚持创新。"]},
                                 ensure_ascii=False), encoding="utf-8")
    gold = {"r.json": {"file": "r.json", "spans": [{"label": "CLAIM", "text": "标题论点", "speaker": None}],
                       "relations": []}}
    [s] = collect([record], gold, nlp)
    assert s.file == "r.json" and s.document.title == "标题论点"
    tasks = tmp_path / "t.json"   # the same article as a task file named .json: read as tasks
    tasks.write_text(json.dumps([{"data": {"text": s.document.text, "source": "r.json"}}], ensure_ascii=False),
                     encoding="utf-8")
    [t] = collect([tasks], gold, nlp)
    assert t.document.text == s.document.text
