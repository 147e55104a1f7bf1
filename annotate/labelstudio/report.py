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

* relations — per relation type (`supports`), each predicted relation against the
  annotation: accepted = the annotation relates the counterparts of both its ends
  (the regions classify matched to them) with the same type and direction, and
  both ends were accepted; changed = the counterparts are related but an end
  region was changed, or the type or direction differs; deleted = the
  counterparts are not related (or an end was deleted); added = an annotated
  relation that matches no predicted one.

Output: a rich table, report_labels.csv (with bad_offsets), report_rules.csv,
report_relations.csv, agreement.csv and report_chart.png (accept/change/delete/add
per label and for the relations; the legend sits below the bars, never on them).
"""
from __future__ import annotations

import io
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from annotate.atomic import atomic_write_files
from annotate.labelstudio.codec import Region
from annotate.scheme import Scheme, load_scheme
from annotate.scoring import NO_RULE, prf
from annotate.tables import annotator_of

from .regions import ACCEPTED, ADDED, compare_task, match_per_label

LABEL_COLUMNS = ["label", "predicted", "accepted", "changed", "deleted", "added", "annotated",
                 "strict_tp", "strict_p", "strict_r", "strict_f1",
                 "lenient_tp", "lenient_p", "lenient_r", "lenient_f1", "bad_offsets"]
RELATION_COLUMNS = ["type", "predicted", "accepted", "changed", "deleted", "added", "annotated"]
RULE_COLUMNS = ["rule_id", "label", "predicted", "accepted", "changed", "deleted", "accept_rate",
                "strict_p", "lenient_p"]
AGREEMENT_COLUMNS = ["doc_id", "task_id", "annotation_a", "annotation_b", "annotator_a", "annotator_b",
                     "spans_a", "spans_b", "span_f1_strict", "span_f1_lenient", "kappa_chars", "n_chars"]
ALL = "ALL"


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


def classify_relations(comp) -> Counter:
    """(type, outcome) → count for one Comparison's relations (see the module docstring)."""
    counterpart = {pr.id: (r.id, origin) for r, origin, pr in comp.rows if pr is not None}
    scored = {r.id for r in comp.scored}
    annotated = {(rel.from_id, rel.to_id): rel for rel in comp.relations
                 if rel.from_id in scored and rel.to_id in scored}
    predicted_ids = {r.id for r in comp.scored_predicted}
    used: set[tuple[str, str]] = set()
    out: Counter = Counter()
    for rel in comp.predicted_relations:
        if rel.from_id not in predicted_ids or rel.to_id not in predicted_ids:
            continue
        out[(rel.type, "predicted")] += 1
        a, b = counterpart.get(rel.from_id), counterpart.get(rel.to_id)
        if a is None or b is None:
            out[(rel.type, "deleted")] += 1
            continue
        same_way, other_way = annotated.get((a[0], b[0])), annotated.get((b[0], a[0]))
        found = same_way or other_way
        if found is None:
            out[(rel.type, "deleted")] += 1
            continue
        used.add((found.from_id, found.to_id))
        exact = same_way is not None and same_way.type == rel.type and a[1] == b[1] == ACCEPTED
        out[(rel.type, "accepted" if exact else "changed")] += 1
    for key, rel in annotated.items():
        out[(rel.type, "annotated")] += 1
        if key not in used:
            out[(rel.type, "added")] += 1
    return out


@dataclass
class Report:
    labels: pd.DataFrame
    rules: pd.DataFrame
    agreement: pd.DataFrame
    relations: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=RELATION_COLUMNS))
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
    relation_counts: Counter = Counter(
        {(r.name, "predicted"): 0 for r in s.relations})  # every type of the scheme gets a row

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
            relation_counts.update(classify_relations(comp))
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
    types = sorted({t for t, _ in relation_counts})
    relations_df = pd.DataFrame([{"type": t, **{c: relation_counts[(t, c)] for c in RELATION_COLUMNS[1:]}}
                                 for t in types], columns=RELATION_COLUMNS)
    relations_df = relations_df.astype({"type": "string", **{c: "int64" for c in RELATION_COLUMNS[1:]}})
    summary = {
        "tasks": len(tasks), "tasks_annotated": n_tasks_annotated, "annotations": n_annotations,
        "macro_f1_strict": macro["strict"], "macro_f1_lenient": macro["lenient"],
        "agreement_pairs": len(agreement),
        "mean_span_f1_lenient": float(agreement["span_f1_lenient"].mean()) if len(agreement) else None,
        "mean_kappa_chars": float(agreement["kappa_chars"].mean()) if len(agreement) else None,
        "bad_offsets": len(problems),
    }
    return Report(labels_df, rules_df, agreement, relations_df, summary, problems)


def _label_row(label: str, c: Counter) -> dict:
    row = {"label": label, "predicted": c["predicted"], "accepted": c["accepted"], "changed": c["changed"],
           "deleted": c["deleted"], "added": c["added"], "annotated": c["annotated"],
           "strict_tp": c["strict_tp"], "lenient_tp": c["lenient_tp"], "bad_offsets": c["bad_offsets"]}
    for name in ("strict", "lenient"):
        # nothing predicted and nothing annotated: no data for the label, not a perfect score
        p, r, f = prf(c[f"{name}_tp"], c["annotated"], c["predicted"], empty=None)
        row.update({f"{name}_p": p, f"{name}_r": r, f"{name}_f1": f})
    return row


# -- output -------------------------------------------------------------------

def chart_png(report: Report) -> bytes:
    import matplotlib.pyplot as plt

    fig = chart_figure(report)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def chart_figure(report: Report):
    """The accept/change/delete/add chart (a matplotlib Figure; the caller closes it)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report.labels[report.labels["label"] != ALL]
    rows = [(str(r["label"]), r) for _, r in labels.iterrows()]
    rows += [(f"{r['type']} (relation)", r) for _, r in report.relations.iterrows()]
    parts = [("accepted", "#2ca02c"), ("changed", "#ff7f0e"), ("deleted", "#d62728"), ("added", "#1f77b4")]
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(rows) + 2.0), dpi=120)
    y = list(range(len(rows)))
    left = [0] * len(rows)
    for name, colour in parts:
        values = [int(r[name]) for _, r in rows]
        ax.barh(y, values, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(y, [name for name, _ in rows])
    ax.invert_yaxis()
    ax.set_xlabel("spans / relations")
    ax.set_title("Pre-annotation: accepted / changed / deleted / added")
    # Below the axes, outside them: a legend inside the plot can cover a bar.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(parts), fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


def write_report(report: Report, out_dir: str | Path) -> list[Path]:
    """The three CSVs and the chart, replaced together, atomically."""
    csv = {"float_format": "%.4f", "index": False, "lineterminator": "\n"}
    png = chart_png(report)
    return atomic_write_files(out_dir, {
        "report_labels.csv": lambda fh: report.labels.to_csv(fh, **csv),
        "report_rules.csv": lambda fh: report.rules.to_csv(fh, **csv),
        "report_relations.csv": lambda fh: report.relations.to_csv(fh, **csv),
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
    if len(report.relations):
        rt = Table(title="Relations", title_justify="left")
        for col in RELATION_COLUMNS:
            rt.add_column(col, justify="left" if col == "type" else "right")
        for row in report.relations.itertuples(index=False):
            rt.add_row(*(str(getattr(row, c)) for c in RELATION_COLUMNS))
        console.print(rt)
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
