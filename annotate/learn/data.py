"""What the trained component sees and learns: units of a rules Doc, their features, their truth.

A *unit* is a sentence of a paragraph, or a heading/title line (its claim part): the
grain at which the rules place CLAIM, SUPPORT and DIRECTIVE. Each unit carries the
rules' decision for it (the rule span that overlaps it by at least half of the longer
of the two, as evaluate's lenient match) and is classified NONE/CLAIM/SUPPORT/DIRECTIVE.
A QUOTE span of the rules is a unit of its own, classified QUOTE/NONE (the model may
only drop a QUOTE false alarm: finding quotations is the rules' job).

Features are plain strings, the tokens of the Doc a spaCy textcat (bag of words)
reads: the rules' label and rule id, the layout (block kind, the blocks before and
after, the sentence's place in its paragraph and the paragraph's in the article),
the length, the final mark, bold and quotation cover, and the words as character
unigrams and bigrams (no segmenter: the same features whatever the tokenizer).

Truth comes from gold records (placed in the text as annotate.evaluate places them,
after the same normalisation) or from a corrected Label Studio annotation (its
regions' offsets); a unit's true label is the gold span it overlaps leniently.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc

from annotate.document import HEADING, PARAGRAPH, SUBHEADING, TITLE
from annotate.pipeline import SPANS_KEY, doc_layout, doc_text
from annotate.rules.layout import claim_span

NONE = "NONE"
UNIT_LABELS = (NONE, "CLAIM", "SUPPORT", "DIRECTIVE")
QUOTE = "QUOTE"
QUOTE_LABELS = (NONE, QUOTE)
FEATURES_VERSION = 2  # bump when the features change: a model trained on others is refused


@dataclass
class Unit:
    start: int
    end: int
    kind: str                  # "unit" (a sentence or heading line) or "quote" (a rules QUOTE span)
    rule_label: str            # the rules' label for it (NONE: no rule span)
    rule_span: object = None   # the spaCy Span of the rules, if any
    features: tuple[str, ...] = ()


def _overlap_ratio(a0: int, a1: int, b0: int, b1: int) -> float:
    ov = min(a1, b1) - max(a0, b0)
    longer = max(a1 - a0, b1 - b0)
    return ov / longer if ov > 0 and longer else 0.0


def lenient(a0: int, a1: int, b0: int, b1: int) -> float:
    """The overlap ratio when it is a lenient match (≥ half of the longer span), else 0."""
    r = _overlap_ratio(a0, a1, b0, b1)
    return r if r >= 0.5 else 0.0


def _bucket(n: int, edges: tuple[int, ...]) -> str:
    for e in edges:
        if n <= e:
            return str(e)
    return f">{edges[-1]}"


def _words(text: str) -> list[str]:
    chars = [c for c in text if not c.isspace()]
    out = [f"c{c}" for c in chars]
    out += [f"b{a}{b}" for a, b in zip(chars, chars[1:])]
    if chars:
        out += [f"^{''.join(chars[:2])}", f"^^{''.join(chars[:3])}", f"${chars[-1]}"]
    return out


def _cover(a: int, b: int, spans: list[tuple[int, int]]) -> str:
    inside = sum(max(0, min(b, e) - max(a, s)) for s, e in spans)
    if inside <= 0:
        return "none"
    return "all" if inside >= (b - a) * 0.9 else "part"


def units_of(doc: Doc, spans_key: str = SPANS_KEY) -> list[Unit]:
    """The units of a Doc the rules annotated, in text order, with their features."""
    text = doc_text(doc)
    layout = doc_layout(doc)
    spans = list(doc.spans.get(spans_key, []))
    quotes = sorted((s.start_char, s.end_char) for s in spans if s.label_ == QUOTE)
    others = sorted((s for s in spans if s.label_ != QUOTE), key=lambda s: s.start_char)
    starts = [s.start_char for s in others]
    import bisect

    units: list[Unit] = []
    blocks = layout.blocks
    n_par = 0
    seen_heading = False
    for i, (block, sentences) in enumerate(zip(blocks, layout.sentences)):
        prev = blocks[i - 1].kind if i else "start"
        nxt = blocks[i + 1].kind if i + 1 < len(blocks) else "end"
        if block.kind == PARAGRAPH:
            n_par += 1
        elif block.kind in (HEADING, SUBHEADING):
            seen_heading = True
        if block.kind not in (PARAGRAPH, HEADING, SUBHEADING, TITLE):
            continue
        sents = sentences if block.kind == PARAGRAPH else [claim_span(block)]
        bold = list(block.bold)
        for j, (s, e) in enumerate(sents):
            if e <= s:
                continue
            # the rule span with the best lenient overlap (spans start at most len(unit) before it)
            best, best_r = None, 0.0
            lo = bisect.bisect_left(starts, s - (e - s))
            hi = bisect.bisect_left(starts, e)
            for k in range(lo, hi):
                sp = others[k]
                r = lenient(s, e, sp.start_char, sp.end_char)
                if r > best_r:
                    best, best_r = sp, r
            rl = best.label_ if best is not None else NONE
            rid = (best.id_ or "none") if best is not None else "none"
            place = "first" if j == 0 else ("last" if j == len(sents) - 1 else "mid")
            feats = [
                f"L={rl}", f"R={rid}", f"K={block.kind}", f"P={prev}", f"N={nxt}",
                f"S={place}", f"S1={'single' if len(sents) == 1 else 'multi'}",
                f"J={min(j, 4)}", f"PAR={min(n_par, 4)}" if block.kind == PARAGRAPH else f"PAR=h",
                f"SEC={'yes' if seen_heading else 'no'}",
                f"LEN={_bucket(e - s, (8, 15, 25, 40, 60, 90, 140))}",
                f"END={text[e - 1] if not text[e - 1].isalnum() else 'word'}",
                f"BOLD={_cover(s, e, bold)}", f"Q={_cover(s, e, quotes)}",
            ]
            # (the rules' label with where the unit stands: a family may take a rule's decision in one
            # place and not another — a one-sentence paragraph's lead, say)
            feats += [f"L={rl}&K={block.kind}", f"L={rl}&S={place}", f"L={rl}&P={prev}",
                      f"L={rl}&S1={'single' if len(sents) == 1 else 'multi'}"]
            units.append(Unit(s, e, "unit", rl, best, tuple(feats + _words(text[s:e]))))
    for sp in spans:
        if sp.label_ != QUOTE:
            continue
        s, e = sp.start_char, sp.end_char
        feats = [f"L={QUOTE}", f"R={sp.id_ or 'none'}", f"LEN={_bucket(e - s, (8, 15, 25, 40, 60, 90, 140))}",
                 f"SPK={'yes' if getattr(sp._, 'speaker', None) else 'no'}",
                 f"OPEN={text[s - 1] if s else 'start'}", f"CLOSE={text[e] if e < len(text) else 'end'}",
                 f"BEFORE={text[max(0, s - 2):s]}", f"AFTER={text[e:e + 2]}"]
        units.append(Unit(s, e, "quote", QUOTE, sp, tuple(feats + _words(text[s:e]))))
    return units


def feature_doc(vocab, unit: Unit) -> Doc:
    """The Doc the textcat reads: one token per feature."""
    return Doc(vocab, words=list(unit.features))


# ------------------------------------------------------------------ truth


def truth_labels(units: list[Unit], truth: list[tuple[int, int, str]]) -> list[str]:
    """Each unit's true label: the truth span (start, end, label), in the units' coordinates,
    of a label the unit can take that overlaps it leniently (the best one), else NONE."""
    by_start = sorted(truth)
    starts = [t[0] for t in by_start]
    import bisect

    out = []
    for u in units:
        allowed = QUOTE_LABELS if u.kind == "quote" else UNIT_LABELS
        best, best_r = NONE, 0.0
        lo = bisect.bisect_left(starts, u.start - 4 * (u.end - u.start) - 1)
        hi = bisect.bisect_left(starts, u.end)
        for s, e, lab in by_start[lo:hi]:
            if lab not in allowed:
                continue
            r = lenient(u.start, u.end, s, e)
            if r > best_r:
                best, best_r = lab, r
        out.append(best)
    return out


def gold_truth(gold_doc: dict, docs_texts: list[str]) -> list[list[tuple[int, int, str]]]:
    """The gold spans of one source file, placed in each of its tasks' texts (raw offsets):
    the texts are normalised and joined as annotate.evaluate does, the gold spans placed
    there (annotate.evaluate.locate_gold) and mapped back to raw offsets."""
    from annotate.evaluate import SEP, locate_gold, normalise

    parts, bases, maps = [], [], []
    pos = 0
    for t in docs_texts:
        n, index = normalise(t)
        parts.append(n + SEP)
        bases.append(pos)
        maps.append(index)
        pos += len(n) + 1
    placed, _missing, _ = locate_gold(gold_doc, "".join(parts))
    out: list[list[tuple[int, int, str]]] = [[] for _ in docs_texts]
    import bisect

    for sp in placed:
        k = bisect.bisect_right(bases, sp.start) - 1
        index = maps[k]
        a, b = sp.start - bases[k], sp.end - bases[k]
        # raw offsets: the first raw index at normalised a, the last at normalised b
        s = bisect.bisect_left(index, a)
        e = bisect.bisect_left(index, b)
        if e > s:
            out[k].append((s, e, sp.label))
    return out


def annotation_truth(task: dict, labels_name: str | None = None) -> list[tuple[int, int, str]] | None:
    """The spans of a task's first annotation that was not skipped (None: not annotated)."""
    anns = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if not anns:
        return None
    from annotate.labelstudio.codec import label_spans

    return label_spans(anns[0].get("result"), (task.get("data") or {}).get("text") or "", labels_name)
