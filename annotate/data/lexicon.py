"""The word lists of annotate/data/lexicon.toml, parsed once.

Lists come back as tuples (ordered, for prefix matching) and frozensets (for membership);
keys ending in `_re` are compiled regular expressions. The rules read them through
annotate.rules.lexicon (which derives its marker characters from them), the readers directly
(an enumerated heading line: annotate.sources.articles), so that each list is written once.
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
