"""How good was the pre-annotation? Figures from an export snapshot.

For every submitted annotation, its regions are compared with the prediction
it started from (regions.compare_task — the same comparison export uses;
regions.baseline picks the prediction). Only regions with a label of the
scheme and offsets that fit data.text are scored: a region whose offsets do
not fit (regions.region_ok) is left out of every figure and counted in the
`bad_offsets` column (per label; a prediction's region once per prediction)
and on a line of the terminal output:

* accept / change / delete / add — per label and per rule (export.classify:
  accepted = identical, changed = same region id or ≥ half overlap but other
  label/bounds/speaker, deleted = predicted region with no counterpart, added =
  annotated region with no predicted counterpart). A prediction is counted once
  per annotation made from it.
* precision / recall / F1 of the predictions against the annotations, strict
  (same start and end) and lenient (the overlap covers at least half of the
  longer span), one-to-one greedy matching per label — as /work/shared/bin/score.
* agreement between annotators on tasks with two or more annotations, for every
  pair: span F1 (strict and lenient, the same matching; F1 = 2·matched/(n_a+n_b))
  and Cohen's kappa on per-character labels: each character takes the label of
  the innermost span covering it (a QUOTE inside a CLAIM is QUOTE), "O" where no
  span covers it; kappa = (p_o − p_e)/(1 − p_e), and 1.0 when both annotators
  gave every character the same single category (p_e = 1).

Output: a rich table, report_labels.csv (with bad_offsets), report_rules.csv,
agreement.csv and report_chart.png (accept/change/delete/add per label).
"""
from __future__ import annotations

import io
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from annotate.atomic import atomic_write_files
from annotate.scheme import Scheme, load_scheme

from .export import annotator_of
from .regions import ACCEPTED, ADDED, Region, compare_task, match_per_label

LABEL_COLUMNS = ["label", "predicted", "accepted", "changed", "deleted", "added", "annotated",
                 "strict_tp", "strict_p", "strict_r", "strict_f1",
                 "lenient_tp", "lenient_p", "lenient_r", "lenient_f1", "bad_offsets"]
RULE_COLUMNS = ["rule_id", "label", "predicted", "accepted", "changed", "deleted", "accept_rate",
                "strict_p", "lenient_p"]
AGREEMENT_COLUMNS = ["doc_id", "task_id", "annotation_a", "annotation_b", "annotator_a", "annotator_b",
                     "spans_a", "spans_b", "span_f1_strict", "span_f1_lenient", "kappa_chars", "n_chars"]
ALL = "ALL"
NO_RULE = "(none)"


def prf(tp: int, n_gold: int, n_pred: int) -> tuple[float | None, float | None, float | None]:
    """Precision, recall, F1 as the scorer computes them — except that with
    nothing predicted and nothing annotated (no data for the label) all three
    are undefined (None) rather than perfect."""
    if n_gold == 0 and n_pred == 0:
        return None, None, None
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def char_labels(regions: list[Region], n: int) -> list[str]:
    """Per-character label: the innermost (shortest) covering span wins; "O" elsewhere."""
    out = ["O"] * n
    for r in sorted(regions, key=lambda r: (-r.length, r.start)):
        for i in range(max(0, r.start), min(n, r.end)):
            out[i] = r.label
    return out


def cohen_kappa(a: list[str], b: list[str]) -> float | None:
    n = len(a)
    if n == 0 or n != len(b):
        return None
    p_o = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if p_e >= 1.0:
        return 1.0 if p_o >= 1.0 else 0.0
    return (p_o - p_e) / (1 - p_e)


def span_f1(a: list[Region], b: list[Region], strict: bool, labels: tuple[str, ...]) -> float:
    if not a and not b:
        return 1.0
    tp = sum(len(pairs) for pairs in match_per_label(a, b, strict, labels).values())
    return 2 * tp / (len(a) + len(b))


@dataclass
class Report:
    labels: pd.DataFrame
    rules: pd.DataFrame
    agreement: pd.DataFrame
    summary: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # regions left out: offsets do not fit data.text


def compute_report(tasks: list[dict], scheme: Scheme | None = None) -> Report:
    s = scheme or load_scheme()
    labels = s.label_names
    counts = {lab: Counter() for lab in labels}
    rules: dict[tuple[str, str], Counter] = defaultdict(Counter)
    n_annotations = n_tasks_annotated = 0
    agreement_rows = []
    problems: list[str] = []

    for task in tasks:
        data = task.get("data") or {}
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        parsed = []
        bad_predictions: set[int] = set()  # a prediction's bad regions are counted once
        for comp in compare_task(task, s):
            n_annotations += 1
            parsed.append((comp.annotation, comp.scored))
            bad = [(r, f"annotation {comp.annotation.get('id')}") for r in comp.bad]
            if comp.prediction is not None and id(comp.prediction) not in bad_predictions:
                bad_predictions.add(id(comp.prediction))
                bad += [(r, f"prediction {comp.prediction.get('id')}") for r in comp.bad_predicted]
            for r, who in bad:
                counts[r.label]["bad_offsets"] += 1
                problems.append(f"doc {data.get('doc_id')} task {task.get('id')} {who}: {r.label} "
                                f"[{r.start}:{r.end}] does not match data.text — left out of the scores")
            predicted = comp.scored_predicted
            for r, origin, pr in comp.rows:
                counts[r.label]["annotated"] += 1
                if origin == ADDED:
                    counts[r.label]["added"] += 1
                else:
                    key = "accepted" if origin == ACCEPTED else "changed"
                    counts[pr.label][key] += 1
                    rules[(pr.rule_id or NO_RULE, pr.label)][key] += 1
            for pr in comp.deleted:
                counts[pr.label]["deleted"] += 1
                rules[(pr.rule_id or NO_RULE, pr.label)]["deleted"] += 1
            for pr in predicted:
                counts[pr.label]["predicted"] += 1
                rules[(pr.rule_id or NO_RULE, pr.label)]["predicted"] += 1
            for strict, name in ((True, "strict"), (False, "lenient")):
                for lab, pairs in match_per_label(comp.scored, predicted, strict, labels).items():
                    counts[lab][f"{name}_tp"] += len(pairs)
                    for _, pr in pairs:
                        rules[(pr.rule_id or NO_RULE, pr.label)][f"{name}_tp"] += 1
        if parsed:
            n_tasks_annotated += 1

        if len(parsed) >= 2:
            ordered = sorted(parsed, key=lambda x: x[0].get("id") or 0)
            for (a, ra), (b, rb) in itertools.combinations(ordered, 2):
                agreement_rows.append({
                    "doc_id": data.get("doc_id"), "task_id": task.get("id"),
                    "annotation_a": a.get("id"), "annotation_b": b.get("id"),
                    "annotator_a": annotator_of(a), "annotator_b": annotator_of(b),
                    "spans_a": len(ra), "spans_b": len(rb),
                    "span_f1_strict": span_f1(ra, rb, True, labels),
                    "span_f1_lenient": span_f1(ra, rb, False, labels),
                    "kappa_chars": cohen_kappa(char_labels(ra, len(text)), char_labels(rb, len(text))),
                    "n_chars": len(text),
                })

    label_rows = []
    total = Counter()
    for lab in labels:
        c = counts[lab]
        total.update(c)
        label_rows.append(_label_row(lab, c))
    label_rows.append(_label_row(ALL, total))
    macro = {}
    for name in ("strict", "lenient"):
        defined = [row[f"{name}_f1"] for row in label_rows[:-1] if row[f"{name}_f1"] is not None]
        macro[name] = sum(defined) / len(defined) if defined else None

    rule_rows = []
    for (rule, lab), c in sorted(rules.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        n = c["predicted"]
        rule_rows.append({
            "rule_id": rule, "label": lab, "predicted": n, "accepted": c["accepted"], "changed": c["changed"],
            "deleted": c["deleted"], "accept_rate": c["accepted"] / n if n else None,
            "strict_p": c["strict_tp"] / n if n else None, "lenient_p": c["lenient_tp"] / n if n else None,
        })

    agreement = pd.DataFrame(agreement_rows, columns=AGREEMENT_COLUMNS)
    agreement = agreement.astype({"doc_id": "string", "task_id": "Int64", "annotation_a": "Int64",
                                  "annotation_b": "Int64", "annotator_a": "string", "annotator_b": "string",
                                  "spans_a": "int64", "spans_b": "int64", "span_f1_strict": "Float64",
                                  "span_f1_lenient": "Float64", "kappa_chars": "Float64", "n_chars": "int64"})
    labels_df = pd.DataFrame(label_rows, columns=LABEL_COLUMNS).astype(
        {**{c: "int64" for c in LABEL_COLUMNS[1:] if not c.endswith(("_p", "_r", "_f1"))},
         **{c: "Float64" for c in LABEL_COLUMNS if c.endswith(("_p", "_r", "_f1"))}, "label": "string"})
    rules_df = pd.DataFrame(rule_rows, columns=RULE_COLUMNS).astype(
        {"rule_id": "string", "label": "string", "predicted": "int64", "accepted": "int64", "changed": "int64",
         "deleted": "int64", "accept_rate": "Float64", "strict_p": "Float64", "lenient_p": "Float64"})
    summary = {
        "tasks": len(tasks), "tasks_annotated": n_tasks_annotated, "annotations": n_annotations,
        "macro_f1_strict": macro["strict"], "macro_f1_lenient": macro["lenient"],
        "agreement_pairs": len(agreement),
        "mean_span_f1_lenient": float(agreement["span_f1_lenient"].mean()) if len(agreement) else None,
        "mean_kappa_chars": float(agreement["kappa_chars"].mean()) if len(agreement) else None,
        "bad_offsets": len(problems),
    }
    return Report(labels_df, rules_df, agreement, summary, problems)


def _label_row(label: str, c: Counter) -> dict:
    row = {"label": label, "predicted": c["predicted"], "accepted": c["accepted"], "changed": c["changed"],
           "deleted": c["deleted"], "added": c["added"], "annotated": c["annotated"],
           "strict_tp": c["strict_tp"], "lenient_tp": c["lenient_tp"], "bad_offsets": c["bad_offsets"]}
    for name in ("strict", "lenient"):
        p, r, f = prf(c[f"{name}_tp"], c["annotated"], c["predicted"])
        row.update({f"{name}_p": p, f"{name}_r": r, f"{name}_f1": f})
    return row


# -- output -------------------------------------------------------------------

def chart_png(report: Report) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    df = report.labels[report.labels["label"] != ALL]
    parts = [("accepted", "#2ca02c"), ("changed", "#ff7f0e"), ("deleted", "#d62728"), ("added", "#1f77b4")]
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(df) + 1.6), dpi=120)
    y = range(len(df))
    left = [0] * len(df)
    for name, colour in parts:
        values = [int(v) for v in df[name]]
        ax.barh(list(y), values, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(list(y), [str(v) for v in df["label"]])
    ax.invert_yaxis()
    ax.set_xlabel("spans")
    ax.set_title("Pre-annotation: accepted / changed / deleted / added")
    ax.legend(loc="lower right", fontsize="small")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def write_report(report: Report, out_dir: str | Path) -> list[Path]:
    """The three CSVs and the chart, replaced together, atomically."""
    csv = {"float_format": "%.4f", "index": False, "lineterminator": "\n"}
    png = chart_png(report)
    return atomic_write_files(out_dir, {
        "report_labels.csv": lambda fh: report.labels.to_csv(fh, **csv),
        "report_rules.csv": lambda fh: report.rules.to_csv(fh, **csv),
        "agreement.csv": lambda fh: report.agreement.to_csv(fh, **csv),
        "report_chart.png": lambda fh: fh.write(png),
    }, binary={"report_chart.png"})


def _f(v) -> str:
    return "–" if v is None or pd.isna(v) else f"{v:.2f}"


def render(report: Report, console) -> None:
    from rich.table import Table

    t = Table(title="Pre-annotation per label", title_justify="left")
    for col in ("label", "pred", "acc", "chg", "del", "add", "ann", "P", "R", "F1", "P~", "R~", "F1~"):
        t.add_column(col, justify="left" if col == "label" else "right")
    for row in report.labels.itertuples(index=False):
        t.add_row(str(row.label), str(row.predicted), str(row.accepted), str(row.changed), str(row.deleted),
                  str(row.added), str(row.annotated), _f(row.strict_p), _f(row.strict_r), _f(row.strict_f1),
                  _f(row.lenient_p), _f(row.lenient_r), _f(row.lenient_f1),
                  style="bold" if row.label == ALL else None)
    console.print(t)
    console.print("P/R/F1 strict (same start/end/label); P~/R~/F1~ lenient (overlap ≥ half the longer span). "
                  f"Macro F1 (labels with data): strict {_f(report.summary['macro_f1_strict'])}, "
                  f"lenient {_f(report.summary['macro_f1_lenient'])}")
    if len(report.rules):
        r = Table(title="Per rule", title_justify="left")
        for col in ("rule", "label", "pred", "acc", "chg", "del", "accept", "P", "P~"):
            r.add_column(col, justify="left" if col in ("rule", "label") else "right")
        for row in report.rules.itertuples(index=False):
            r.add_row(str(row.rule_id), str(row.label), str(row.predicted), str(row.accepted), str(row.changed),
                      str(row.deleted), _f(row.accept_rate), _f(row.strict_p), _f(row.lenient_p))
        console.print(r)
    s = report.summary
    if s["agreement_pairs"]:
        console.print(f"Agreement: {s['agreement_pairs']} annotation pairs, mean span F1 (lenient) "
                      f"{_f(s['mean_span_f1_lenient'])}, mean Cohen's kappa per character "
                      f"{_f(s['mean_kappa_chars'])}")
    else:
        console.print("Agreement: no task has two or more annotations")
    if s["bad_offsets"]:
        console.print(f"Bad offsets: {s['bad_offsets']} regions do not match data.text and were left out of "
                      f"the scores (bad_offsets in report_labels.csv; `annotate export` lists them)")
    console.print(f"{s['tasks']} tasks, {s['tasks_annotated']} annotated, {s['annotations']} annotations")
