"""Report: figures for the supports relations, and a chart whose legend covers no bar."""
import pandas as pd

from annotate.labelstudio.report import RELATION_COLUMNS, chart_figure, compute_report, write_report

from snapshot_helpers import snapshot


def test_relation_figures():
    report = compute_report(snapshot())
    # ann100 keeps p2→p1 but changed p2's bounds (changed) and adds n1→p1 (added);
    # ann101 accepts both ends but does not relate them (deleted). Annotated: ann100's two.
    assert list(report.relations.columns) == RELATION_COLUMNS
    assert [tuple(r) for r in report.relations.itertuples(index=False)] == [("supports", 2, 0, 1, 1, 1, 2)]


def test_an_accepted_relation_needs_both_ends_accepted():
    tasks = snapshot()
    ann = tasks[0]["annotations"][1]  # ann101: every region but the quote accepted
    ann["result"].append({"type": "relation", "from_id": "q2", "to_id": "q1", "direction": "right",
                          "labels": ["supports"]})
    tasks[0]["annotations"] = [ann]
    rel = compute_report(tasks).relations.iloc[0]
    assert (rel.predicted, rel.accepted, rel.changed, rel.deleted, rel.added) == (1, 1, 0, 0, 0)
    ann["result"][-1]["direction"] = "left"  # the arrow turned round
    rel = compute_report(tasks).relations.iloc[0]
    assert (rel.accepted, rel.changed, rel.added) == (0, 1, 0)


def test_relations_csv_written(tmp_path):
    files = write_report(compute_report(snapshot()), tmp_path)
    assert tmp_path / "report_relations.csv" in files
    df = pd.read_csv(tmp_path / "report_relations.csv")
    assert df.to_dict("records") == [{"type": "supports", "predicted": 2, "accepted": 0, "changed": 1,
                                      "deleted": 1, "added": 1, "annotated": 2}]


def test_the_legend_covers_no_bar():
    import matplotlib.pyplot as plt

    fig = chart_figure(compute_report(snapshot()))
    try:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        ax = fig.axes[0]
        legend = ax.get_legend().get_window_extent(renderer)
        bars = [patch.get_window_extent(renderer) for patch in ax.patches if patch.get_width() > 0]
        assert bars and not any(legend.overlaps(bar) for bar in bars)
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels[-1] == "supports (relation)"
        # the legend is inside the figure (not cut off)
        whole = fig.get_window_extent(renderer)
        assert whole.x0 <= legend.x0 and legend.x1 <= whole.x1 and whole.y0 <= legend.y0
    finally:
        plt.close(fig)
