"""The tidy tables (documents, spans, relations): one column schema, one builder.

    tables_from_snapshot(tasks) -> Tables      Label Studio tasks (an export snapshot,
                                                or prelabel's own tasks) -> three DataFrames

Both `annotate export` (tasks with annotations, from a snapshot) and `annotate
prelabel --format parquet|csv` (tasks with predictions only) build their tables
here, so the columns and dtypes are the same and one analysis works on both.
The tables sit downstream of the tasks: this reads task JSON (through the
Label Studio result decoder, annotate.labelstudio.regions) and nothing above it.

Rows: one per task in `documents`; one per region in `spans`, whether predicted
(origin "predicted") or from a submitted annotation (origin accepted, modified
or added, as regions.compare_task decides against the prediction the
annotation started from — a region it does not compare, with a label outside
the scheme or offsets off the text, counts as added); one per relation,
predicted or annotated, in `relations`. Offsets are checked against data.text
(regions.region_ok): a mismatch is listed in Tables.problems and flagged
offset_ok False, never dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from annotate.document import line_lookup
from annotate.labelstudio.codec import Region, region_ok
from annotate.labelstudio.regions import ACCEPTED, ADDED, PREDICTED, compare_task, parse_prediction, submitted
from annotate.scheme import Scheme, load_scheme

# Column order and dtypes of the tables (pandas nullable dtypes; offsets int64).
DOCUMENT_COLUMNS = {
    "doc_id": "string", "task_id": "Int64", "source": "string", "path": "string", "index": "Int64",
    "kind": "string", "title": "string", "authors": "string", "n_chars": "int64",
    "n_annotations": "int64", "model_versions": "string",
}
SPAN_COLUMNS = {
    "doc_id": "string", "task_id": "Int64", "source": "string", "source_line": "Int64",
    "annotation_id": "Int64", "annotator": "string", "label": "string", "start": "int64", "end": "int64",
    "text": "string", "speaker": "string", "origin": "string", "rule_id": "string",
    "model_version": "string", "created_at": "datetime64[ns, UTC]", "updated_at": "datetime64[ns, UTC]",
    "lead_time": "Float64", "offset_ok": "boolean",
}
RELATION_COLUMNS = {
    "doc_id": "string", "task_id": "Int64", "annotation_id": "Int64", "annotator": "string",
    "from_start": "Int64", "from_end": "Int64", "from_label": "string",
    "to_start": "Int64", "to_end": "Int64", "to_label": "string",
    "type": "string", "origin": "string", "model_version": "string",
}
TABLES = {"documents": DOCUMENT_COLUMNS, "spans": SPAN_COLUMNS, "relations": RELATION_COLUMNS}


# -- annotations (submitted/baseline: see regions) ---------------------------

def annotator_of(annotation: dict) -> str | None:
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        return who.get("email") or (str(who["id"]) if who.get("id") is not None else None)
    if who is not None:
        return str(who)
    return None


# -- tables -----------------------------------------------------------------

@dataclass
class Tables:
    documents: pd.DataFrame
    spans: pd.DataFrame
    relations: pd.DataFrame
    problems: list[str] = field(default_factory=list)

    def items(self):
        return (("documents", self.documents), ("spans", self.spans), ("relations", self.relations))


def frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    for col, dtype in columns.items():
        if dtype.startswith("datetime64"):
            df[col] = pd.to_datetime(df[col], utc=True, errors="coerce", format="ISO8601").astype(dtype)
        elif dtype == "boolean":
            df[col] = df[col].astype("boolean")
        else:
            df[col] = df[col].astype(dtype)
    return df


def _str(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def tables_from_snapshot(tasks: list[dict], scheme: Scheme | None = None) -> Tables:
    s = scheme or load_scheme()
    docs, spans, rels, problems = [], [], [], []
    for task in tasks:
        data = task.get("data") or {}
        text = data.get("text") if isinstance(data.get("text"), str) else ""
        doc_id = _str(data.get("doc_id"))
        task_id = task.get("id")
        source = _str(data.get("source"))
        line_of = line_lookup(data.get("line_map"))  # parsed once per task
        annotations = submitted(task)
        predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
        docs.append({
            "doc_id": doc_id, "task_id": task_id, "source": source,
            "path": _str(data.get("path")), "index": data.get("index"), "kind": _str(data.get("kind")),
            "title": _str(data.get("title")), "authors": _str(data.get("authors")), "n_chars": len(text),
            "n_annotations": len(annotations),
            "model_versions": ",".join(sorted({str(p.get("model_version")) for p in predictions
                                               if p.get("model_version")})) or None,
        })

        def span_row(r: Region, origin: str, rule_id, model_version, annotation=None, stamps=None):
            ok = region_ok(r, text)
            if not ok:
                who = f"annotation {annotation.get('id')}" if annotation else f"prediction ({model_version})"
                problems.append(f"doc {doc_id} task {task_id} {who}: {r.label} [{r.start}:{r.end}] "
                                f"{str(r.text)[:20]!r} does not match data.text"
                                + (f" ({text[r.start:r.end][:20]!r})" if 0 <= r.start < r.end <= len(text) else
                                   f" (outside 0..{len(text)})"))
            src = stamps or {}
            spans.append({
                "doc_id": doc_id, "task_id": task_id, "source": source,
                "source_line": line_of(r.start),
                "annotation_id": annotation.get("id") if annotation else None,
                "annotator": annotator_of(annotation) if annotation else None,
                "label": r.label, "start": r.start, "end": r.end,
                "text": r.text if r.text is not None else (text[r.start:r.end] if ok else None),
                "speaker": r.speaker, "origin": origin, "rule_id": rule_id, "model_version": model_version,
                "created_at": src.get("created_at"), "updated_at": src.get("updated_at"),
                "lead_time": annotation.get("lead_time") if annotation else None, "offset_ok": ok,
            })

        def rel_rows(regions: list[Region], relations, origin_of, model_version, annotation=None):
            by_id = {r.id: r for r in regions}
            for rel in relations:
                a, b = by_id.get(rel.from_id), by_id.get(rel.to_id)
                if a is None or b is None:
                    problems.append(f"doc {doc_id} task {task_id}: relation {rel.from_id}->{rel.to_id} "
                                    f"points to a missing region")
                rels.append({
                    "doc_id": doc_id, "task_id": task_id,
                    "annotation_id": annotation.get("id") if annotation else None,
                    "annotator": annotator_of(annotation) if annotation else None,
                    "from_start": a.start if a else None, "from_end": a.end if a else None,
                    "from_label": a.label if a else None,
                    "to_start": b.start if b else None, "to_end": b.end if b else None,
                    "to_label": b.label if b else None,
                    "type": rel.type, "origin": origin_of(rel), "model_version": model_version,
                })

        cache: dict = {}  # each prediction parsed once, here and in compare_task
        for p in predictions:
            regions, relations = parse_prediction(p, s, cache)
            mv = _str(p.get("model_version"))
            for r in regions:
                span_row(r, PREDICTED, r.rule_id, mv, stamps=p)
            rel_rows(regions, relations, lambda rel: PREDICTED, mv)

        for c in compare_task(task, s, cache):
            ann = c.annotation
            mv = _str(c.prediction.get("model_version")) if c.prediction is not None else None
            # regions that were not compared (see the module's docstring) have no counterpart
            origin_of = {id(r): (origin, pr) for r, origin, pr in c.rows}
            counterpart = {}
            for r in c.regions:
                origin, pr = origin_of.get(id(r), (ADDED, None))
                counterpart[r.id] = pr
                span_row(r, origin, pr.rule_id if pr is not None else None, mv, annotation=ann, stamps=ann)
            predicted_pairs = {(rel.from_id, rel.to_id, rel.type) for rel in c.predicted_relations}

            def rel_origin(rel, counterpart=counterpart, predicted_pairs=predicted_pairs):
                a, b = counterpart.get(rel.from_id), counterpart.get(rel.to_id)
                if a is not None and b is not None and (a.id, b.id, rel.type) in predicted_pairs:
                    return ACCEPTED
                return ADDED

            rel_rows(c.regions, c.relations, rel_origin, mv, annotation=ann)
    return Tables(frame(docs, DOCUMENT_COLUMNS), frame(spans, SPAN_COLUMNS), frame(rels, RELATION_COLUMNS),
                  problems)
