"""Plain text → raw blocks.

The first non-empty line is the title. Paragraphs are separated by blank
lines, or are single lines when the file has no blank lines (common in
Chinese .txt). Bare heading lines (一、… / （一）… / 第一部分… / a short line
with no final punctuation followed by a paragraph) become headings.
"""
from __future__ import annotations

import re
from collections import Counter

from ..document import SUBHEADING
from ..punctuation import CLOSERS, ELLIPSIS, SENTENCE_END
from .patterns import (byline_names, is_bare_heading_text, column_line, has_inner_sentence_end, is_finished,
                       is_latin_running_head, is_page_number, is_short_han_label,
                       is_short_plain, is_standalone_line, numbered_kind)
from .raw import HEADING, PARA, RawBlock, TextBuilder, is_indent

_LEVEL = {HEADING: 2, SUBHEADING: 3}   # numbered_kind's kinds


# A page scrape that collapsed line breaks keeps each paragraph's 　　 indent: after the
# end of a sentence, an indent starts a new paragraph even in mid-line.
_INLINE_INDENT = re.compile(rf"(?<=[{re.escape(SENTENCE_END + ELLIPSIS + CLOSERS)}])[ \t]*(?=\u3000{{2}})")


def _physical_lines(text: str) -> list[tuple[int, str]]:
    """(source line, text) per line, lines cut at mid-line paragraph indents."""
    out = []
    for n, raw in enumerate(text.split("\n"), 1):
        if "\u3000\u3000" in raw.strip():
            pos = 0
            for m in _INLINE_INDENT.finditer(raw):
                if raw[pos:m.start()].strip():
                    out.append((n, raw[pos:m.start()]))
                    pos = m.end()
            out.append((n, raw[pos:]))
        else:
            out.append((n, raw))
    return out


def _units(lines: list[tuple[int, str]]) -> tuple[list[list[tuple[int, str]]], list[bool]]:
    """Group lines into paragraphs: `[(line number, stripped text), …]`, and whether each
    opens with a paragraph indent."""
    filled = [i for i, (_, s) in enumerate(lines) if s.strip()]
    blank_mode = bool(filled) and any(not lines[i][1].strip() for i in range(filled[0], filled[-1]))
    units: list[list[tuple[int, str]]] = []
    indents: list[bool] = []
    cur: list[tuple[int, str]] = []
    prev_alone = False   # the previous line is a block of its own
    for n, raw in lines:
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
        if not cur:
            indents.append(is_indent(raw[:len(raw) - len(raw.lstrip())]))
        cur.append((n, s))
        prev_alone = alone
    if cur:
        units.append(cur)
    return units, indents


_WIDE_GAP = re.compile(r"[ \t\u3000]{2,}")


def _title_lines(text: str) -> list[str]:
    """A title line cut at its one wide gap (two spaces or more), when both sides are
    title-like; else the line as it is."""
    parts = [p for p in _WIDE_GAP.split(text.strip()) if p]
    if len(parts) == 2 and all(is_short_plain(p, 40) for p in parts):
        return parts
    return [text]


def parse(text: str) -> tuple[dict, list[RawBlock]]:
    units, indents = _units(_physical_lines(text))
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
            elif nxt is not None and nxt not in level and not noise[k + 1] and (
                    nxt in byline and is_short_plain(texts[k])
                    or seen[texts[k]] < 3 and is_bare_heading_text(texts[k], own_paragraph=indents[nxt])):
                # (a line right before a running head ends a page: a torn paragraph, not a heading)
                level[k] = 2
        nxt = k
    # forwards: nothing after an unfinished paragraph is a heading (it continues it),
    # unless a byline follows it: then it is the next article's title
    for i, k in enumerate(content):
        prev = content[i - 1] if i else None
        nxt = content[i + 1] if i + 1 < len(content) else None
        if k in level and k != first and prev is not None and prev not in level \
                and prev not in byline and not is_finished(texts[prev]) and nxt not in byline \
                and not indents[k]:   # (an indented line opens a paragraph of its own)
            del level[k]

    blocks: list[RawBlock] = []
    for k, unit in enumerate(units):
        if k == first and level.get(k) == 1 and len(_title_lines(texts[k])) == 2:
            # 引题 and 主题 on one line, set apart by a wide gap: a title on two lines
            for part in _title_lines(texts[k]):
                b = TextBuilder()
                b.text(part, unit[0][0])
                blocks.append(b.finish(HEADING, 1))
            continue
        b = TextBuilder()
        for n, (line, s) in enumerate(unit):
            if n:
                b.space(newline=True)
            b.text(s, line)
        blk = b.finish(HEADING if k in level else PARA, level.get(k))
        if blk:
            blk.indent = indents[k]
            blocks.append(blk)
    return {}, blocks
