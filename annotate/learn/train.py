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

Conservative, and checked on families it did not see: before the final model, one model per
inner fold is trained on the other folds and predicts the held-out one, where a fold is a family
of files (`p01_…`, `p02_…` are family p; fewer than three families: one file per fold). For each
kind of change (a transition: CLAIM>SUPPORT, NONE>DIRECTIVE, QUOTE>NONE, …) the threshold is the
held-out probability above which the changes fix the most units net among those where the
transition passes the gate: in no inner fold does it break more than half of what it fixes, it
fixes at least MIN_GAIN net, breaks at most one in ten, and pays off in at least two inner folds.
Then a label guard: while some label's unit F1 in some inner fold is more than LABEL_TOLERANCE below
the rules', the transition into or out of it that did worst there is switched off. A transition
that never passes gets no threshold: the model never makes it, the rules' decision stands.
"""
from __future__ import annotations

import json
import os
import random
import re
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
FOLD_MARGIN = 2      # in every inner fold where it breaks any, it must fix at least twice as many
MIN_FOLDS = 2        # … and it must pay off (fix more than it breaks) in at least this many inner folds
LABEL_TOLERANCE = 0.01  # no label's unit F1 in an inner fold may fall more than this below the rules'
MIN_THRESHOLD = 0.5
MAX_FOLDS = 10       # inner folds (one family each while there are no more families than this)
MIN_FAMILIES = 3     # fewer families in the training set: the inner folds are by file
FAMILY = r"^([A-Za-z]+)\d"  # a file's family: the letters before the first digit of its name
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
    from annotate.jsonrecords import is_task_file
    from annotate.sources import display_path, read_file
    from annotate.tasks import document_from_data

    report = on_error or (lambda line: None)
    samples: list[Sample] = []
    task_files, sources = [], []
    for p in paths:
        p = Path(p)
        (task_files if is_task_file(p) else sources).append(p)
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


def family_of(file: str, pattern: str = FAMILY) -> str:
    """The family (source, batch) of an article file: the first group of `pattern` on its name
    (default: the letters before the first digit, as in corpus/dev2 `p01_…`, dev3 `e03_…`);
    a file the pattern does not match is a family of its own."""
    m = re.search(pattern, file)
    return (m.group(1) if m.re.groups else m.group(0)) if m else f"={file}"


def _folds(samples: list[Sample], k: int = MAX_FOLDS, family: str = FAMILY) -> list[list[int]]:
    """Sample indices in inner folds: one family per fold (a transition must pay off on families it
    was not trained on), families dealt round-robin when there are more than k; with fewer than
    MIN_FAMILIES families (a team's own corrections, one family) the files are the groups."""
    files = sorted({s.file for s in samples})
    fam = {f: family_of(f, family) for f in files}
    groups = sorted(set(fam.values()))
    if len(groups) < MIN_FAMILIES:
        fam, groups = {f: f for f in files}, files
    k = max(2, min(k, len(groups)))
    fold_of = {g: i % k for i, g in enumerate(groups)}
    return [[i for i, s in enumerate(samples) if fold_of[fam[s.file]] == j] for j in range(k)]


def _gate(fixed: list[int], broken: list[int]) -> str | None:
    """Why a transition with these per-fold counts must stay off (None: it may be made)."""
    hurt = [k for k, (f, b) in enumerate(zip(fixed, broken)) if b and f < FOLD_MARGIN * b]
    if hurt:
        k = hurt[0]
        return f"inner fold {k + 1}: fixes {fixed[k]}, breaks {broken[k]} (need {FOLD_MARGIN}× as many fixed)"
    F, B = sum(fixed), sum(broken)
    if F - B < MIN_GAIN:
        return f"fixes {F - B} net (need {MIN_GAIN})"
    if B > BREAK_RATE * F:
        return f"breaks {B} of {F + B}"
    paying = sum(1 for f, b in zip(fixed, broken) if f > b)
    if paying < min(MIN_FOLDS, len(fixed)):
        return f"pays off in {paying} inner fold(s) (need {MIN_FOLDS})"
    return None


def _thresholds(records, n_folds: int = 1) -> tuple[dict, dict]:
    """records: (transition, probability, fixed, broken, fold) of every held-out disagreement, where a
    transition is "RULES>MODEL" (labels; NONE: no span) and fixed/broken say whether the model's
    label is the truth / the rules' was. Per transition, the threshold (one of the held-out
    probabilities, at least MIN_THRESHOLD) with the most units fixed net among those that pass the
    gate (_gate: no inner fold where it breaks more than 1/FOLD_MARGIN of what it fixes, at least
    MIN_GAIN net, at most BREAK_RATE broken, paying off in MIN_FOLDS folds); ties: the higher
    threshold. A transition that never passes gets none: the model never makes it."""
    out, report = {}, {}
    for tr in sorted({r[0] for r in records}):
        rows = sorted(((p, f, b, k) for t, p, f, b, k in records if t == tr), reverse=True)
        best_t, best, why, tempting = None, None, "never above the least threshold", None
        fixed, broken = [0] * n_folds, [0] * n_folds
        # one pass from the most confident down: the counts at each cut are the running sums
        for i, (t, f, b, k) in enumerate(rows):
            fixed[k] += f
            broken[k] += b
            if t < MIN_THRESHOLD or (i + 1 < len(rows) and rows[i + 1][0] == t):
                continue  # below the least threshold, or not the last of equal probabilities
            net = sum(fixed) - sum(broken)
            reason = _gate(fixed, broken)
            if reason is None:
                if best is None or net > sum(best[0]) - sum(best[1]):
                    best_t, best = t, (list(fixed), list(broken))
            elif tempting is None or net > tempting:
                # why it is off: at the cut that would have fixed the most net
                tempting, why = net, f"p ≥ {t:.2f} ({net:+d} net): {reason}"
        entry = {"disagreements": len(rows), "threshold": best_t}
        if best is not None:
            out[tr] = round(best_t, 4)
            entry.update(fixed=sum(best[0]), broken=sum(best[1]),
                         per_fold=[f - b for f, b in zip(*best)])
        else:
            entry["off"] = why
        report[tr] = entry
    return out, report


def _apply(rule_label: str, d, thresholds: dict) -> str:
    """The label after the model: its own where a transition's threshold allows it, else the rules'."""
    if d is not None and (t := thresholds.get(f"{rule_label}>{d[1]}")) is not None and d[2] >= t:
        return d[1]
    return rule_label


def _f1(pairs, label) -> float:
    from annotate.scoring import prf

    tp = sum(1 for p, t in pairs if p == label == t)
    return prf(tp, sum(1 for _, t in pairs if t == label), sum(1 for p, _ in pairs if p == label))[2]


SCORED = ("CLAIM", "SUPPORT", "DIRECTIVE", QUOTE)


def _label_guard(held_units, thresholds: dict, report: dict, n_folds: int) -> dict:
    """Switch transitions off until no label's unit F1 in any inner fold is more than LABEL_TOLERANCE
    below the rules': while one is, the transition into or out of that label that did worst in that
    fold (net units; ties: the name) goes."""
    thresholds = dict(thresholds)
    while thresholds:
        worst = None
        for k in range(n_folds):
            units = [(r, t, d) for r, t, d, kk in held_units if kk == k]
            rules = [(r, t) for r, t, _ in units]
            model = [(_apply(r, d, thresholds), t) for r, t, d in units]
            for lab in SCORED:
                drop = _f1(rules, lab) - _f1(model, lab)
                if drop > LABEL_TOLERANCE and (worst is None or drop > worst[0]):
                    worst = (drop, k, lab, units)
        if worst is None:
            break
        drop, k, lab, units = worst
        net: dict[str, int] = {}
        for r, t, d in units:
            new = _apply(r, d, thresholds)
            if new != r and lab in (r, new):
                tr = f"{r}>{new}"
                net[tr] = net.get(tr, 0) + (new == t) - (r == t)
        tr = min(net, key=lambda x: (net[x], x))
        del thresholds[tr]
        report[tr]["threshold"] = None
        report[tr]["off"] = f"{lab} unit F1 {drop:.3f} lower in inner fold {k + 1}"
    return thresholds


def _held_out_scores(held_units, thresholds) -> dict:
    """Unit-level F1 per label on the held-out folds, rules alone vs rules + the fold models with the
    final thresholds (an estimate: the thresholds were chosen on these same folds)."""
    rules = [(r, t) for r, t, _, _ in held_units]
    model = [(_apply(r, d, thresholds), t) for r, t, d, _ in held_units]
    return {"unit_f1": {"rules": {lab: round(_f1(rules, lab), 3) for lab in SCORED},
                        "rules+model": {lab: round(_f1(model, lab), 3) for lab in SCORED}}}


def _adapt_plan(samples: list[Sample], examples, adapt, folds: int):
    """Adaptation (annotate.learn.adapt): the training items (file, (units, labels), of the family),
    the family's examples marked; the inner folds (item indices): the family's files, one per fold;
    what meta.json says of it."""
    from annotate.learn.adapt import MIN_FILES as NEED, WEIGHT, mark

    target = sorted({s.file for s in samples if s.file in adapt})
    if len(target) < NEED:
        raise TrainError(f"--adapt: {len(target)} article file(s) of the family with gold or corrections (need at "
                         f"least {NEED}: the changes are checked on one while trained on the others); the old "
                         f"model, if any, is kept")
    rest = [i for i, s in enumerate(samples) if s.file not in adapt]
    marked = bool(rest)  # the family alone: nothing to tell it from, no copy needed
    items = [(samples[i].file, examples[i], False) for i in rest]
    items += [(s.file, ((mark(ex[0]) if marked else ex[0]), ex[1]), True)
              for s, ex in zip(samples, examples) if s.file in adapt]
    k = max(2, min(folds, len(target)))
    fold_of = {f: j % k for j, f in enumerate(target)}
    fold_list = [[i for i, (f, _, fam) in enumerate(items) if fam and fold_of[f] == j] for j in range(k)]
    info = {"files": target, "weight": WEIGHT if marked else 1, "marked": marked}
    return items, fold_list, info


def train(samples: list[Sample], seed: int = 0, name: str = "learned", folds: int = MAX_FOLDS,
          progress=None, family: str = FAMILY, adapt=None) -> Result:
    """Inner folds by family → thresholds (the gate, then the label guard); then the final model
    on every sample. `adapt` (file names: the family to adapt to; annotate.learn.adapt): the inner
    folds are that family's files, its examples marked and weighted up."""
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
    if adapt is None:
        items = [(s.file, ex, False) for s, ex in zip(samples, examples)]
        fold_list, weight, info = _folds(samples, folds, family), 1, None
    else:
        items, fold_list, info = _adapt_plan(samples, examples, set(adapt), folds)
        weight = info["weight"]

    def training_set(skip=frozenset()):
        return [ex for i, (_, ex, fam) in enumerate(items) if i not in skip for _ in range(weight if fam else 1)]

    records, held_units = [], []
    for j, held in enumerate(fold_list):
        say(f"inner fold {j + 1}/{len(fold_list)}")
        nlp = fit(training_set(set(held)), seed)
        probe = Learned(nlp, {}, name, everything=True)  # units already marked where adapting
        for i in held:
            units, labels = items[i][1]
            for u, lab, d in zip(units, labels, probe.decisions(units)):
                if d is not None:
                    _, new, p = d
                    records.append((f"{u.rule_label}>{new}", p, int(new == lab), int(u.rule_label == lab), j))
                held_units.append((u.rule_label, lab, d, j))
    thresholds, report = _thresholds(records, len(fold_list))
    thresholds = _label_guard(held_units, thresholds, report, len(fold_list))
    say("final model")
    nlp = fit(training_set(), seed)
    labels = [lab for _, ls in examples for lab in ls]
    fold_files = [sorted({items[i][0] for i in held}) for held in fold_list]
    meta = {
        "features_version": FEATURES_VERSION,
        "seed": seed,
        "thresholds": thresholds,
        "data": {"files": files, "articles": len(samples), "units": n_units,
                 "labels": {lab: labels.count(lab) for lab in (*UNIT_LABELS, QUOTE)}},
        "held_out": {"folds": len(fold_list), "fold_files": fold_files, "changes": report,
                     **_held_out_scores(held_units, thresholds)},
    }
    learned = Learned(nlp, thresholds, name)
    if info is not None:
        meta["adapt"] = info
        learned.adapted = info["marked"]
    return Result(learned, meta)


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
