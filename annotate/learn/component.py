"""The `argument_learned` pipe: the trained model beside the rules.

It runs after the span rules (quotes, units, directives) and before the relation
rules, so relations are drawn over what it leaves. For every unit (annotate.learn.data)
it asks the model for a label; where the model disagrees with the rules *and* is at
least as confident as the threshold stored with the model for that transition (e.g.
NONE>SUPPORT, DIRECTIVE>NONE, QUOTE>NONE: learned on held-out folds at training time;
none where the model did not pay off), it changes the spans:

    add       a unit the rules left alone gets the model's label
    drop      a rules span is removed (a QUOTE false alarm too)
    relabel   a rules span gets another label

A changed or added span's id is `model:<name>` and `span._.model` says what the
model did, from which rule and how sure it was (the task's region meta and score);
the Doc's user_data names the model (its hash goes into model_version).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from annotate.learn.data import NONE, QUOTE, UNIT_LABELS, FEATURES_VERSION, feature_doc, units_of
from annotate.pipeline import MODEL_KEY, SPANS_KEY, char_span, span_group

QUOTE_CATS = ("Q_DROP", "Q_KEEP")  # the quotes textcat's labels (distinct from the units' in doc.cats)

if not Span.has_extension("model"):
    Span.set_extension("model", default=None)


class ModelError(Exception):
    """A model directory that cannot be used: one line saying why."""


def dir_hash(path: Path) -> str:
    """sha256 over the model directory's files (relative names and bytes), 8 hex digits."""
    h = hashlib.sha256()
    files = sorted(p for p in Path(path).rglob("*") if p.is_file())
    for f in files:
        h.update(f.relative_to(path).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()[:8]


class Learned:
    """A trained model: the textcat pipeline, its thresholds, its name and hash."""

    def __init__(self, nlp: Language, thresholds: dict, name: str, hash_: str = "unsaved", everything=False):
        self.nlp = nlp
        self.thresholds = dict(thresholds)  # "RULES>MODEL" label transition → least probability
        self.name = name
        self.hash = hash_
        self.everything = everything  # every disagreement is a change (held-out probing in training)
        self.rules_disabled: tuple[str, ...] = ()  # the rules switched off when it was trained
        self.adapted = False  # adapted to one family (annotate.learn.adapt): it reads marked units

    @property
    def version(self) -> str:
        return f"{self.name}-{self.hash}"

    @classmethod
    def load(cls, path: str | Path) -> "Learned":
        import spacy

        path = Path(path)
        meta_file = path / "meta.json"
        if not meta_file.is_file():
            raise ModelError(f"{path}: not a model directory (no meta.json); make one with `annotate train`")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            info = meta["annotate"]
        except (OSError, ValueError, KeyError) as e:
            raise ModelError(f"{path}: meta.json has no 'annotate' section ({e}); not made by `annotate train`") from None
        if info.get("features_version") != FEATURES_VERSION:
            raise ModelError(f"{path}: trained on features v{info.get('features_version')}, this version reads "
                             f"v{FEATURES_VERSION}; train it again")
        try:
            nlp = spacy.load(path)
        except Exception as e:  # noqa: BLE001 — any loading failure is one line
            raise ModelError(f"{path}: cannot be loaded: {' '.join(str(e).split())[:200]}") from None
        learned = cls(nlp, info.get("thresholds") or {}, str(meta.get("name") or path.name), dir_hash(path))
        learned.rules_disabled = tuple(sorted(info.get("rules_disabled") or ()))
        learned.adapted = bool((info.get("adapt") or {}).get("marked"))
        return learned

    # -------------------------------------------------------------- predicting

    def predict(self, units) -> list[dict[str, float]]:
        """The model's label probabilities per unit (QUOTE units: NONE/QUOTE)."""
        if self.adapted:
            from annotate.learn.adapt import mark

            units = mark(units)
        docs = [feature_doc(self.nlp.vocab, u) for u in units]
        uc, qc = self.nlp.get_pipe("units"), self.nlp.get_pipe("quotes")
        out = []
        for u, d in zip(units, docs):
            if u.kind == "quote":
                d = qc(d)
                out.append({NONE: d.cats["Q_DROP"], QUOTE: d.cats["Q_KEEP"]})
            else:
                d = uc(d)
                out.append({lab: d.cats[lab] for lab in UNIT_LABELS})
        return out

    def decisions(self, units, probs=None) -> list[tuple[str, str, float] | None]:
        """Per unit: None (the rules stand) or (action: add/drop/relabel, new label, probability)."""
        probs = self.predict(units) if probs is None else probs
        out = []
        for u, p in zip(units, probs):
            label = max(p, key=lambda k: (p[k], k))
            out.append(None)
            if label == u.rule_label:
                continue
            if u.rule_label == NONE:
                action = "add"
            elif label == NONE:
                action = "drop"
            else:
                action = "relabel"
            t = 0.0 if self.everything else self.thresholds.get(f"{u.rule_label}>{label}")
            if t is not None and p[label] >= t:
                out[-1] = (action, label, round(p[label], 4))
        return out

    def __call__(self, doc: Doc, spans_key: str = SPANS_KEY) -> Doc:
        doc.user_data[MODEL_KEY] = self.version
        units = units_of(doc, spans_key)
        if not units:
            return doc
        changes = [(u, d) for u, d in zip(units, self.decisions(units)) if d is not None]
        if not changes:
            return doc
        gone = {(u.rule_span.start_char, u.rule_span.end_char, u.rule_span.label_) for u, d in changes
                if u.rule_span is not None}
        group = span_group(doc, spans_key)
        kept = [s for s in group if (s.start_char, s.end_char, s.label_) not in gone]
        tag = f"model:{self.name}"
        for u, (action, label, p) in changes:
            if action == "drop":
                continue
            src = u.rule_span
            s, e = (src.start_char, src.end_char) if src is not None else (u.start, u.end)
            span = char_span(doc, s, e, label, tag)
            if span is None:
                continue
            was = f" {src.label_} ({src.id_})" if src is not None else ""
            span._.model = {"model": self.name, "action": action, "score": p,
                            "note": f"{tag}: {action}{was} → {label}, p={p:.2f}"}
            kept.append(span)
        doc.spans[spans_key] = sorted(kept, key=lambda s: (s.start_char, -s.end_char, s.label_))
        return doc


class ArgumentLearned:
    """The pipe: a Learned model loaded from a directory."""

    def __init__(self, model: str, spans_key: str = SPANS_KEY):
        self.spans_key = spans_key
        self.learned = Learned.load(model)

    def __call__(self, doc: Doc) -> Doc:
        return self.learned(doc, self.spans_key)


@Language.factory("argument_learned", default_config={"model": "", "spans_key": SPANS_KEY},
                  assigns=["doc.spans", "span._.model"], requires=["doc.spans"])
def make_learned(nlp: Language, name: str, model: str, spans_key: str) -> ArgumentLearned:
    from annotate.pipeline import pipeline_disabled

    pipe = ArgumentLearned(model, spans_key)
    # its features are the rules' decisions: beside other rules it would read other features
    if pipe.learned.rules_disabled != pipeline_disabled(nlp):
        off = ", ".join(pipe.learned.rules_disabled) or "none"
        raise ModelError(f"{model}: trained beside the rules with {off} switched off; run it with the same "
                         f"--disable-rule options")
    return pipe


def add_learned(nlp: Language, model: str | Path) -> Language:
    """Put the model's pipe after the span rules, before the relation rules."""
    before = "argument_relations" if "argument_relations" in nlp.pipe_names else None
    nlp.add_pipe("argument_learned", config={"model": str(model)}, before=before)
    return nlp


def pipeline_model(nlp: Language) -> str | None:
    """"<name>-<hash>" of the trained model in `nlp`, or None."""
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, ArgumentLearned):
            return pipe.learned.version
    return None


def doc_model(doc: Doc) -> str | None:
    return doc.user_data.get(MODEL_KEY)
