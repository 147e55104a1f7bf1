"""The rules' word lists (annotate/data/lexicon.toml, loaded by annotate.data.lexicon) by section.

The marker characters (MARKER_CHARS) are derived here from the modal words, once, so the
Doc builder's "segment only where a rule reads words" cannot drift from the lists.
"""
from __future__ import annotations

import re

from annotate.data.lexicon import LEXICON_FILE, lexicon, parse_lexicon  # noqa: F401 — parse_lexicon: for tests

LEX = lexicon()
D, C, S, Q = LEX.directive, LEX.claim, LEX.support, LEX.quote
G, QG = LEX.directive_grammar, LEX.quote_grammar  # the grammar words the rules test for

# Characters (and pairs) without which no marker word can stand; text with none of them
# needs no segmentation.
MARKER_CHARS = frozenset(D.marker_chars)
MARKER_PAIRS = D.marker_pairs


def alternation(words) -> str:
    """A regex alternation of literal words, longest first."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# (one search instead of a set test and a scan per pair: called for every run of text)
_MARKER = re.compile("|".join(filter(None, ("[" + "".join(map(re.escape, sorted(MARKER_CHARS))) + "]"
                                            if MARKER_CHARS else "", alternation(MARKER_PAIRS)))) or "(?!)")


def needs_words(text: str) -> bool:
    """Could a marker word stand in this text? (If not, its words are never read.)"""
    return _MARKER.search(text) is not None


_missing = [w for w in (*D.modal_words, G.let + G.we, G.require) if not needs_words(w)]
if _missing:
    raise ValueError(f"{LEXICON_FILE}: marker words without a marker character: {_missing}")
