"""Pure text helpers shared by the rules: sentences, clauses, quotation marks.

Everything works on Python code-point offsets into one string, so results can
be placed in a spaCy Doc or a Label Studio task without conversion.
"""
from __future__ import annotations

import bisect
import re

from annotate.punctuation import CLAUSE_MARKS, CLOSERS, ELLIPSIS, FOOTNOTE, SENTENCE_END
from annotate.rules.lexicon import QG

# A sentence ends with 。！？ or …… (also ! ? and a lone … run), plus any closing
# quotation mark or bracket right after it. A semicolon does not end a sentence.
_SENT_END = re.compile(rf"(?:[{SENTENCE_END}]+|{ELLIPSIS}{{1,2}}|\.{{3,6}})[{re.escape(CLOSERS)}]*")
# The marker character classes of the rules, defined once here (from annotate.punctuation).
FINAL_PUNCT = SENTENCE_END + ELLIPSIS          # ends a sentence
SENTENCE_PUNCT = CLAUSE_MARKS + FINAL_PUNCT    # any punctuation a clause of its own carries
OPEN_QUOTES = {"“": "”", "「": "」"}
CLOSE_QUOTES = {"”": "“", "」": "「"}


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so that it has no surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_LEADING_MARKS = re.compile(rf"(?:\s|{FOOTNOTE})+")
_MARKER_END = re.compile(rf"{FOOTNOTE}$")


def trim_markers(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without whitespace or footnote markers (⑴, 〔1〕, [1]) at either edge.
    (Backwards with a bounded look-behind: a marker is at most 5 characters.)"""
    m = _LEADING_MARKS.match(text, start, end)
    if m:
        start = m.end()
    while end > start:
        if text[end - 1].isspace():
            end -= 1
            continue
        m = _MARKER_END.search(text, max(start, end - 5), end)
        if not m:
            break
        end = m.start()
    return start, end


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentences of text[start:end] as (start, end) pairs, whitespace-trimmed.

    Text after the last terminator (a page-break fragment, a heading) is one
    more sentence.
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        s, e = trim_markers(text, pos, m.end())
        if e > s:
            out.append((s, e))
        pos = m.end()
    s, e = trim_markers(text, pos, end)
    if e > s:
        out.append((s, e))
    return out


def split_clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Clauses of one sentence: pieces between ，；： (terminal punctuation trimmed)."""
    out = []
    pos = start
    for i in range(start, end):
        if text[i] in CLAUSE_MARKS:
            if i > pos:
                out.append((pos, i))
            pos = i + 1
    tail_end = end
    while tail_end > pos and (text[tail_end - 1] in FINAL_PUNCT or text[tail_end - 1] in CLOSERS):
        tail_end -= 1
    if tail_end > pos:
        out.append((pos, tail_end))
    return out


_REVERSED_MAX = 40   # (a name in Latin script between them: ”Führer und Reichskanzler“)
_REVERSED_STOP = frozenset("“”「」‘’，。；：！？,;:!?\n")
# What a quotation never starts with: a structural particle, or a mark that ends a clause.
_NEVER_FIRST = frozenset(QG.never_first)


def find_quotation_marks(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Paired quotations in text[start:end] as (content_start, content_end, closed).

    Pairs “…” and 「…」 at the outer level: a quotation inside a quotation
    (‘…’ or a nested “…”) is part of the outer one. An opening mark that is never
    closed quotes to the end of the range; a stray closing mark starts nothing.
    """
    out = []
    depth = 0
    opener = ""
    open_at = -1
    i = start - 1
    while i + 1 < end:
        i += 1
        ch = text[i]
        # Marks printed the wrong way round (性侵事件中的”舆论审判“是…): a stray closing mark, a short
        # phrase and its opening mark pair as one quotation (looked ahead a bounded stretch: linear).
        if depth == 0 and ch in CLOSE_QUOTES:
            j = text.find(CLOSE_QUOTES[ch], i + 1, min(end, i + 2 + _REVERSED_MAX))
            if j > i + 1 and not any(c in _REVERSED_STOP for c in text[i + 1:j]):
                out.append((i + 1, j, True))
                i = j
            continue
        # An opening mark before a particle or a mark that no quotation starts with (“牙齿“的。) is a
        # closing mark mistyped: it closes the open quotation, or starts nothing.
        if ch in OPEN_QUOTES and i + 1 < end and text[i + 1] in _NEVER_FIRST:
            if depth == 1 and ch == opener:
                depth = 0
                out.append((open_at + 1, i, True))
            continue
        if ch in OPEN_QUOTES and (depth == 0 or ch == opener):
            if depth == 0:
                opener, open_at = ch, i
            depth += 1
        elif ch in CLOSE_QUOTES and depth and CLOSE_QUOTES[ch] == opener:
            depth -= 1
            if depth == 0:
                out.append((open_at + 1, i, True))
    if depth:
        out.append((open_at + 1, end, False))
    return out


_TITLE_MARKS = re.compile(r"《[^《》\n]{1,60}》")


def find_book_titles(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The titles in 《…》 in text[start:end], as (content_start, content_end): a work's name, someone
    else's words (《老师，请不要这样讲中国》 prescribes nothing in the author's voice)."""
    return [(m.start() + 1, m.end() - 1) for m in _TITLE_MARKS.finditer(text, start, end)]


class Intervals:
    """Sorted, non-overlapping [start, end) intervals (quotations, taken sentences) with an
    overlap query in O(log n + hits): the rules ask it once per sentence, so a document's
    cost stays linear in its length (no scan over every span for every sentence)."""

    def __init__(self, items, key=lambda x: (x.start, x.end)):
        self.items = sorted(items, key=lambda x: key(x)[0])
        self._key = key
        self._starts = [key(x)[0] for x in self.items]

    def overlapping(self, start: int, end: int) -> list:
        """Items that overlap [start, end) (touching does not count)."""
        i = bisect.bisect_left(self._starts, end)  # items starting before `end`
        out = []
        j = i - 1
        while j >= 0:
            s, e = self._key(self.items[j])
            if e <= start:
                break  # non-overlapping and sorted: every earlier item ends before too
            out.append(self.items[j])
            j -= 1
        out.reverse()
        return out

    def starting_at(self, start: int) -> list:
        i = bisect.bisect_left(self._starts, start)
        out = []
        while i < len(self.items) and self._starts[i] == start:
            out.append(self.items[i])
            i += 1
        return out
