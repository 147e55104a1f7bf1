"""Plain text → raw blocks.

The first non-empty line is the title. Paragraphs are separated by blank
lines, or are single lines when the file has no blank lines (common in
Chinese .txt). Bare heading lines (一、… / （一）… / 第一部分… / a short line
with no final punctuation followed by a paragraph) become headings.
"""
from __future__ import annotations

from collections import Counter

from .patterns import (byline_names, column_line, has_inner_sentence_end, is_finished,
                       is_latin_running_head, is_page_number, is_short_han_label,
                       is_short_plain, is_standalone_line, numbered_kind)
from .raw import HEADING, PARA, RawBlock, TextBuilder

_LEVEL = {"heading": 2, "subheading": 3}


def _units(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Group lines into paragraphs: `[(line number, stripped text), …]`."""
    filled = [i for i, s in enumerate(lines) if s.strip()]
    blank_mode = bool(filled) and any(not lines[i].strip() for i in range(filled[0], filled[-1]))
    units: list[list[tuple[int, str]]] = []
    cur: list[tuple[int, str]] = []
    prev_alone = False   # the previous line is a block of its own
    for i, raw in enumerate(lines):
        s = raw.strip()
        if not s:
            if cur:
                units.append(cur)
            cur = []
            continue
        alone = is_standalone_line(s) or numbered_kind(s) is not None or (
            bool(cur) and is_latin_running_head(cur[-1][1]) and is_short_han_label(s))
        new = (not blank_mode or not cur or raw[0].isspace() or is_finished(cur[-1][1])
               or alone or prev_alone)
        if new and cur:
            units.append(cur)
            cur = []
        cur.append((i + 1, s))
        prev_alone = alone
    if cur:
        units.append(cur)
    return units


def parse(text: str) -> tuple[dict, list[RawBlock]]:
    units = _units(text.split("\n"))
    texts = ["".join(s for _, s in u) for u in units]
    # running heads are dropped later; they must not count as neighbours here
    noise = [is_latin_running_head(t) or is_page_number(t) for t in texts]
    for k in range(1, len(texts)):
        if noise[k - 1] and is_latin_running_head(texts[k - 1]) and is_short_han_label(texts[k]):
            noise[k] = True
    content = [k for k in range(len(units)) if not noise[k]]
    byline = {k for k in content if byline_names(texts[k])}

    level: dict[int, int] = {}
    first = next((k for k in content if not column_line(texts[k])), None)
    if first is not None and len(units[first]) == 1 and len(texts[first]) <= 60 \
            and not has_inner_sentence_end(texts[first]) and not texts[first].endswith("。"):
        level[first] = 1
    # backwards: a bare short line is a heading when a paragraph follows it,
    # unless it recurs (then it is a running head, dropped later)
    seen = Counter(texts[k] for k in content)
    nxt: int | None = None
    for k in reversed(content):
        if k not in level and k not in byline and len(units[k]) == 1:
            kind = numbered_kind(texts[k])
            if kind:
                level[k] = _LEVEL[kind]
            elif nxt is not None and nxt not in level and is_short_plain(texts[k]) \
                    and (seen[texts[k]] < 3 or nxt in byline) and not noise[k + 1]:
                # (a line right before a running head ends a page: a torn paragraph, not a heading)
                level[k] = 2
        nxt = k
    # forwards: nothing after an unfinished paragraph is a heading (it continues it),
    # unless a byline follows it: then it is the next article's title
    for i, k in enumerate(content):
        prev = content[i - 1] if i else None
        nxt = content[i + 1] if i + 1 < len(content) else None
        if k in level and k != first and prev is not None and prev not in level \
                and prev not in byline and not is_finished(texts[prev]) and nxt not in byline:
            del level[k]

    blocks: list[RawBlock] = []
    for k, unit in enumerate(units):
        b = TextBuilder()
        for n, (line, s) in enumerate(unit):
            if n:
                b.space(newline=True)
            b.text(s, line)
        blk = b.finish(HEADING if k in level else PARA, level.get(k))
        if blk:
            blocks.append(blk)
    return {}, blocks
