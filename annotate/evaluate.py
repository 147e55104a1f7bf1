"""Score Label Studio tasks against a gold file: P/R/F1 per label, relations,
precision per rule, a label confusion table, per file and per group.

    gold = load_gold(["gold/dev2.gold.jsonl"])
    docs = pred_docs(load_tasks("exports/prelabels.json"))
    ev = evaluate(gold, docs)  # labels: the scheme's (guidelines/scheme.toml)
    ev.result()            # the figures, keys as the project's score tool prints them
    ev.result(["p01.md"])  # … for some files only

Gold files are JSON Lines, one object per source file: {"file", "spans":
[{"label", "text", "speaker"}], "relations": [{"type", "from", "to"}], "mask"}
(gold/README.md). Predictions are Label Studio tasks (data.text, data.source);
the spans of a task are the "labels" results of its first prediction, or with
use="annotations" of its first annotation that was not skipped.

How the figures are made (the definitions of the project's score tool; a test
checks that both give the same numbers):
- Both texts are normalised (NFKC per character; whitespace and '*' removed),
  so the reader and the gold may clean a source differently. Tasks of one
  source file are joined (a NUL between them). Gold spans are found in that
  text in order (searching on from the previous hit, else from the start); one
  that is not found is a miss. Text under a gold `mask` is hidden first.
- Matching is one to one per label, greedy, best candidates first: strict =
  same normalised start and end; lenient = the overlap covers at least half of
  the longer span.
- A relation is found when its type is the same and both ends are the gold
  ends' lenient matches.
- P = tp/pred, R = tp/gold (1.0 when both are empty), macro F1 = mean over the
  scheme's labels; figures rounded to 3 places.

Added here: precision per rule id (a predicted span is correct when it is in a
lenient match with a gold span of its label), the confusion table (after the
per-label matching, the spans left over are paired across labels by the same
lenient overlap; the rest pair with "none"), the QUOTE speaker agreement on
lenient matches, the list of misses and false alarms, per file and per group.

Every step is linear in the input but for the matching, which looks only at
predicted spans that can overlap a gold span enough (a window of the gold
span's length on either side).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import replace
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from annotate.jsonrecords import JSONRecordsError, parse_json_records
from annotate.scoring import NO_RULE, match, prf

NONE = "none"          # the confusion table's row/column for spans with no partner
SEP = "\x00"           # between the tasks of one source file (never in normalised text)


class EvaluateError(Exception):
    """Unusable input: one line naming the file and the reason."""


# ------------------------------------------------------------------ normalising


@lru_cache(maxsize=65536)
def norm_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch)
    return "".join(c for c in out if not c.isspace() and c != "*")


def normalise(text: str) -> tuple[str, list[int]]:
    """The normalised text and, for each raw index (and the end), its normalised index."""
    pieces, index = [], []
    pos = 0
    for ch in text:
        index.append(pos)
        n = norm_char(ch)
        pieces.append(n)
        pos += len(n)
    index.append(pos)
    return "".join(pieces), index


def norm(text: str) -> str:
    return "".join(norm_char(ch) for ch in text)


# ------------------------------------------------------------------ input


def load_json_or_lines(path: str | os.PathLike) -> list:
    """A JSON array, or JSON Lines (blank lines skipped)."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            raw = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise EvaluateError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    try:
        data = parse_json_records(raw)
    except JSONRecordsError as e:
        where = f"{path}:{e.line}" if e.line else f"{path}"
        raise EvaluateError(f"{where}: not valid JSON: {e}") from None
    if not isinstance(data, list):
        raise EvaluateError(f"{path}: not a JSON array")
    return data


def _numbered_records(path: str | os.PathLike) -> list[tuple[str, object]]:
    """(where, record): "line N" of a JSON Lines file, "record N" of a JSON array."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            raw = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise EvaluateError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if raw.lstrip().startswith("["):
        return [(f"record {n}", obj) for n, obj in enumerate(load_json_or_lines(path), 1)]
    out = []
    for no, line in enumerate(raw.splitlines(), 1):
        if line.strip():
            try:
                out.append((f"line {no}", json.loads(line)))
            except json.JSONDecodeError as e:
                raise EvaluateError(f"{path}:line {no}: not valid JSON: {e}") from None
    return out


def _ref_problem(ref: object, spans: list) -> str | None:
    if isinstance(ref, bool) or not isinstance(ref, (int, str)):
        return f"{ref!r} is neither a span index nor a span's text"
    if isinstance(ref, int) and not 0 <= ref < len(spans):
        return f"span index {ref} is out of range (the record has {len(spans)} spans)"
    if isinstance(ref, str) and not any(s.get("text") == ref for s in spans):
        return f"{ref[:30]!r} is not the text of any span"
    return None


def gold_problem(obj: object, labels: tuple[str, ...], relation_types: tuple[str, ...]) -> str | None:
    """Why a gold record cannot be scored as it is, or None (gold/README.md has the format)."""
    if not isinstance(obj, dict) or not isinstance(obj.get("file"), str) or not obj["file"].strip() \
            or not isinstance(obj.get("spans"), list):
        return "each gold line needs 'file' (a name) and 'spans' (a list)"
    spans = obj["spans"]
    for i, sp in enumerate(spans):
        if not isinstance(sp, dict):
            return f"span {i} is not an object"
        if not isinstance(sp.get("text"), str):
            return f"span {i} needs 'text' (a string)"
        if sp.get("label") not in labels:
            return f"span {i}: label {sp.get('label')!r} is not one of the scheme's ({', '.join(labels)})"
        if sp.get("speaker") is not None and not isinstance(sp["speaker"], str):
            return f"span {i}: 'speaker' must be a string or null"
    relations = obj.get("relations")
    if relations is not None and not isinstance(relations, list):
        return "'relations' must be a list"
    for j, r in enumerate(relations or []):
        if not isinstance(r, dict):
            return f"relation {j} is not an object"
        if r.get("type", relation_types[0] if relation_types else None) not in relation_types:
            return f"relation {j}: type {r.get('type')!r} is not one of the scheme's ({', '.join(relation_types)})"
        for end in ("from", "to"):
            problem = _ref_problem(r.get(end), spans)
            if problem:
                return f"relation {j}: '{end}': {problem}"
    mask = obj.get("mask")
    if mask is not None and (not isinstance(mask, list) or not all(isinstance(m, str) for m in mask)):
        return "'mask' must be a list of strings" + (", not a string" if isinstance(mask, str) else "")
    return None


def load_gold(paths: Iterable[str | os.PathLike], on_error=None, labels: tuple[str, ...] | None = None,
              relation_types: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Base file name → gold record, from one or more gold files (a file named twice is an error).

    Every record is checked (gold_problem: labels and relation types of the scheme, relation
    ends in range, `mask` a list of strings); a bad record, or a gold file with no record, goes
    to on_error("PATH:line N: reason") and is left out. Without on_error the first raises
    EvaluateError."""
    if labels is None or relation_types is None:
        from annotate.scheme import load_scheme

        scheme = load_scheme()
        labels = scheme.label_names if labels is None else tuple(labels)
        relation_types = tuple(r.name for r in scheme.relations) if relation_types is None else relation_types

    def bad(line: str) -> None:
        if on_error is None:
            raise EvaluateError(line)
        on_error(line)

    gold: dict[str, dict] = {}
    where: dict[str, str] = {}
    for path in paths:
        records = _numbered_records(path)
        if not records:
            bad(f"{path}: no gold records (an empty file scores nothing)")
        for at, obj in records:
            problem = gold_problem(obj, labels, relation_types)
            if problem:
                bad(f"{path}:{at}: {problem}")
                continue
            key = os.path.basename(str(obj["file"]))
            if key in where and where[key] != f"{path}:{at}":
                bad(f"{path}:{at}: {key} has gold in {where[key]} already")
                continue
            where[key] = f"{path}:{at}"
            gold[key] = obj
    return gold


def task_problem(task: object) -> str | None:
    """Why a task cannot be scored, or None."""
    if not isinstance(task, dict):
        return "not a task object"
    data = task.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data.get("source"):
        return "needs data.text and data.source"
    return None


def load_tasks(path: str | os.PathLike, on_error=None) -> list[dict]:
    """The tasks of a tasks file (as `annotate prelabel` writes) or a Label Studio export snapshot.
    A task that cannot be scored is reported through on_error("PATH: task N: reason") and left out."""
    out = []
    for n, t in enumerate(load_json_or_lines(path), 1):
        problem = task_problem(t)
        if problem is None:
            out.append(t)
            continue
        ident = f" (id {t['id']})" if isinstance(t, dict) and "id" in t else ""
        line = f"{path}: task {n}{ident}: {problem}; skipped"
        if on_error is None:
            raise EvaluateError(line)
        on_error(line)
    return out


@dataclass
class Span:
    label: str | None
    start: int           # into the normalised text of the file
    end: int
    text: str
    rule: str | None = None
    speaker: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class PredDoc:
    """Everything predicted for one source file (all its tasks)."""
    parts: list[str] = field(default_factory=list)  # normalised task texts, each followed by SEP
    length: int = 0
    spans: list[Span] = field(default_factory=list)
    relations: list[tuple[Span, Span, str]] = field(default_factory=list)
    offset_errors: int = 0
    tasks: int = 0

    @property
    def text(self) -> str:
        if len(self.parts) > 1:  # joined once, not task by task
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    def add_text(self, normalised: str) -> int:
        """Append a task's normalised text; return its offset."""
        base = self.length
        self.parts.append(normalised + SEP)
        self.length += len(normalised) + 1
        return base


def _result(task: dict, use: str) -> list:
    items = task.get(use) or []
    if use == "annotations":  # a skipped annotation holds no judgement
        items = [a for a in items if not (isinstance(a, dict) and a.get("was_cancelled"))]
    if items and isinstance(items[0], dict):
        return items[0].get("result") or []
    return []


def pred_docs(tasks: Iterable[dict], use: str = "predictions", speaker_name: str = "speaker",
              on_error=None, on_warning=None) -> dict[str, PredDoc]:
    """Source base name → PredDoc. A task that cannot be scored is reported through
    on_error(reason) and skipped (raises EvaluateError when there is no on_error).

    A task whose source and text came before (a file given twice, a tasks file and its
    article, a task repeated in a file, two copies of a task in a Label Studio project) is
    counted once, in the place of the first, and one line on_warning(reason) says which
    sources had such repeats. The copy counted is the first that has a result to score
    (so an annotated copy wins over a bare one), else the first. Results are read with
    the Label Studio codec (annotate.labelstudio.codec) on the scheme's controls."""
    from annotate.labelstudio.codec import Controls, decode_result
    from annotate.scheme import load_scheme

    scheme = load_scheme()
    controls = replace(Controls.of_scheme(scheme), speaker_name=speaker_name)
    tasks = list(tasks)

    def key_of(t: dict) -> tuple[str, bytes]:
        name = os.path.basename(str(t["data"]["source"]))
        return name, hashlib.blake2b(t["data"]["text"].encode("utf-8", "surrogatepass"), digest_size=16).digest()

    chosen: dict[tuple[str, bytes], dict] = {}
    for t in tasks:
        if task_problem(t) is None:
            k = key_of(t)
            if k not in chosen or (not _result(chosen[k], use) and _result(t, use)):
                chosen[k] = t
    docs: dict[str, PredDoc] = {}
    seen: set[tuple[str, bytes]] = set()
    repeated: Counter = Counter()
    for n, t in enumerate(tasks, 1):
        problem = task_problem(t)
        if problem is not None:
            if on_error is None:
                raise EvaluateError(f"task {n}: {problem}")
            on_error(f"task {n}: {problem}; skipped")
            continue
        key = key_of(t)
        name = key[0]
        if key in seen:
            repeated[name] += 1
            continue
        seen.add(key)
        t = chosen[key]
        data = t["data"]
        text = data["text"]
        doc = docs.setdefault(name, PredDoc())
        doc.tasks += 1
        ntext, index = normalise(text)
        base = doc.add_text(ntext)
        decoded = decode_result(_result(t, use), scheme, controls)
        doc.offset_errors += decoded.unreadable
        by_id = {}
        for r in decoded.regions:
            s, e = r.start, r.end
            if not 0 <= s < e <= len(text):
                doc.offset_errors += 1
                continue
            if r.text is not None and r.text != text[s:e]:
                doc.offset_errors += 1
            span = Span(r.label, base + index[s], base + index[e], text[s:e], r.rule_id, r.speaker)
            if span.end > span.start:
                doc.spans.append(span)
                by_id[r.id] = span
        for rel in decoded.relations:  # drawn right to left: turned round by the codec
            if rel.from_id in by_id and rel.to_id in by_id:
                doc.relations.append((by_id[rel.from_id], by_id[rel.to_id], rel.type))
    if repeated and on_warning is not None:
        total = sum(repeated.values())
        names = [f"{name} ({k})" for name, k in repeated.items()]
        on_warning(f"{total} repeated task{'s' if total > 1 else ''} left out — the same source and text "
                   f"came before, one copy is scored: "
                   + ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else ""))
    return docs


# ------------------------------------------------------------------ matching


def locate_gold(gold_doc: dict, text: str) -> tuple[list[Span], list[dict], dict[int, Span]]:
    """Gold spans placed in the normalised predicted text: (placed, not found, gold index → placed)."""
    spans, missing, located = [], [], {}
    for m in gold_doc.get("mask") or []:
        n = norm(m) if isinstance(m, str) else ""
        at = text.find(n) if n else -1
        if at >= 0:  # hidden, so that no gold span is placed inside it
            text = text[:at] + "\0" * len(n) + text[at + len(n):]
    cursor = 0
    for i, g in enumerate(gold_doc["spans"]):
        n = norm(g["text"])
        if not n:
            continue
        at = text.find(n, cursor)
        if at < 0:
            at = text.find(n)
        if at < 0:
            missing.append(g)
            continue
        cursor = at + 1
        span = Span(g["label"], at, at + len(n), g["text"], speaker=g.get("speaker"))
        spans.append(span)
        located[i] = span
    return spans, missing, located


# ------------------------------------------------------------------ one file


@dataclass
class FileCounts:
    """The counts of one file; figures of any set of files are made from their sums."""
    labels: dict[str, Counter] = field(default_factory=dict)   # label → gold, pred, strict, lenient
    relations: Counter = field(default_factory=Counter)        # gold, pred, tp
    rules: Counter = field(default_factory=Counter)            # (rule, label, "pred"|"correct") → n
    confusion: Counter = field(default_factory=Counter)        # (gold label, pred label) → n
    speakers: Counter = field(default_factory=Counter)         # matched, same
    missing: int = 0
    offset_errors: int = 0
    absent: bool = False
    errors: list[dict] = field(default_factory=list)

    def add(self, other: "FileCounts") -> None:
        for lab, c in other.labels.items():
            self.labels.setdefault(lab, Counter()).update(c)
        self.relations.update(other.relations)
        self.rules.update(other.rules)
        self.confusion.update(other.confusion)
        self.speakers.update(other.speakers)
        self.missing += other.missing
        self.offset_errors += other.offset_errors


def _same_speaker(a: str | None, b: str | None) -> bool:
    return (a or "").strip() == (b or "").strip()


def score_file(name: str, gold_doc: dict, doc: PredDoc | None, labels: tuple[str, ...],
               speaker_label: str = "QUOTE") -> FileCounts:
    fc = FileCounts(labels={lab: Counter(gold=0, pred=0, strict=0, lenient=0) for lab in labels})
    if doc is None:
        fc.absent = True
        doc = PredDoc()
    gspans, missing, located = locate_gold(gold_doc, doc.text)
    fc.missing = len(missing)
    fc.offset_errors = doc.offset_errors
    partner: dict[int, Span] = {}          # id(pred span) → its lenient gold partner
    gold_left, pred_left = [], []          # not matched within their label
    for lab in labels:
        g = [s for s in gspans if s.label == lab]
        gm = [s for s in missing if s["label"] == lab]
        p = [s for s in doc.spans if s.label == lab]
        c = fc.labels[lab]
        c["gold"] += len(g) + len(gm)
        c["pred"] += len(p)
        c["strict"] += len(match(g, p, True))
        pairs = match(g, p, False)
        c["lenient"] += len(pairs)
        hit_g, hit_p = {gi for gi, _ in pairs}, {pi for _, pi in pairs}
        for gi, pi in pairs:
            partner[id(p[pi])] = g[gi]
            fc.confusion[(lab, lab)] += 1
            if lab == speaker_label:
                fc.speakers["matched"] += 1
                fc.speakers["same"] += _same_speaker(g[gi].speaker, p[pi].speaker)
        for pi, s in enumerate(p):
            rule = s.rule or NO_RULE
            fc.rules[(rule, lab, "pred")] += 1
            fc.rules[(rule, lab, "correct")] += pi in hit_p
        gold_left += [s for gi, s in enumerate(g) if gi not in hit_g]
        pred_left += [s for pi, s in enumerate(p) if pi not in hit_p]
        for s in gm:
            fc.confusion[(lab, NONE)] += 1
            fc.errors.append({"file": name, "kind": "not in text", "gold_label": lab, "pred_label": "",
                              "text": s["text"], "rule_id": ""})
    # the leftovers, paired across labels by the same lenient overlap
    cross = {gi: pi for gi, pi in match(gold_left, pred_left, False)}
    back = {pi: gi for gi, pi in cross.items()}
    for gi, s in enumerate(gold_left):
        other = pred_left[cross[gi]] if gi in cross else None
        fc.confusion[(s.label, other.label if other else NONE)] += 1
        fc.errors.append({"file": name, "kind": "miss", "gold_label": s.label,
                          "pred_label": other.label if other else "", "text": s.text,
                          "rule_id": (other.rule or "") if other else ""})
    for pi, s in enumerate(pred_left):
        if pi not in back:
            fc.confusion[(NONE, s.label)] += 1
        fc.errors.append({"file": name, "kind": "false alarm",
                          "gold_label": gold_left[back[pi]].label if pi in back else "",
                          "pred_label": s.label, "text": s.text, "rule_id": s.rule or ""})
    _score_relations(gold_doc, gspans, located, doc, partner, fc)
    return fc


def _score_relations(gold_doc, gspans, located, doc, partner, fc) -> None:
    by_text: dict[str, Span] = {}
    for s in gspans:
        by_text.setdefault(s.text, s)

    def end(ref):
        return located.get(ref) if isinstance(ref, int) else by_text.get(ref)

    grels = [(end(r.get("from")), end(r.get("to")), r.get("type", "supports"))
             for r in gold_doc.get("relations") or []]
    fc.relations["gold"] += len(grels)
    fc.relations["pred"] += len(doc.relations)
    # predicted relations whose two ends matched gold spans, by (gold from, gold to, type), in order
    waiting: dict[tuple[int, int, str], list[int]] = defaultdict(list)
    for i, (pa, pb, pt) in enumerate(doc.relations):
        ga, gb = partner.get(id(pa)), partner.get(id(pb))
        if ga is not None and gb is not None:
            waiting[(id(ga), id(gb), pt)].append(i)
    taken: Counter = Counter()
    for ga, gb, gt in grels:
        if ga is None or gb is None:
            continue
        key = (id(ga), id(gb), gt)
        if taken[key] < len(waiting.get(key, ())):
            taken[key] += 1
            fc.relations["tp"] += 1


# ------------------------------------------------------------------ figures


def _prf_dict(tp: int, n_gold: int, n_pred: int) -> dict:
    p, r, f = prf(tp, n_gold, n_pred)
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(f, 3)}


@dataclass
class Evaluation:
    labels: tuple[str, ...]
    files: list[str]                       # gold files scored, in order
    counts: dict[str, FileCounts]          # per file
    sources_without_gold: list[str] = field(default_factory=list)  # tasks of these were not scored

    def total(self, files: Iterable[str] | None = None) -> FileCounts:
        out = FileCounts(labels={lab: Counter(gold=0, pred=0, strict=0, lenient=0) for lab in self.labels})
        for f in self.files if files is None else files:
            out.add(self.counts[f])
        return out

    def result(self, files: Iterable[str] | None = None) -> dict:
        """The figures of `files` (default: all). The first keys, their values and their rounding are
        those of the score tool's --json; `speakers`, `rules` and `confusion` are added."""
        files = list(self.files if files is None else files)
        c = self.total(files)
        out: dict = {"labels": {}, "files": len(files),
                     "files_without_prediction": [f for f in files if self.counts[f].absent],
                     "gold_spans_not_in_text": c.missing, "offset_errors": c.offset_errors}
        macro_s = macro_l = 0.0
        for lab in self.labels:
            k = c.labels[lab]
            strict, lenient = _prf_dict(k["strict"], k["gold"], k["pred"]), _prf_dict(k["lenient"], k["gold"], k["pred"])
            macro_s += prf(k["strict"], k["gold"], k["pred"])[2] / len(self.labels)
            macro_l += prf(k["lenient"], k["gold"], k["pred"])[2] / len(self.labels)
            out["labels"][lab] = {"gold": k["gold"], "pred": k["pred"], "strict": strict, "lenient": lenient}
        out["macro_f1"] = {"strict": round(macro_s, 3), "lenient": round(macro_l, 3)}
        r = c.relations
        out["relations"] = {"gold": r["gold"], "pred": r["pred"], **_prf_dict(r["tp"], r["gold"], r["pred"])}
        out["speakers"] = {"quotes_matched": c.speakers["matched"], "same_speaker": c.speakers["same"],
                           "accuracy": round(c.speakers["same"] / c.speakers["matched"], 3)
                           if c.speakers["matched"] else None}
        rules = sorted({(rule, lab) for rule, lab, _ in c.rules}, key=lambda x: (self._label_rank(x[1]), x[0]))
        out["rules"] = [{"rule_id": rule, "label": lab, "pred": c.rules[(rule, lab, "pred")],
                         "correct": c.rules[(rule, lab, "correct")],
                         "precision": round(c.rules[(rule, lab, "correct")] / c.rules[(rule, lab, "pred")], 3)}
                        for rule, lab in rules if c.rules[(rule, lab, "pred")]]
        axis = list(self.labels) + [NONE]
        out["confusion"] = {g: {p: c.confusion[(g, p)] for p in axis} for g in axis}
        return out

    def _label_rank(self, label: str) -> int:
        return self.labels.index(label) if label in self.labels else len(self.labels)

    def groups(self, patterns: Iterable[str]) -> dict[str, list[str]]:
        """Files grouped by regular expressions on the file name, in the order given.

        A pattern is REGEX or NAME=REGEX. A file the REGEX matches (re.search) joins the
        group NAME expanded with the match (\\1 is the first group: 'dev2 \\1NN=^([pqrs])\\d')
        or, without NAME, named by the first group (else the whole match). A file no
        pattern matches is in no group; a file may be in several."""
        out: dict[str, list[str]] = {}
        for pattern in [patterns] if isinstance(patterns, str) else patterns:
            name, rx = split_group_pattern(pattern)
            for f in self.files:
                m = rx.search(f)
                if m is None:
                    continue
                if name is not None:
                    key = m.expand(name)
                else:
                    key = m.group(1) if rx.groups and m.group(1) is not None else m.group(0)
                out.setdefault(key, []).append(f)
        return out

    def errors(self) -> list[dict]:
        return [e for f in self.files for e in self.counts[f].errors]


# NAME=REGEX: a NAME has no '=' and none of the characters that start or repeat a regex piece
_NAMED = re.compile(r"^([^=(\[\]^$*+?{}|][^=\[\]^$*+?{}|]*)=(.*)$", re.S)


def split_group_pattern(pattern: str) -> tuple[str | None, re.Pattern]:
    """NAME=REGEX or REGEX → (NAME or None, compiled REGEX); raises re.error."""
    m = _NAMED.match(pattern)
    name, regex = (m.group(1), m.group(2)) if m else (None, pattern)
    return name, re.compile(regex)


def select_files(gold: dict[str, dict], patterns: Iterable[str] | None) -> list[str]:
    """Gold files to score: all, or those matching any of the names or shell patterns
    (each may be a comma-separated list). A name or pattern that matches nothing is an error."""
    from fnmatch import fnmatchcase

    names = sorted(gold)
    wanted = [p.strip() for arg in patterns or [] for p in arg.split(",") if p.strip()]
    if not wanted:
        return names
    out = []
    for p in wanted:
        hits = [n for n in names if fnmatchcase(n, p) or n == os.path.basename(p)]
        if not hits:
            raise EvaluateError(f"--files {p}: no gold for it")
        out += [n for n in hits if n not in out]
    return sorted(out)


def evaluate(gold: dict[str, dict], docs: dict[str, PredDoc], labels: tuple[str, ...] | None = None,
             files: list[str] | None = None) -> Evaluation:
    """Score `files` (default: every gold file) on the scheme's labels (or `labels`)."""
    from annotate.scheme import load_scheme

    scheme = load_scheme()
    labels = scheme.label_names if labels is None else tuple(labels)
    files = sorted(gold) if files is None else files
    counts = {f: score_file(f, gold[f], docs.get(f), labels, scheme.speaker_label) for f in files}
    return Evaluation(labels, files, counts, sorted(set(docs) - set(gold)))
