"""Push → people annotate (through the API) → export → report, asserting exact tables and figures."""
import copy
import json

import pandas as pd
import pytest

from annotate.tables import DOCUMENT_COLUMNS, RELATION_COLUMNS, SPAN_COLUMNS

from studio_helpers import FIXTURE, task_ids_by_doc

MV = "argrules-0.1.0-1a2b3c4d"
D1, D2, D3 = "f9ee44bdd6d4ff37", "b0dcfede4e277743", "6aedc6af0c9f2abe"


def region(task, rid):
    return next(r for r in task["predictions"][0]["result"] if r.get("id") == rid and r["type"] == "labels")


def moved(task, rid, start, end, label=None, new_id=None):
    r = copy.deepcopy(region(task, rid))
    text = task["data"]["text"]
    r["value"].update(start=start, end=end, text=text[start:end])
    if label:
        r["value"]["labels"] = [label]
    if new_id:
        r["id"] = new_id
    r.pop("meta", None)
    r["origin"] = "manual"
    return r


def new_region(task, rid, label, start, end):
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": start, "end": end, "text": task["data"]["text"][start:end], "labels": [label]}}


def speaker(rid, start, end, who):
    return {"id": rid, "from_name": "speaker", "to_name": "text", "type": "textarea",
            "value": {"start": start, "end": end, "text": [who]}}


def rel(a, b):
    return {"type": "relation", "from_id": a, "to_id": b, "direction": "right", "labels": ["supports"]}


@pytest.fixture(scope="module")
def annotated(studio, conn, second_annotator, tmp_path_factory):
    """Push the fixture, annotate it as two people, export it with the CLI."""
    from typer.testing import CliRunner

    from annotate.labelstudio.cli import make_app

    tasks = json.loads(FIXTURE.read_text(encoding="utf-8"))
    t1, t2, t3 = tasks
    title = "roundtrip-fixture"
    app = make_app()
    res = CliRunner().invoke(app, ["push", "--project", title, "--tasks", str(FIXTURE), "--batch-size", "2"])
    assert res.exit_code == 0, res.output
    assert "3 tasks imported" in res.stdout
    project = next(p for p in conn.sdk.projects.list(title=title) if p.title == title)
    ids = {d: v[0] for d, v in task_ids_by_doc(conn, project.id).items()}
    preds = {d: conn.request("p", "GET", "api/predictions/", params={"task": ids[d]})[0]["id"] for d in ids}
    me = None  # the admin (the token's user)

    def annotate(doc, result, lead, user=None, **extra):
        return conn.sdk.annotations.create(id=ids[doc], result=result, lead_time=lead,
                                           parent_prediction=preds[doc],
                                           **({"completed_by": user} if user else {}), **extra)

    p1 = t1["predictions"][0]["result"]
    title1, heading1, support1, quote1, directive1 = [r["id"] for r in p1 if r["type"] == "labels"]
    # A1 (admin): accepts the two CLAIMs and their relation, trims the SUPPORT, changes the speaker,
    # deletes the DIRECTIVE, adds a DIRECTIVE and a relation from it.
    a1 = annotate(D1, [
        region(t1, title1), region(t1, heading1),
        moved(t1, support1, 37, 43),
        region(t1, quote1), speaker(quote1, 54, 74, "总书记"),
        new_region(t1, "hA1", "DIRECTIVE", 44, 53),
        rel(support1, heading1), rel(heading1, title1), rel("hA1", title1)], 30.0)
    # B1 (second annotator): takes the prediction as it is.
    b1 = annotate(D1, copy.deepcopy(p1), 20.0, user=second_annotator)
    # B2: turns the SUPPORT into a CLAIM, deletes the QUOTE, adds a short QUOTE with a speaker.
    p2 = t2["predictions"][0]["result"]
    title2, support2, quote2, directive2, concl2 = [r["id"] for r in p2 if r["type"] == "labels"]
    b2 = annotate(D2, [
        region(t2, title2), moved(t2, support2, 16, 25, label="CLAIM"),
        region(t2, directive2), region(t2, concl2),
        new_region(t2, "hB1", "QUOTE", 38, 42), speaker("hB1", 38, 42, "古人"),
        rel(support2, title2)], 15.0, user=second_annotator)
    # A3: keeps the first DIRECTIVE, redraws the second one shorter (a new region id).
    p3 = t3["predictions"][0]["result"]
    d31, d32 = [r["id"] for r in p3 if r["type"] == "labels"]
    a3 = annotate(D3, [region(t3, d31), moved(t3, d32, 19, 29, new_id="hA3")], 12.5)
    # and a skipped task (was_cancelled) that must not count
    skipped = conn.sdk.annotations.create(id=ids[D3], result=[], was_cancelled=True,
                                          completed_by=second_annotator)

    out = tmp_path_factory.mktemp("export")
    res = CliRunner().invoke(app, ["export", "--project", title, "-o", str(out)])
    assert res.exit_code == 0, res.output
    rep = tmp_path_factory.mktemp("report")
    res_report = CliRunner().invoke(app, ["report", "--project", title, "-o", str(rep)])
    assert res_report.exit_code == 0, res_report.output
    return {"ids": ids, "preds": preds, "out": out, "report_dir": rep, "report_stdout": res_report.stdout,
            "a1": a1, "b1": b1, "b2": b2, "a3": a3, "skipped": skipped, "project": project}


def rows(df):
    return [tuple(None if pd.isna(v) else v for v in r) for r in df.itertuples(index=False)]


def test_export_files(annotated):
    out = annotated["out"]
    names = sorted(p.name for p in out.iterdir())
    assert names == ["documents.csv", "documents.parquet", "raw", "relations.csv", "relations.parquet",
                     "spans.csv", "spans.parquet"]
    raws = list((out / "raw").iterdir())
    assert len(raws) == 1 and raws[0].name.startswith("roundtrip-fixture-") and raws[0].suffix == ".json"
    snapshot = json.loads(raws[0].read_text(encoding="utf-8"))
    # full predictions, not ids; annotators expanded
    assert all(isinstance(p, dict) and p["result"] for t in snapshot for p in t["predictions"])
    assert all(isinstance(a["completed_by"], dict) for t in snapshot for a in t["annotations"])
    # CSV and Parquet hold the same rows
    for name in ("documents", "spans", "relations"):
        pq = pd.read_parquet(out / f"{name}.parquet")
        csv = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        assert len(pq) == len(csv) and list(pq.columns) == list(csv.columns)
    csv_text = (out / "spans.csv").read_text(encoding="utf-8")
    assert "习近平总书记" in csv_text and csv_text.startswith("doc_id,task_id,source,source_line,")


def test_documents_exact(annotated):
    ids = annotated["ids"]
    df = pd.read_parquet(annotated["out"] / "documents.parquet")
    assert list(df.columns) == list(DOCUMENT_COLUMNS)
    assert rows(df) == [
        (D1, ids[D1], "001_fixture.txt", "corpus/001_fixture.md", 0, "article", "科技创新是发展新质生产力的核心要素",
         "王一鸣", 90, 2, MV),
        (D2, ids[D2], "001_fixture.txt", "corpus/001_fixture.md", 1, "article", "以高质量发展推进中国式现代化",
         "谢宝剑 黄丰斌", 89, 1, MV),
        (D3, ids[D3], "002_fixture.txt", "corpus/002_fixture.md", 0, "fragment", "", "", 29, 1, MV),
    ]


def test_spans_exact(annotated, admin_email):
    ids = annotated["ids"]
    a1, b1, b2, a3 = (annotated[k].id for k in ("a1", "b1", "b2", "a3"))
    A, B = admin_email, "ann2@example.com"
    df = pd.read_parquet(annotated["out"] / "spans.parquet")
    assert list(df.columns) == list(SPAN_COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == SPAN_COLUMNS
    cols = ["doc_id", "task_id", "source_line", "annotation_id", "annotator", "label", "start", "end", "text",
            "speaker", "origin", "rule_id", "model_version", "lead_time", "offset_ok"]
    s1, s2, s3 = ids[D1], ids[D2], ids[D3]
    assert rows(df[cols]) == [
        # task 1: the prediction
        (D1, s1, 3, None, None, "CLAIM", 0, 17, "科技创新是发展新质生产力的核心要素", None, "predicted", "claim.title", MV, None, True),
        (D1, s1, 5, None, None, "CLAIM", 19, 34, "一、加强原创性、颠覆性科技创新", None, "predicted", "claim.heading", MV, None, True),
        (D1, s1, 7, None, None, "SUPPORT", 37, 44, "加强基础研究。", None, "predicted", "support.short_first", MV, None, True),
        (D1, s1, 7, None, None, "QUOTE", 54, 74, "科技创新能够催生新产业、新模式、新动能。", "习近平总书记", "predicted", "quote.attributed", MV, None, True),
        (D1, s1, 7, None, None, "DIRECTIVE", 75, 90, "我们必须坚持创新驱动发展战略。", None, "predicted", "directive.modal", MV, None, True),
        # A1
        (D1, s1, 3, a1, A, "CLAIM", 0, 17, "科技创新是发展新质生产力的核心要素", None, "accepted", "claim.title", MV, 30.0, True),
        (D1, s1, 5, a1, A, "CLAIM", 19, 34, "一、加强原创性、颠覆性科技创新", None, "accepted", "claim.heading", MV, 30.0, True),
        (D1, s1, 7, a1, A, "SUPPORT", 37, 43, "加强基础研究", None, "modified", "support.short_first", MV, 30.0, True),
        (D1, s1, 7, a1, A, "QUOTE", 54, 74, "科技创新能够催生新产业、新模式、新动能。", "总书记", "modified", "quote.attributed", MV, 30.0, True),
        (D1, s1, 7, a1, A, "DIRECTIVE", 44, 53, "习近平总书记指出：", None, "added", None, MV, 30.0, True),
        # B1
        (D1, s1, 3, b1, B, "CLAIM", 0, 17, "科技创新是发展新质生产力的核心要素", None, "accepted", "claim.title", MV, 20.0, True),
        (D1, s1, 5, b1, B, "CLAIM", 19, 34, "一、加强原创性、颠覆性科技创新", None, "accepted", "claim.heading", MV, 20.0, True),
        (D1, s1, 7, b1, B, "SUPPORT", 37, 44, "加强基础研究。", None, "accepted", "support.short_first", MV, 20.0, True),
        (D1, s1, 7, b1, B, "QUOTE", 54, 74, "科技创新能够催生新产业、新模式、新动能。", "习近平总书记", "accepted", "quote.attributed", MV, 20.0, True),
        (D1, s1, 7, b1, B, "DIRECTIVE", 75, 90, "我们必须坚持创新驱动发展战略。", None, "accepted", "directive.modal", MV, 20.0, True),
        # task 2: the prediction
        (D2, s2, 3, None, None, "CLAIM", 0, 14, "以高质量发展推进中国式现代化", None, "predicted", "claim.title", MV, None, True),
        (D2, s2, 5, None, None, "SUPPORT", 16, 25, "一是坚持扩大内需。", None, "predicted", "support.enumerated", MV, None, True),
        (D2, s2, 5, None, None, "QUOTE", 26, 42, "绳短不能汲深井，浅水难以负大舟。", None, "predicted", "quote.saying", MV, None, True),
        (D2, s2, 5, None, None, "DIRECTIVE", 43, 70, "要完善收入分配制度，让发展成果更多更公平惠及全体人民。", None, "predicted", "directive.modal", MV, None, True),
        (D2, s2, 7, None, None, "CLAIM", 72, 89, "总之，高质量发展是新时代的硬道理。", None, "predicted", "claim.conclusion", MV, None, True),
        # B2
        (D2, s2, 3, b2, B, "CLAIM", 0, 14, "以高质量发展推进中国式现代化", None, "accepted", "claim.title", MV, 15.0, True),
        (D2, s2, 5, b2, B, "CLAIM", 16, 25, "一是坚持扩大内需。", None, "modified", "support.enumerated", MV, 15.0, True),
        (D2, s2, 5, b2, B, "DIRECTIVE", 43, 70, "要完善收入分配制度，让发展成果更多更公平惠及全体人民。", None, "accepted", "directive.modal", MV, 15.0, True),
        (D2, s2, 7, b2, B, "CLAIM", 72, 89, "总之，高质量发展是新时代的硬道理。", None, "accepted", "claim.conclusion", MV, 15.0, True),
        (D2, s2, 5, b2, B, "QUOTE", 38, 42, "负大舟。", "古人", "added", None, MV, 15.0, True),
        # task 3: the prediction and A3 (the skipped annotation is not there)
        (D3, s3, 3, None, None, "DIRECTIVE", 0, 14, "各地区各部门要切实抓好落实。", None, "predicted", "directive.modal", MV, None, True),
        (D3, s3, 3, None, None, "DIRECTIVE", 14, 29, "会议要求，明年要坚持稳中求进。", None, "predicted", "directive.reported", MV, None, True),
        (D3, s3, 3, a3, A, "DIRECTIVE", 0, 14, "各地区各部门要切实抓好落实。", None, "accepted", "directive.modal", MV, 12.5, True),
        (D3, s3, 3, a3, A, "DIRECTIVE", 19, 29, "明年要坚持稳中求进。", None, "modified", "directive.reported", MV, 12.5, True),
    ]
    # timestamps: the prediction's for predicted rows, the annotation's for the others
    a1_rows = df[df["annotation_id"] == a1]
    assert (a1_rows["created_at"] == pd.Timestamp(annotated["a1"].created_at)).all()
    assert df["created_at"].notna().all() and df["updated_at"].notna().all()
    assert df["source"].tolist() == ["001_fixture.txt"] * 25 + ["002_fixture.txt"] * 4


def test_relations_exact(annotated, admin_email):
    a1, b1, b2 = (annotated[k].id for k in ("a1", "b1", "b2"))
    A, B = admin_email, "ann2@example.com"
    df = pd.read_parquet(annotated["out"] / "relations.parquet")
    assert list(df.columns) == list(RELATION_COLUMNS)
    s1, s2 = annotated["ids"][D1], annotated["ids"][D2]
    assert rows(df) == [
        (D1, s1, None, None, 37, 44, "SUPPORT", 19, 34, "CLAIM", "supports", "predicted", MV),
        (D1, s1, None, None, 19, 34, "CLAIM", 0, 17, "CLAIM", "supports", "predicted", MV),
        (D1, s1, a1, A, 37, 43, "SUPPORT", 19, 34, "CLAIM", "supports", "accepted", MV),
        (D1, s1, a1, A, 19, 34, "CLAIM", 0, 17, "CLAIM", "supports", "accepted", MV),
        (D1, s1, a1, A, 44, 53, "DIRECTIVE", 0, 17, "CLAIM", "supports", "added", MV),
        (D1, s1, b1, B, 37, 44, "SUPPORT", 19, 34, "CLAIM", "supports", "accepted", MV),
        (D1, s1, b1, B, 19, 34, "CLAIM", 0, 17, "CLAIM", "supports", "accepted", MV),
        (D2, s2, None, None, 16, 25, "SUPPORT", 0, 14, "CLAIM", "supports", "predicted", MV),
        (D2, s2, b2, B, 16, 25, "CLAIM", 0, 14, "CLAIM", "supports", "accepted", MV),
    ]


def test_report_figures_exact(annotated):
    rep = annotated["report_dir"]
    labels = pd.read_csv(rep / "report_labels.csv").set_index("label")
    counts = labels[["predicted", "accepted", "changed", "deleted", "added", "annotated", "strict_tp",
                     "lenient_tp"]].to_dict("index")
    assert {k: tuple(v.values()) for k, v in counts.items()} == {
        "CLAIM": (6, 6, 0, 0, 0, 7, 6, 6),
        "SUPPORT": (3, 1, 2, 0, 0, 2, 1, 2),
        "QUOTE": (3, 1, 1, 1, 1, 3, 2, 2),
        "DIRECTIVE": (5, 3, 1, 1, 1, 5, 3, 4),
        "ALL": (17, 11, 4, 2, 2, 17, 12, 14),
    }
    assert labels.loc["CLAIM", "strict_p"] == 1.0 and labels.loc["CLAIM", "strict_r"] == pytest.approx(6 / 7, abs=1e-4)
    assert labels.loc["ALL", "strict_f1"] == pytest.approx(12 / 17, abs=1e-4)
    assert labels.loc["ALL", "lenient_f1"] == pytest.approx(14 / 17, abs=1e-4)
    assert (labels["bad_offsets"] == 0).all() and "Bad offsets" not in annotated["report_stdout"]

    rules = pd.read_csv(rep / "report_rules.csv")
    assert [tuple(r) for r in rules[["rule_id", "label", "predicted", "accepted", "changed", "deleted"]]
            .itertuples(index=False)] == [
        ("claim.conclusion", "CLAIM", 1, 1, 0, 0),
        ("claim.heading", "CLAIM", 2, 2, 0, 0),
        ("claim.title", "CLAIM", 3, 3, 0, 0),
        ("directive.modal", "DIRECTIVE", 4, 3, 0, 1),
        ("directive.reported", "DIRECTIVE", 1, 0, 1, 0),
        ("quote.attributed", "QUOTE", 2, 1, 1, 0),
        ("quote.saying", "QUOTE", 1, 0, 0, 1),
        ("support.enumerated", "SUPPORT", 1, 0, 1, 0),
        ("support.short_first", "SUPPORT", 2, 1, 1, 0),
    ]
    r = rules.set_index("rule_id")
    assert (r.loc["directive.modal", "strict_p"], r.loc["directive.reported", "lenient_p"]) == (0.75, 1.0)

    agreement = pd.read_csv(rep / "agreement.csv")
    assert len(agreement) == 1
    a = agreement.iloc[0]
    assert (a.doc_id, a.annotation_a, a.annotation_b) == (D1, annotated["a1"].id, annotated["b1"].id)
    assert (a.spans_a, a.spans_b, a.n_chars) == (5, 5, 90)
    assert (a.span_f1_strict, a.span_f1_lenient) == (0.6, 0.8)
    assert a.kappa_chars == pytest.approx(3881 / 6131, abs=1e-4)
    assert (rep / "report_chart.png").read_bytes()[:4] == b"\x89PNG"
    out = annotated["report_stdout"]
    assert "Per rule" in out and "directive.reported" in out and "Agreement: 1 annotation pairs" in out
