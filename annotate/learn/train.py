"""`annotate train`: a textcat over the rules' units, trained with spaCy, conservative by construction.

    samples = collect(paths, gold, nlp)                  # rules Docs with their truth
    result = train(samples, seed=0, name="mymodel")      # folds → thresholds, then the final model
    save(result, Path("models/mymodel"))                 # a spaCy pipeline directory + meta.json

The model is two spaCy `textcat` pipes (TextCatBOW: a linear bag-of-features model) made
from CONFIG with spaCy's registry and trained with the pipes' `update` (what `nlp.update` calls; Adam from the config):
`units` (NONE/CLAIM/SUPPORT/DIRECTIVE for sentences and heading lines) and `quotes`
(Q_KEEP/Q_DROP for the rules' QUOTE spans). Why a linear model over hand-made features:
a few dozen articles give a thousand or two units, of which the rules get all but a
few per cent right; a bag of features (the rules' decision and rule id, the layout, the
words as character n-grams) learns from that much in seconds on a CPU and is
deterministic, where a CNN/transformer would overfit and take minutes.

Conservative: before the final model, K models are trained on K-1 folds of the articles
and predict the held-out fold; for each kind of change
(a transition: CLAIM>SUPPORT, NONE>DIRECTIVE, QUOTE>NONE, …) the threshold is the
probability above which the model's changes on held-out articles fixed the most units net,
at least MIN_GAIN, breaking a right decision of the rules at most once in ten changes. A
transition that never paid off gets no threshold: the model never makes it.
"""
from __future__ import annotations

import json
import os
import random
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from annotate.learn.component import QUOTE_CATS, Learned, dir_hash
from annotate.learn.data import (FEATURES_VERSION, NONE, QUOTE, UNIT_LABELS, annotation_truth, feature_doc,
                                 gold_truth, truth_labels, units_of)

MIN_FILES = 2        # articles with truth needed to train (folds need held-out articles)
MIN_UNITS = 50       # labelled units needed
MIN_GAIN = 2         # held-out units a kind of change must fix net before it is allowed
BREAK_RATE = 0.1     # … and at most this share of its changes may break a right decision of the rules
MIN_THRESHOLD = 0.5
FOLDS = 5
EPOCHS = 12
BATCH = 32

CONFIG = """
[system]
seed = 0
gpu_allocator = null

[nlp]
lang = "xx"
pipeline = ["units","quotes"]
batch_size = 256

[components]

[components.units]
factory = "textcat"
threshold = 0.0
scorer = {"@scorers":"spacy.textcat_scorer.v2"}

[components.units.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = true
ngram_size = 1
no_output_layer = false
length = 16384

[components.quotes]
factory = "textcat"
threshold = 0.0
scorer = {"@scorers":"spacy.textcat_scorer.v2"}

[components.quotes.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = true
ngram_size = 1
no_output_layer = false
length = 16384

[corpora]

[training]
seed = ${system.seed}
dropout = 0.1

[training.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.0001
grad_clip = 1.0
use_averages = false
eps = 0.00000001
learn_rate = 0.01

[initialize]
"""


class TrainError(Exception):
    """Training refused: one line saying why (too little data, nothing to learn from)."""


@dataclass
class Sample:
    """One article: the rules Doc and the true spans (raw offsets into its text)."""
    file: str
    doc: object
    truth: list[tuple[int, int, str]]
    document: object = None  # the reader's Document (for tasks), if known


@dataclass
class Result:
    learned: Learned
    meta: dict = field(default_factory=dict)


# ------------------------------------------------------------------ data


def collect(paths, gold: dict[str, dict], nlp, use: str = "predictions", on_error=None,
            labels_name: str | None = None) -> list[Sample]:
    """Samples from articles/folders (truth: the gold record of the same file name) and from
    tasks files or Label Studio snapshots (truth: the gold record, or with use="annotations"
    the first annotation not skipped). Files without truth are skipped silently (counted by
    the caller); unreadable ones are reported through on_error(line)."""
    from annotate.evaluate import EvaluateError, load_tasks
    from annotate.pipeline import annotate_document
    from annotate.prelabel import one_line, source_files
    from annotate.sources import display_path, read_file
    from annotate.tasks import document_from_data

    report = on_error or (lambda line: None)
    samples: list[Sample] = []
    task_files, sources = [], []
    for p in paths:
        p = Path(p)
        (task_files if p.is_file() and p.suffix.lower() in (".json", ".jsonl") else sources).append(p)
    by_source: dict[str, list] = {}
    for path in source_files(sources, lambda where, reason: report(f"{where}: {reason}")) if sources else []:
        try:
            docs = read_file(path)
        except Exception as e:  # noqa: BLE001 — one bad file must not stop the rest
            report(f"{display_path(path)}: {one_line(e)}")
            continue
        for d in docs:
            by_source.setdefault(os.path.basename(str(d.source)), []).append(d)
    for tf in task_files:
        try:
            tasks = load_tasks(tf, report)
        except EvaluateError as e:
            report(str(e))
            continue
        for t in tasks:
            try:
                d = document_from_data(t["data"])
            except ValueError as e:
                report(f"{tf}: task {t.get('id', '?')}: {e}")
                continue
            name = os.path.basename(str(d.source))
            if use == "annotations":
                truth = annotation_truth(t, labels_name)
                if truth is not None:
                    samples.append(Sample(name, annotate_document(nlp, d), truth, d))
            else:
                by_source.setdefault(name, []).append(d)
    for name, docs in by_source.items():
        g = gold.get(name)
        if g is None:
            continue
        truths = gold_truth(g, [d.text for d in docs])
        for d, truth in zip(docs, truths):
            samples.append(Sample(name, annotate_document(nlp, d), truth, d))
    return samples


def _examples(samples: list[Sample]):
    """(units, their true labels) per sample."""
    out = []
    for s in samples:
        units = units_of(s.doc)
        out.append((units, truth_labels(units, s.truth)))
    return out


# ------------------------------------------------------------------ training


def _new_nlp(seed: int):
    from spacy.util import fix_random_seed, load_config_from_str, load_model_from_config

    config = load_config_from_str(CONFIG, overrides={"system.seed": seed})
    fix_random_seed(seed)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    for lab in UNIT_LABELS:
        nlp.get_pipe("units").add_label(lab)
    for lab in QUOTE_CATS:
        nlp.get_pipe("quotes").add_label(lab)
    return nlp


def _cats(unit, label: str) -> dict[str, float]:
    if unit.kind == "quote":
        return {"Q_DROP": float(label == NONE), "Q_KEEP": float(label != NONE)}
    return {lab: float(lab == label) for lab in UNIT_LABELS}


def fit(examples, seed: int):
    """A textcat pipeline trained on (units, labels) lists: spaCy's initialize + update, seeded."""
    from spacy.training import Example
    from spacy.util import fix_random_seed, minibatch

    nlp = _new_nlp(seed)
    per_pipe: dict[str, list] = {"units": [], "quotes": []}
    for units, labels in examples:
        for u, lab in zip(units, labels):
            d = feature_doc(nlp.vocab, u)
            per_pipe["quotes" if u.kind == "quote" else "units"].append(Example.from_dict(d, {"cats": _cats(u, lab)}))
    # initialise each pipe on its own examples (labels were added above, so an empty set is fine)
    fix_random_seed(seed)
    optimizer = nlp.initialize()
    for name in ("units", "quotes"):
        if per_pipe[name]:
            nlp.get_pipe(name).initialize(lambda ex=per_pipe[name]: ex, nlp=nlp)
    drop = nlp.config["training"]["dropout"]
    rng = random.Random(seed)
    for epoch in range(EPOCHS):
        for name in ("units", "quotes"):
            data = list(per_pipe[name])
            if not data:
                continue
            rng.shuffle(data)
            pipe = nlp.get_pipe(name)
            # the pipe's own update (what nlp.update calls, without its copy of every example per batch)
            for batch in minibatch(data, size=BATCH):
                pipe.update(batch, drop=drop, sgd=optimizer)
    return nlp


def _folds(samples: list[Sample], k: int) -> list[list[int]]:
    """Sample indices in k folds, by file (the articles of one file stay together), in order."""
    files = sorted({s.file for s in samples})
    k = max(2, min(k, len(files)))
    fold_of = {f: i % k for i, f in enumerate(files)}
    return [[i for i, s in enumerate(samples) if fold_of[s.file] == j] for j in range(k)]


def _thresholds(records) -> tuple[dict, dict]:
    """records: (transition, probability, fixed, broken) of every held-out disagreement, where a
    transition is "RULES>MODEL" (labels; NONE: no span) and fixed/broken say whether the model's
    label is the truth / the rules' was. Per transition, the threshold with the most units fixed
    net, provided they are at least MIN_GAIN and at most one change in BREAK_RATE broke a right
    decision (ties: the higher threshold); a transition that never qualifies gets none."""
    out, report = {}, {}
    for tr in sorted({r[0] for r in records}):
        rows = sorted(((p, f, b) for t, p, f, b in records if t == tr), reverse=True)
        best_t, best, fixed, broken = None, (0, 0), 0, 0
        for i, (p, f, b) in enumerate(rows):
            fixed += f
            broken += b
            last_of_tie = i + 1 == len(rows) or rows[i + 1][0] < p
            if (last_of_tie and p >= MIN_THRESHOLD and fixed - broken >= MIN_GAIN
                    and broken <= BREAK_RATE * fixed and fixed - broken > best[0] - best[1]):
                best_t, best = p, (fixed, broken)
        if best_t is not None:
            out[tr] = round(best_t, 4)
        report[tr] = {"disagreements": len(rows), "fixed": best[0], "broken": best[1], "threshold": best_t}
    return out, report


def _held_out_scores(held_units, thresholds) -> dict:
    """Unit-level F1 per label on the held-out folds, rules alone vs rules + the fold models with the
    final thresholds (an estimate: the thresholds were chosen on these same folds)."""
    from annotate.scoring import prf

    def f1(pairs, label):
        tp = sum(1 for p, t in pairs if p == label == t)
        return round(prf(tp, sum(1 for _, t in pairs if t == label), sum(1 for p, _ in pairs if p == label))[2], 3)

    rules, model = [], []
    for rule_label, truth, d in held_units:
        rules.append((rule_label, truth))
        new = d[1] if d is not None and (t := thresholds.get(f"{rule_label}>{d[1]}")) is not None and d[2] >= t \
            else rule_label
        model.append((new, truth))
    labels = ("CLAIM", "SUPPORT", "DIRECTIVE", QUOTE)
    return {"unit_f1": {"rules": {lab: f1(rules, lab) for lab in labels},
                        "rules+model": {lab: f1(model, lab) for lab in labels}}}


def train(samples: list[Sample], seed: int = 0, name: str = "learned", folds: int = FOLDS,
          progress=None) -> Result:
    """Held-out folds → thresholds; then the final model on every sample."""
    say = progress or (lambda msg: None)
    files = sorted({s.file for s in samples})
    if len(files) < MIN_FILES:
        raise TrainError(f"training set too small: {len(files)} article file(s) with gold or corrections "
                         f"(need at least {MIN_FILES}); the old model, if any, is kept")
    examples = _examples(samples)
    n_units = sum(len(u) for u, _ in examples)
    if n_units < MIN_UNITS:
        raise TrainError(f"training set too small: {n_units} units (sentences, headings, quotations; need at "
                         f"least {MIN_UNITS}); the old model, if any, is kept")
    records, held_units = [], []
    fold_list = _folds(samples, folds)
    for j, held in enumerate(fold_list):
        say(f"fold {j + 1}/{len(fold_list)}")
        held_set = set(held)
        nlp = fit([examples[i] for i in range(len(samples)) if i not in held_set], seed)
        probe = Learned(nlp, {}, name, everything=True)
        for i in held:
            units, labels = examples[i]
            for u, lab, d in zip(units, labels, probe.decisions(units)):
                if d is not None:
                    _, new, p = d
                    records.append((f"{u.rule_label}>{new}", p, int(new == lab), int(u.rule_label == lab)))
                held_units.append((u.rule_label, lab, d))
    thresholds, report = _thresholds(records)
    say("final model")
    nlp = fit(examples, seed)
    labels = [lab for _, ls in examples for lab in ls]
    meta = {
        "features_version": FEATURES_VERSION,
        "seed": seed,
        "thresholds": thresholds,
        "data": {"files": files, "articles": len(samples), "units": n_units,
                 "labels": {lab: labels.count(lab) for lab in (*UNIT_LABELS, QUOTE)}},
        "held_out": {"folds": len(fold_list), "changes": report, **_held_out_scores(held_units, thresholds)},
    }
    return Result(Learned(nlp, thresholds, name), meta)


# ------------------------------------------------------------------ saving


def save(result: Result, out: Path, extra_meta: dict | None = None) -> str:
    """Write the model directory atomically (a sibling temporary directory renamed into place;
    an existing model there is replaced only once the new one is complete). Returns its hash."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    nlp = result.learned.nlp
    nlp.meta["name"] = result.learned.name
    nlp.meta["version"] = "0.0.0"
    nlp.meta["description"] = "annotate: a textcat beside the argument rules (annotate train)"
    nlp.meta["annotate"] = {**result.meta, **(extra_meta or {})}
    nlp.meta.pop("performance", None)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        nlp.to_disk(tmp)
        # spaCy writes meta.json with its own key order; rewrite it sorted so equal models are equal bytes
        meta = json.loads((tmp / "meta.json").read_text(encoding="utf-8"))
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")
        old = None
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.rename(out, old / "model")
        os.rename(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    h = dir_hash(out)
    result.learned.hash = h
    return h
