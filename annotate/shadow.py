"""The shadow text: a text in the script the rules were written for, of the same length.

    shadow(text) -> str     len(shadow(text)) == len(text); simplified text comes back unchanged

The word lists, the grammar tests and the segmenter (pkuseg, trained on simplified text) read
simplified Chinese. A traditional-script article (繁體: 習近平總書記強調「要…」) would lose most
of their cues. So the rules and the segmenter read a shadow of the text in which every
traditional character is replaced by its simplified one, one code point by one code point,
and the corner quotation marks 「」『』 by “”‘’, which the rules know. Offsets into the shadow
are offsets into the text: every span the rules find there is cut from the original text,
which is what the annotator sees and what the task carries.

The character table is OpenCC's (the dictionaries shipped by the opencc-python-reimplemented
package, read from the installed package, never downloaded): TSCharacters (traditional →
simplified; where OpenCC lists several simplified candidates, its first, its own default, is
taken), and the Hong Kong and Taiwan variant forms of a traditional character (HKVariantsRev,
TWVariantsRev: 説 as 說, 眾 as 衆 …) through it, unless the variant is a simplified character too
(Taiwan writes 著 for 着, but 显著 is simplified text). Only one-character-to-one-character entries are used; OpenCC's phrase
tables (乾燥 → 干燥 but 乾隆 stays) are not: a phrase that needs them keeps the default
character in the shadow, which only the matching sees.
"""
from __future__ import annotations

import operator
import re
from functools import lru_cache
from importlib import resources

from annotate.punctuation import HAN

_HAN = re.compile(f"[{HAN}]")

# Corner brackets as Hong Kong and Taiwan print quotations: the same marks the rules read as “”‘’.
QUOTE_MARKS = {"「": "“", "」": "”", "『": "‘", "』": "’", "﹁": "“", "﹂": "”", "﹃": "‘", "﹄": "’"}

_TABLES = ("TSCharacters.txt",)
_VARIANTS = ("HKVariantsRev.txt", "TWVariantsRev.txt")   # a regional form → OpenCC's traditional form


def _pairs(name: str) -> list[tuple[str, str]]:
    """(character, its first one-character candidate) per line of an OpenCC dictionary."""
    text = resources.files("opencc").joinpath("dictionary", name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ", 1)[0].strip()
        if len(key) == 1 and len(first) == 1:
            out.append((key, first))
    return out


@lru_cache(maxsize=1)
def table() -> dict[int, str]:
    """str.translate table: code point → its simplified character (only those that change)."""
    ts = dict(p for name in _TABLES for p in _pairs(name))
    # (a variant form that is also a simplified character stays: Taiwan's 著 for 着 is 显著's 著,
    # its 么 is simplified 么)
    simplified = set(ts.values()) | {k for k, _ in _pairs("STCharacters.txt")}
    for name in _VARIANTS:
        for variant, standard in _pairs(name):
            if variant not in ts and variant not in simplified and standard in ts:
                ts[variant] = ts[standard]
    ts.update(QUOTE_MARKS)
    return {ord(k): v for k, v in ts.items() if k != v}


# In a text written in traditional script, 著 is also the particle and verb that simplified
# script writes 着 (隨著, 著力, 著眼): there, and only there, it is read as 着.
TRADITIONAL_ONLY = {ord("著"): "着"}
TRADITIONAL_MIN = 20        # changed characters, at least, and
TRADITIONAL_SHARE = 0.05    # this share of the Han characters: a text in traditional script


def shadow(text: str) -> str:
    """`text` with every traditional character simplified and 「」『』 as “”‘’ (same length)."""
    out = text.translate(table())
    if out is text or out == text:
        return text
    # (counted in C: map over the two strings, not a Python loop per character)
    changed = sum(map(operator.ne, text, out)) - sum(text.count(q) for q in QUOTE_MARKS)
    if changed >= TRADITIONAL_MIN and changed >= TRADITIONAL_SHARE * (len(text) - len(_HAN.sub("", text))):
        out = out.translate(TRADITIONAL_ONLY)
    return out


# Straight double quotes as many web and converted texts print Chinese quotations ("…"): in a line
# with Han characters and an even number of them, each pair with Han between its marks is read as
# “…”. A line with an odd number is left alone (which mark opens cannot be told).
_STRAIGHT = re.compile('"')


def pair_straight_quotes(text: str) -> str:
    """`text` with its paired straight double quotes around Chinese text as “…” (same length)."""
    if '"' not in text:
        return text
    out = []
    for line in text.splitlines(keepends=True):
        marks = [m.start() for m in _STRAIGHT.finditer(line)]
        if not marks or len(marks) % 2:
            out.append(line)
            continue
        chars = list(line)
        for a, b in zip(marks[::2], marks[1::2]):
            if _HAN.search(line, a + 1, b):
                chars[a], chars[b] = "\u201c", "\u201d"
        out.append("".join(chars))
    return "".join(out)


def rules_shadow(text: str) -> str:
    """The text the rules and the segmenter read: the shadow, and straight quotes paired (same length).
    (The readers read `shadow` alone: a source's straight quotes may be markup, class="…".)"""
    return pair_straight_quotes(shadow(text))


def read_through_shadow(text: str) -> str | None:
    """The shadow the readers should read `text` through, or None to read it as it is: only
    where at least TRADITIONAL_MIN characters change. A stray traditional character in a
    simplified article (a name, a quoted title) changes nothing the readers look for, and
    placing the source's characters back costs a pass over the whole text."""
    read = shadow(text)
    if read is text or sum(map(operator.ne, text, read)) < TRADITIONAL_MIN:
        return None
    return read


def is_shadowed(text: str) -> bool:
    """Does the shadow of `text` differ from it (a character of traditional script, a corner quote)?"""
    return shadow(text) != text
