"""The spaCy side: a Doc built from a reader's Document, and thin argument Pipes.

Factories (registered here and as `spacy_factories` entry points, so
`nlp.add_pipe("argument_quotes")` works in any spaCy pipeline):

    argument_quotes      QUOTE spans with span._.speaker
    argument_units       CLAIM and SUPPORT (titles, headings, leads, …)
    argument_directives  DIRECTIVE sentences
    argument_relations   doc._.argument_relations (supports, by span offsets)

All write to `doc.spans["arguments"]` (configurable `spans_key`); every span's
`id_` is the id of the rule that produced it (also `span._.rule`).

The Doc's tokens are pkuseg words, computed per run of text between
punctuation marks, and only for runs where a rule reads words (a modal-marker
character is present); elsewhere a cheap split stands in. Output is identical
to segmenting every run (`full_segmentation=True`), because the rules read
words nowhere else and a marker's context never crosses a punctuation mark.
"""
from __future__ import annotations

import bisect
import dataclasses
import gc
import re
import warnings

from spacy.language import Language
from spacy.tokens import Doc, Span

from annotate.document import Block, Document
from annotate.punctuation import HAN
from annotate.rules import check_disabled
from annotate.rules.directives import find_directives
from annotate.rules.layout import Layout, layout_from_document, layout_from_text
from annotate.rules.lexicon import needs_words
from annotate.rules.quotes import Quote, find_quotes
from annotate.rules.relations import find_relations
from annotate.rules.text import strip_span
from annotate.rules.units import Unit, find_units, resolve_precedence
from annotate.segment import fast_cut
from annotate.shadow import rules_shadow

SPANS_KEY = "arguments"
BLOCKS_KEY = "blocks"
BOLD_KEY = "bold"
KIND_KEY = "annotate.kind"
TEXT_KEY = "annotate.text"  # doc.text joins every token on each call: computed once per Doc
LAYOUT_KEY = "annotate.layout"  # the outline with its sentences, computed once per Doc
# The text the rules read: the shadow (annotate.shadow: simplified script, “” for 「」 and paired "…"), of the
# same length as the Doc's text, stored only where it differs from it.
SHADOW_KEY = "annotate.shadow"

if not Span.has_extension("speaker"):
    Span.set_extension("speaker", default=None)
if not Span.has_extension("rule"):
    Span.set_extension("rule", getter=lambda span: span.id_ or None)
if not Doc.has_extension("argument_relations"):
    Doc.set_extension("argument_relations", default=None)

# A run of text between punctuation marks (the unit pkuseg segments).
_RUN = re.compile(r"[^\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\u2010-\u206f!-/:-@\[-`{-~]+")
_COARSE = re.compile(rf"[{HAN}]+|[A-Za-z0-9]+|\S")


# ---- building the Doc -------------------------------------------------------

def _segment(nlp: Language):
    seg = getattr(nlp.tokenizer, "pkuseg_seg", None)
    if seg is None:
        raise ValueError("the pipeline's tokenizer is not spaCy's Chinese tokenizer with the pkuseg segmenter")
    return fast_cut(seg)  # pkuseg's words, computed faster (annotate.segment)


def check_segmenter(nlp: Language) -> None:
    """ValueError unless the tokenizer is spaCy's pkuseg one; the fast segmenter's one-off
    check of its model happens here (annotate.nlp.load_nlp calls it with the load)."""
    _segment(nlp)


def _coarse(text: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _COARSE.finditer(text, start, end)]


def _word_spans(text: str, start: int, end: int, words: list[str]) -> list[tuple[int, int]]:
    """(start, end) of the given words of text[start:end], a word that is not all letters or
    digits split coarsely (so that punctuation stands alone)."""
    spans, pos = [], start
    for w in words:
        at = text.find(w, pos, end)
        if at < 0:  # a segmenter that normalised the text: fall back to the coarse split
            return _coarse(text, start, end)
        if w.isalnum():
            spans.append((at, at + len(w)))
        else:
            spans += _coarse(text, at, at + len(w))
        pos = at + len(w)
    return spans


def _cut_at(spans: list[tuple[int, int]], bounds: list[int], out: list[tuple[int, int]]) -> None:
    """Append the spans to `out`, each cut at the `bounds` (sorted) that fall inside it,
    so that rule boundaries fall between tokens."""
    n = len(bounds)
    for s, e in spans:
        i = bisect.bisect_right(bounds, s)
        while i < n and bounds[i] < e:
            out.append((s, bounds[i]))
            s = bounds[i]
            i += 1
        out.append((s, e))


def build_doc(nlp: Language, document: Document, full_segmentation: bool = False) -> Doc:
    """A Doc over document.text whose tokens line up with every span a rule can make."""
    cut = _segment(nlp)
    # The rules and the segmenter read the shadow (same offsets); the tokens are the text's.
    text = rules_shadow(document.text)
    layout = layout_from_document(document if text == document.text else dataclasses.replace(document, text=text))
    cuts: set[int] = set()
    for block in document.blocks:
        cuts.update((block.start, block.end))
    for block, sentences in zip(layout.blocks, layout.sentences):
        cuts.update((block.start, block.end))
        for s, e in block.bold:
            cuts.update(strip_span(text, s, e))
        for s, e in sentences:
            cuts.update((s, e))
    bounds = sorted(cuts)
    # Words only where a rule reads them: runs between punctuation marks that hold a
    # marker character. The run is the unit of segmentation in both modes, so the
    # words a rule sees do not depend on which other runs were segmented.
    tokens: list[tuple[int, int]] = []  # (start, end) of every token, in order
    pos = 0
    for b in layout.paragraphs():
        for m in _RUN.finditer(text, b.start, b.end):
            s, e = m.span()
            if not (full_segmentation or needs_words(m.group())):
                continue
            if s > pos:
                _cut_at(_coarse(text, pos, s), bounds, tokens)
            _cut_at(_word_spans(text, s, e, cut(m.group())), bounds, tokens)
            pos = e
    _cut_at(_coarse(text, pos, len(text)), bounds, tokens)
    words, spaces = _words_and_spaces(tokens, document.text)
    doc = Doc(nlp.vocab, words=words, spaces=spaces)
    doc.spans[BLOCKS_KEY] = [char_span(doc, b.start, b.end, b.kind) for b in layout.blocks]
    bold = [strip_span(text, s, e) for b in layout.blocks for s, e in b.bold]
    doc.spans[BOLD_KEY] = [char_span(doc, s, e, "BOLD") for s, e in bold if e > s]
    doc.user_data[KIND_KEY] = document.kind
    doc.user_data[TEXT_KEY] = document.text
    if text != document.text:
        doc.user_data[SHADOW_KEY] = text
    doc.user_data[LAYOUT_KEY] = layout.to_data()
    return doc


def _words_and_spaces(tokens: list[tuple[int, int]], text: str) -> tuple[list[str], list[bool]]:
    """Doc(words=, spaces=) for tokens at these offsets (in order, not overlapping): a single
    space after a token is its trailing space, any other text between tokens (whitespace)
    a token of its own — as spacy.util.get_words_and_spaces makes them, in linear time."""
    words: list[str] = []
    spaces: list[bool] = []
    pos, n = 0, len(text)
    for s, e in tokens:
        if s > pos:
            words.append(text[pos:s])
            spaces.append(False)
        words.append(text[s:e])
        if e < n and text[e] == " ":
            spaces.append(True)
            pos = e + 1
        else:
            spaces.append(False)
            pos = e
    if pos < n:
        words.append(text[pos:])
        spaces.append(False)
    return words, spaces


def char_span(doc: Doc, start: int, end: int, label: str, rule: str | None = None) -> Span | None:
    """The span at exactly these offsets. Docs from build_doc always align; with another
    tokenizer, a boundary inside a token widens the span to whole tokens (with a warning)."""
    span = doc.char_span(start, end, label=label, span_id=rule or 0)
    if span is None:
        span = doc.char_span(start, end, label=label, span_id=rule or 0, alignment_mode="expand")
        if span is not None:
            warnings.warn(f"{rule or label} span {start}..{end} widened to {span.start_char}..{span.end_char}: "
                          "its boundary falls inside a token", stacklevel=2)
    return span


# ---- reading the outline back from a Doc ---------------------------------------

def doc_text(doc: Doc) -> str:
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


def rule_text(doc: Doc) -> str:
    """The text the rules read: the shadow of the Doc's text (annotate.shadow), same offsets."""
    text = doc.user_data.get(SHADOW_KEY)
    if text is None:
        text = doc_text(doc)
        if LAYOUT_KEY not in doc.user_data:   # a Doc that build_doc did not make
            text = rules_shadow(text)
            if text != doc_text(doc):
                doc.user_data[SHADOW_KEY] = text
    return text


def doc_layout(doc: Doc) -> Layout:
    """The outline over the rules' text (rule_text): as build_doc stored it, else from the
    blocks span group, else guessed."""
    text = rule_text(doc)
    data = doc.user_data.get(LAYOUT_KEY)
    if data is not None:
        return Layout.from_data(text, data)
    kind = doc.user_data.get(KIND_KEY, "article")
    if BLOCKS_KEY in doc.spans:
        bold = sorted((s.start_char, s.end_char) for s in doc.spans.get(BOLD_KEY, []))
        starts = [s for s, _ in bold]
        blocks = []
        for span in doc.spans[BLOCKS_KEY]:
            lo = bisect.bisect_left(starts, span.start_char)
            hi = bisect.bisect_left(starts, span.end_char)
            blocks.append(Block(span.label_, span.start_char, span.end_char, 0, bold[lo:hi]))
        layout = Layout(text, blocks, kind)
    else:
        layout = layout_from_text(text)
        layout.kind = kind
    doc.user_data[LAYOUT_KEY] = layout.to_data()
    return layout


def span_group(doc: Doc, key: str):
    """The span group under key, created empty when missing (the rules and the trained component write into it)."""
    if key not in doc.spans:
        doc.spans[key] = []
    return doc.spans[key]


def _quotes(doc: Doc, key: str) -> list[Quote]:
    return [Quote(s.start_char, s.end_char, s._.speaker, s.id_) for s in doc.spans.get(key, []) if s.label_ == "QUOTE"]


def _units(doc: Doc, key: str) -> list[Unit]:
    return [Unit(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans.get(key, []) if s.label_ != "QUOTE"]


def _add_units(doc: Doc, key: str, units: list[Unit]) -> None:
    group = span_group(doc, key)
    for u in units:
        span = char_span(doc, u.start, u.end, u.label, u.rule)
        if span is not None:
            group.append(span)


# ---- the Pipes ------------------------------------------------------------------

class _ArgumentPipe:
    """Writes to doc.spans[spans_key]; reads what the pipes before it wrote there.
    `disabled`: rule ids switched off (see `annotate rules`)."""

    def __init__(self, spans_key: str = SPANS_KEY, disabled=()):
        self.spans_key = spans_key
        self.disabled = check_disabled(disabled)

    def _record(self, doc: Doc) -> None:
        """Note on the Doc which rules were off, so a task built from it says so (model_version)."""
        if self.disabled:
            doc.user_data[DISABLED_KEY] = sorted(set(doc.user_data.get(DISABLED_KEY, ())) | self.disabled)


DISABLED_KEY = "argument_disabled_rules"
MODEL_KEY = "argument_model"  # "<name>-<hash>" of the trained model that processed the Doc (annotate.learn)


def disabled_rules(doc: Doc) -> tuple[str, ...]:
    """The rule ids switched off in any argument pipe that processed `doc`."""
    return tuple(doc.user_data.get(DISABLED_KEY, ()))


def pipeline_disabled(nlp: Language) -> tuple[str, ...]:
    """The rule ids switched off in the argument pipes of `nlp` (their `disabled` config)."""
    off: set[str] = set()
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, _ArgumentPipe):
            off |= pipe.disabled
    return tuple(sorted(off))


class ArgumentQuotes(_ArgumentPipe):
    """QUOTE spans, paragraph by paragraph, with span._.speaker."""

    def __call__(self, doc: Doc) -> Doc:
        self._record(doc)
        layout = doc_layout(doc)
        group = span_group(doc, self.spans_key)
        text = doc_text(doc)
        for block in layout.paragraphs():
            for q in find_quotes(layout.text, block.start, block.end, self.disabled):
                span = char_span(doc, q.start, q.end, "QUOTE", q.rule)
                if span is not None:
                    span._.speaker = _as_written(text, layout.text, q.speaker, q.start)
                    group.append(span)
        return doc


SPEAKER_WINDOW = 2000   # characters before a quotation in which its speaker's name is looked for


def _as_written(text: str, shadow_text: str, speaker: str | None, at: int) -> str | None:
    """A speaker the rules read in the shadow, as the text writes it (習近平, not 习近平): the
    nearest place before the quotation where the shadow has the name (else the name as read)."""
    if not speaker or text is shadow_text:
        return speaker
    i = shadow_text.rfind(speaker, max(0, at - SPEAKER_WINDOW), at)
    return text[i:i + len(speaker)] if i >= 0 else speaker


class ArgumentUnits(_ArgumentPipe):
    """CLAIM and SUPPORT from the outline (needs QUOTE spans first)."""

    def __call__(self, doc: Doc) -> Doc:
        self._record(doc)
        units = find_units(doc_layout(doc), _quotes(doc, self.spans_key), self.disabled)
        _add_units(doc, self.spans_key, units)
        return doc


class ArgumentDirectives(_ArgumentPipe):
    """DIRECTIVE sentences; reads words (the Doc's tokens) where a marker may stand."""

    def __call__(self, doc: Doc) -> Doc:
        self._record(doc)
        text = rule_text(doc)

        def words_of(start: int, end: int) -> list[str]:
            span = doc.char_span(start, end, alignment_mode="expand")
            return [text[t.idx:t.idx + len(t.text)] for t in span] if span is not None else []

        taken = _units(doc, self.spans_key)
        found = find_directives(doc_layout(doc), taken, _quotes(doc, self.spans_key), words_of, self.disabled)
        _add_units(doc, self.spans_key, resolve_precedence(found))
        return doc


class ArgumentRelations(_ArgumentPipe):
    """doc._.argument_relations: dicts with source and target as [start_char, end_char, label]
    (plain lists, so the Doc still serialises), type and rule."""

    def __call__(self, doc: Doc) -> Doc:
        self._record(doc)
        links = find_relations(doc_layout(doc), _units(doc, self.spans_key), self.disabled)
        doc._.argument_relations = [
            {"source": [l.source.start, l.source.end, l.source.label],
             "target": [l.target.start, l.target.end, l.target.label],
             "type": l.type, "rule": l.rule}
            for l in links
        ]
        return doc


_CONFIG = {"spans_key": SPANS_KEY, "disabled": []}


@Language.factory("argument_quotes", default_config=_CONFIG,
                  assigns=["doc.spans", "span._.speaker", "span._.rule"])
def make_quotes(nlp: Language, name: str, spans_key: str, disabled: list[str]) -> ArgumentQuotes:
    return ArgumentQuotes(spans_key, disabled)


@Language.factory("argument_units", default_config=_CONFIG,
                  assigns=["doc.spans", "span._.rule"], requires=["doc.spans", "span._.speaker"])
def make_units(nlp: Language, name: str, spans_key: str, disabled: list[str]) -> ArgumentUnits:
    return ArgumentUnits(spans_key, disabled)


@Language.factory("argument_directives", default_config=_CONFIG,
                  assigns=["doc.spans", "span._.rule"], requires=["doc.spans"])
def make_directives(nlp: Language, name: str, spans_key: str, disabled: list[str]) -> ArgumentDirectives:
    return ArgumentDirectives(spans_key, disabled)


@Language.factory("argument_relations", default_config=_CONFIG,
                  assigns=["doc._.argument_relations"], requires=["doc.spans", "span._.rule"])
def make_relations(nlp: Language, name: str, spans_key: str, disabled: list[str]) -> ArgumentRelations:
    return ArgumentRelations(spans_key, disabled)


PIPES = ("argument_quotes", "argument_units", "argument_directives", "argument_relations")


def add_argument_pipes(nlp: Language, disabled=()) -> Language:
    """Add the four argument pipes; `disabled` rule ids are switched off in each of them."""
    config = {"disabled": sorted(check_disabled(disabled))}
    for name in PIPES:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=config)
    return nlp


def annotate_document(nlp: Language, document: Document, full_segmentation: bool = False) -> Doc:
    # The cyclic garbage collector is paused for one document: a long article makes millions of
    # small, acyclic objects (tokens, spans, offsets) that reference counting frees anyway, and
    # full collections over them made the cost grow faster than the text (≈13x for 10x).
    paused = gc.isenabled()
    gc.disable()
    try:
        return nlp(build_doc(nlp, document, full_segmentation))
    finally:
        if paused:
            gc.enable()
