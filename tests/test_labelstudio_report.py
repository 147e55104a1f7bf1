"""Export tables and report figures from a hand-made snapshot (no server needed)."""
import json

import pandas as pd
import pytest

from annotate.tables import DOCUMENT_COLUMNS, RELATION_COLUMNS, SPAN_COLUMNS, tables_from_snapshot
from annotate.labelstudio.report import chart_png, cohen_kappa, compute_report, write_report

from snapshot_helpers import MV, T0, snapshot

NA = pd.NA


def rows(df):
    return [tuple(None if pd.isna(v) else v for v in r) for r in df.itertuples(index=False)]


def test_documents_table():
    t = tables_from_snapshot(snapshot())
    assert list(t.documents.columns) == list(DOCUMENT_COLUMNS)
    assert rows(t.documents) == [
        ("doc1", 1, "a.txt", "corpus/a.md", 0, "article", "标题论点", "王一鸣", 34, 2, "mv1"),
        ("doc2", 2, "b.txt", "corpus/b.md", 0, "fragment", "", "", 4, 1, None),
    ]
    assert {c: str(d) for c, d in t.documents.dtypes.items()} == {
        c: ("string" if d == "string" else d) for c, d in DOCUMENT_COLUMNS.items()}


def test_spans_table_exact():
    t = tables_from_snapshot(snapshot())
    assert list(t.spans.columns) == list(SPAN_COLUMNS)
    cols = ["doc_id", "task_id", "source_line", "annotation_id", "annotator", "label", "start", "end", "text",
            "speaker", "origin", "rule_id", "model_version", "lead_time", "offset_ok"]
    assert rows(t.spans[cols]) == [
        ("doc1", 1, 1, None, None, "CLAIM", 0, 4, "标题论点", None, "predicted", "claim.title", MV, None, True),
        ("doc1", 1, 3, None, None, "SUPPORT", 6, 13, "一是加强研究。", None, "predicted", "support.enumerated", MV, None, True),
        ("doc1", 1, 3, None, None, "QUOTE", 18, 26, "创新是第一动力。", "他", "predicted", "quote.attributed", MV, None, True),
        ("doc1", 1, 3, None, None, "DIRECTIVE", 27, 34, "我们必须坚持。", None, "predicted", "directive.modal", MV, None, True),
        ("doc1", 1, 1, 100, "a@x", "CLAIM", 0, 4, "标题论点", None, "accepted", "claim.title", MV, 30.5, True),
        ("doc1", 1, 3, 100, "a@x", "SUPPORT", 6, 12, "一是加强研究", None, "modified", "support.enumerated", MV, 30.5, True),
        ("doc1", 1, 3, 100, "a@x", "QUOTE", 18, 26, "创新是第一动力。", "习近平", "modified", "quote.attributed", MV, 30.5, True),
        ("doc1", 1, 3, 100, "a@x", "CLAIM", 13, 17, "他指出：", None, "added", None, MV, 30.5, True),
        ("doc1", 1, 1, 101, "b@x", "CLAIM", 0, 4, "标题论点", None, "accepted", "claim.title", MV, 12.0, True),
        ("doc1", 1, 3, 101, "b@x", "SUPPORT", 6, 13, "一是加强研究。", None, "accepted", "support.enumerated", MV, 12.0, True),
        ("doc1", 1, 3, 101, "b@x", "QUOTE", 18, 25, "创新是第一动力", "他", "modified", "quote.attributed", MV, 12.0, True),
        ("doc1", 1, 3, 101, "b@x", "DIRECTIVE", 27, 34, "我们必须坚持。", None, "accepted", "directive.modal", MV, 12.0, True),
        ("doc2", 2, 1, 103, "a@x", "DIRECTIVE", 0, 3, "第二篇", None, "added", None, None, 5.0, True),
        ("doc2", 2, 1, 103, "a@x", "CLAIM", 0, 1, "错", None, "added", None, None, 5.0, False),
    ]
    assert str(t.spans["start"].dtype) == "int64" and str(t.spans["end"].dtype) == "int64"
    assert str(t.spans["offset_ok"].dtype) == "boolean"
    assert str(t.spans["created_at"].dtype) == "datetime64[ns, UTC]"
    assert t.spans["created_at"].iloc[0] == pd.Timestamp(T0)
    assert t.spans["updated_at"].iloc[4] == pd.Timestamp("2026-01-02T01:00:00Z")
    assert t.spans["source"].tolist() == ["a.txt"] * 12 + ["b.txt"] * 2
    # the mismatch is reported, the row kept and flagged
    assert len(t.problems) == 1 and "doc2" in t.problems[0] and "annotation 103" in t.problems[0]


def test_relations_table_exact():
    t = tables_from_snapshot(snapshot())
    assert list(t.relations.columns) == list(RELATION_COLUMNS)
    assert rows(t.relations) == [
        ("doc1", 1, None, None, 6, 13, "SUPPORT", 0, 4, "CLAIM", "supports", "predicted", MV),
        ("doc1", 1, 100, "a@x", 6, 12, "SUPPORT", 0, 4, "CLAIM", "supports", "accepted", MV),
        ("doc1", 1, 100, "a@x", 13, 17, "CLAIM", 0, 4, "CLAIM", "supports", "added", MV),
    ]
    assert str(t.relations["from_start"].dtype) == "Int64"


def test_every_table_tells_tasks_apart_without_a_doc_id():
    """Tasks imported through Label Studio's UI have no data.doc_id: task_id tells them apart."""
    tasks = snapshot()
    for task in tasks:
        del task["data"]["doc_id"]
    t = tables_from_snapshot(tasks)
    for name, frame in t.items():
        assert list(frame.columns[:2]) == ["doc_id", "task_id"], name
        assert frame["doc_id"].isna().all() and frame["task_id"].notna().all(), name
    assert set(t.relations["task_id"]) == {1}


def test_report_figures_exact():
    r = compute_report(snapshot())
    got = {row.label: row for row in r.labels.itertuples(index=False)}
    counts = {lab: (row.predicted, row.accepted, row.changed, row.deleted, row.added, row.annotated,
                    row.strict_tp, row.lenient_tp, row.bad_offsets) for lab, row in got.items()}
    # annotation 103's CLAIM [0:1] "错" does not match data.text ("第"): left out of the scores
    assert counts == {
        "CLAIM": (2, 2, 0, 0, 1, 3, 2, 2, 1),
        "SUPPORT": (2, 1, 1, 0, 0, 2, 1, 2, 0),
        "QUOTE": (2, 0, 2, 0, 0, 2, 1, 2, 0),
        "DIRECTIVE": (2, 1, 0, 1, 1, 2, 1, 1, 0),
        "ALL": (8, 4, 3, 1, 2, 9, 5, 7, 1),
    }
    assert (got["CLAIM"].strict_p, got["CLAIM"].strict_r) == (1.0, pytest.approx(2 / 3))
    assert got["CLAIM"].strict_f1 == pytest.approx(0.8)
    assert (got["SUPPORT"].strict_f1, got["SUPPORT"].lenient_f1) == (0.5, 1.0)
    assert got["ALL"].strict_p == pytest.approx(5 / 8) and got["ALL"].strict_r == pytest.approx(5 / 9)
    assert got["ALL"].strict_f1 == pytest.approx(10 / 17)
    assert got["ALL"].lenient_p == pytest.approx(7 / 8) and got["ALL"].lenient_r == pytest.approx(7 / 9)
    assert got["ALL"].lenient_f1 == pytest.approx(14 / 17)
    assert r.summary["macro_f1_strict"] == pytest.approx((0.8 + 0.5 + 0.5 + 0.5) / 4)
    assert r.summary["bad_offsets"] == 1
    assert len(r.problems) == 1 and "doc2" in r.problems[0] and "annotation 103" in r.problems[0]

    rules = [(x.rule_id, x.label, x.predicted, x.accepted, x.changed, x.deleted, x.accept_rate, x.strict_p,
              x.lenient_p) for x in r.rules.itertuples(index=False)]
    assert rules == [
        ("claim.title", "CLAIM", 2, 2, 0, 0, 1.0, 1.0, 1.0),
        ("directive.modal", "DIRECTIVE", 2, 1, 0, 1, 0.5, 0.5, 0.5),
        ("quote.attributed", "QUOTE", 2, 0, 2, 0, 0.0, 0.5, 1.0),
        ("support.enumerated", "SUPPORT", 2, 1, 1, 0, 0.5, 0.5, 1.0),
    ]

    assert len(r.agreement) == 1
    a = r.agreement.iloc[0]
    assert (a.doc_id, a.annotation_a, a.annotation_b, a.annotator_a, a.annotator_b) == ("doc1", 100, 101, "a@x", "b@x")
    assert (a.spans_a, a.spans_b, a.n_chars) == (4, 4, 34)
    assert a.span_f1_strict == pytest.approx(0.25) and a.span_f1_lenient == pytest.approx(0.75)
    assert a.kappa_chars == pytest.approx(14 / 27)
    assert r.summary["annotations"] == 3 and r.summary["tasks_annotated"] == 2


def test_a_bad_predicted_region_is_left_out_and_counted_once():
    tasks = snapshot()
    p4 = next(r for r in tasks[0]["predictions"][0]["result"] if r["id"] == "p4")
    p4["value"]["text"] = "不是这段文字"
    r = compute_report(tasks)
    d = r.labels.set_index("label").loc["DIRECTIVE"]
    # both annotations of doc1 start from that prediction: its bad region is counted once
    assert (d.predicted, d.deleted, d.accepted, d.added, d.bad_offsets) == (0, 0, 0, 2, 1)
    assert r.summary["bad_offsets"] == 2 and sum("prediction 10" in p for p in r.problems) == 1


def test_kappa_edge_cases():
    assert cohen_kappa(list("OOO"), list("OOO")) == 1.0
    assert cohen_kappa(list("AB"), list("BA")) == pytest.approx(-1.0)
    assert cohen_kappa([], []) is None


def test_no_annotations_gives_undefined_not_perfect():
    tasks = snapshot()
    for t in tasks:
        t["annotations"] = []
    r = compute_report(tasks)
    assert r.labels["strict_f1"].isna().all()
    assert r.summary["macro_f1_strict"] is None and len(r.agreement) == 0


def test_report_files(tmp_path):
    r = compute_report(snapshot())
    files = write_report(r, tmp_path)
    assert sorted(f.name for f in files) == ["agreement.csv", "report_chart.png", "report_labels.csv", "report_relations.csv",
                                            "report_rules.csv"]
    labels = pd.read_csv(tmp_path / "report_labels.csv")
    assert labels["label"].tolist() == ["CLAIM", "SUPPORT", "QUOTE", "DIRECTIVE", "ALL"]
    assert (tmp_path / "report_chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart_png(r)[:4] == b"\x89PNG"


def test_report_cli_offline(tmp_path):
    from typer.testing import CliRunner

    from annotate.labelstudio.cli import make_app

    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps(snapshot(), ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(make_app(), ["report", "--from-snapshot", str(snap), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "DIRECTIVE" in res.stdout and "0.82" in res.stdout  # lenient F1 of ALL
    assert "Bad offsets: 1 regions do not match data.text" in res.stdout
    assert "bad offsets doc doc2 task 2 annotation 103: CLAIM [0:1]" in res.stderr
    assert (tmp_path / "out" / "report_rules.csv").exists()
    labels = pd.read_csv(tmp_path / "out" / "report_labels.csv").set_index("label")
    assert labels["bad_offsets"].to_dict() == {"CLAIM": 1, "SUPPORT": 0, "QUOTE": 0, "DIRECTIVE": 0, "ALL": 1}


def test_piped_report_lines_are_not_wrapped(tmp_path):
    from typer.testing import CliRunner

    from annotate.labelstudio.cli import make_app

    snap = tmp_path / "snap.json"
    snap.write_text(json.dumps(snapshot(), ensure_ascii=False), encoding="utf-8")
    res = CliRunner().invoke(make_app(), ["report", "--from-snapshot", str(snap), "-o", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    macro = [line for line in lines if "Macro F1" in line]
    assert len(macro) == 1 and macro[0].startswith("P/R/F1 strict") and "lenient 0." in macro[0], res.stdout
    assert any(line.startswith("Bad offsets:") and line.endswith("lists them)") for line in lines), res.stdout
