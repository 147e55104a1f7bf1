"""The rules' word lists, loaded once from annotate/data/lexicon.toml.

Lists come back as tuples (ordered, for prefix matching) and frozensets (for
membership); keys ending in `_re` are compiled regular expressions. The marker
characters (MARKER_CHARS) are derived here from the modal words, once, so the
Doc builder's "segment only where a rule reads words" cannot drift from the lists.
"""
from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources
from types import SimpleNamespace

LEXICON_FILE = "data/lexicon.toml"


@lru_cache(maxsize=1)
def lexicon() -> SimpleNamespace:
    return parse_lexicon(resources.files("annotate").joinpath(LEXICON_FILE).read_text(encoding="utf-8"))


def parse_lexicon(text: str) -> SimpleNamespace:
    sections = {}
    for section, entries in tomllib.loads(text).items():
        values = {}

        def put(name, value):
            # (x_re is read as x, a list x also as x_set: two keys must not land on one name)
            if name in values:
                raise ValueError(f"{LEXICON_FILE}: [{section}] has two entries named {name!r}")
            values[name] = value

        for key, value in entries.items():
            if key.endswith("_re"):
                put(key[:-3], re.compile(value))
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                put(key, tuple(value))
                put(key + "_set", frozenset(value))
            else:
                put(key, value)
        sections[section] = SimpleNamespace(**values)
    return SimpleNamespace(**sections)


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
