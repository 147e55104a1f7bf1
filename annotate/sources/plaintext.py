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
from ..punctuation import CLAUSE_MARKS, CLOSERS, ELLIPSIS, HAN, ITEM_NUMERALS, SENTENCE_END
from .patterns import (INDENTED_HEADING_MAX, byline_names, field_line, is_bracket_label, is_known_field, is_title_field, is_bare_heading_text, column_line, has_inner_sentence_end, is_finished,
                       is_latin_running_head, is_page_number, is_short_han_label,
                       is_short_plain, is_standalone_line, numbered_kind)
from .raw import HEADING, PARA, RawBlock, TextBuilder, is_indent

_LEVEL = {HEADING: 2, SUBHEADING: 3}   # numbered_kind's kinds


# A page scrape that collapsed line breaks keeps each paragraph's 　　 indent: after the
# end of a sentence, an indent starts a new paragraph even in mid-line.
_INLINE_INDENT = re.compile(rf"(?<=[{re.escape(SENTENCE_END + ELLIPSIS + CLOSERS)}])[ \t]*(?=\u3000{{2}})")


# A whole article flattened on one line (a feed item or a scrape whose markup was stripped):
# the line is cut where the layout still shows a block boundary. Only long lines that hold
# several sentences are looked at.
FLAT_MIN = 300
_GAP = re.compile(r"[ \t\u3000\xa0\u2002\u2003]+")
_END_CHARS = SENTENCE_END + ELLIPSIS + CLOSERS
_HAN_CHAR = re.compile(rf"[{HAN}“「《（(【\d]")   # (a block may open with a figure: 2024年…, 301程序…)
_HAN_ONE = re.compile(rf"[{HAN}]")
# A top-level section number right after the end of a sentence (…。二、… / …。（三）…): with
# nothing between the blocks, the number is the only sign that a section starts there.
_RUN_NUMBER = re.compile(rf"(?<=[{re.escape(SENTENCE_END + CLOSERS)}])(?=(?:[{ITEM_NUMERALS}]{{1,3}}、|[（(][{ITEM_NUMERALS}]{{1,3}}[)）]))")
FLAT_HEADING_MIN = 5   # a shorter piece between gaps is a name set apart by a space (王 一鸣), not a heading


# Page script left in a text dump (a feed item's player call, a scraped page's inline JavaScript):
# a run of ASCII with code punctuation in it is no text. It is cut out of a line, and a line
# that is nothing else is dropped.
_CODE_RUN = re.compile(r"[\x20-\x7e]{30,}")
_CODE_MARK = re.compile(r"[{};=]|\bfunction\b|\bvar\b|\$\(|document\.|window\.")


def _code_runs(raw: str) -> list[tuple[int, int]]:
    return [m.span() for m in _CODE_RUN.finditer(raw) if len(_CODE_MARK.findall(m.group())) >= 3]


def _without_code(raw: str) -> str:
    runs = _code_runs(raw)
    if not runs:
        return raw
    out, pos = [], 0
    for a, b in runs:
        out.append(raw[pos:a])
        pos = b
    out.append(raw[pos:])
    return " ".join(p for p in out if p.strip())


def _flat_cuts(raw: str) -> list[tuple[int, int]]:
    """Where a flattened line breaks into blocks: (end of one block, start of the next).

    - a whitespace gap after the end of a sentence ends a paragraph (paragraphs joined by
      spaces or by their 　　 indents);
    - a gap after a piece that could be a heading (short, no final punctuation, no clause
      mark, Han on both sides) ends that heading — only when the line is shown to be a
      flattened text by two paragraph gaps at least;
    - a top-level section number right after a sentence end (一、 / （一）) opens a block,
      when the line holds two of them (blocks joined by nothing)."""
    gaps = [m for m in _GAP.finditer(raw) if 0 < m.start() and m.end() < len(raw)]
    para = [m for m in gaps if raw[m.start() - 1] in _END_CHARS and _HAN_CHAR.match(raw, m.end())]
    cuts: list[tuple[int, int]] = [(m.start(), m.end()) for m in para]
    if len(para) >= 2:
        ends = {m.start() for m in para}
        last = 0
        for m in gaps:
            if m.start() in ends:
                last = m.end()
                continue
            if not FLAT_HEADING_MIN <= m.start() - last <= INDENTED_HEADING_MAX:
                continue   # (measured before slicing: a long run of gaps stays linear)
            piece = raw[last:m.start()]
            # (a numbered heading may hold a comma: 二、防微杜渐，警惕温水煮青蛙)
            if (_HAN_CHAR.match(raw, m.end())
                    and _HAN_ONE.match(raw, m.start() - 1)
                    and (is_bare_heading_text(piece) or numbered_kind(piece) is not None)
                    and not byline_names(piece)):
                cuts.append((m.start(), m.end()))
                last = m.end()
    numbers = [m.start() for m in _RUN_NUMBER.finditer(raw)]
    if len(numbers) >= 2:
        taken = {s for _, s in cuts}
        cuts += [(k, k) for k in numbers if k not in taken]
    if not para and len(raw) >= JOINED_MIN:
        cuts += _joined_cuts(raw, {s for _, s in cuts})
    return sorted(set(cuts))


# A whole article joined by nothing (no gap anywhere): its paragraphs can only be guessed from
# its sentences. A short sentence that follows the end of a longer run, with no clause in it,
# reads as a paragraph's lead (加强原创性、颠覆性科技创新。…): it opens a block. Only a line as long
# as an article is looked at (a long paragraph on one line is no article), and only when the
# line holds several such leads (a lone short sentence is a sentence).
JOINED_MIN = 1500
LEAD_MAX = 30          # characters of a lead sentence, its final mark included
LEADS_MIN = 3
_SENTENCE_END_RUN = re.compile(rf"[{re.escape(SENTENCE_END)}]+[{re.escape(CLOSERS)}]*")


def _joined_cuts(raw: str, taken: set[int]) -> list[tuple[int, int]]:
    starts = []
    prev_len = 0
    s = 0
    for m in _SENTENCE_END_RUN.finditer(raw):   # (sentence by sentence, one pass)
        e = m.end()
        piece = raw[s:e]
        if (s > 0 and e - s <= LEAD_MAX and prev_len > LEAD_MAX and s not in taken
                and raw[s - 1] in _END_CHARS and _HAN_ONE.match(raw, s)
                and not any(c in piece for c in CLAUSE_MARKS + "“”「」")):
            starts.append(s)
        prev_len, s = e - s, e
    return [(k, k) for k in starts] if len(starts) >= LEADS_MIN else []


_URL_LINE = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.I)


def _physical_lines(text: str) -> list[tuple[int, str]]:
    """(source line, text) per line, lines cut at mid-line paragraph indents, and a long
    line that holds a whole flattened article cut into its blocks (`_flat_cuts`)."""
    out = []
    for n, raw in enumerate(text.split("\n"), 1):
        if "{" in raw or ";" in raw or "=" in raw:
            raw = _without_code(raw)
            if not raw:
                continue   # (a script line is no blank line: it must not make the file look blank-separated)
        body = raw.rstrip()
        if _URL_LINE.match(body):
            continue   # a link on a line of its own (a feed item's address) is no text
        if len(body) < FLAT_MIN and "\u3000\u3000" in body.strip():
            pos = 0
            for m in _INLINE_INDENT.finditer(raw):
                if raw[pos:m.start()].strip():
                    out.append((n, raw[pos:m.start()]))
                    pos = m.end()
            out.append((n, raw[pos:]))
        elif len(body) >= FLAT_MIN and has_inner_sentence_end(body.strip()):
            pos = 0
            for end, start in _flat_cuts(body):
                if body[pos:end].strip():
                    # each piece is a block of its own: mark it so, as an indent would
                    out.append((n, "\u3000\u3000" + body[pos:end].strip()))
                pos = start
            out.append((n, "\u3000\u3000" + body[pos:].strip() if pos else raw))
        else:
            out.append((n, raw))
    return out


# A hard-wrapped text (an e-book or a PDF's text cut at a fixed width): most lines are as wide as
# the wrap, give or take a character or two (a mark that may not open a line). A line narrower than
# that ends its paragraph, or is a title or heading, whether or not it ends a sentence.
WRAP_MIN_LINES = 8       # lines of the commonest width, at least, and
WRAP_SHARE = 0.4         # this share of the text's lines
WRAP_SLACK = 2           # a line this much narrower than the wrap is still full


def _wrap_width(lines: list[tuple[int, str]]) -> int | None:
    """The width a hard-wrapped text was cut at, or None."""
    widths = Counter(len(s.strip()) for _, s in lines if s.strip())
    if not widths:
        return None
    width, n = max(widths.items(), key=lambda kv: (kv[1], kv[0]))
    total = sum(widths.values())
    return width if 12 <= width <= 120 and n >= WRAP_MIN_LINES and n >= WRAP_SHARE * total else None


def _full(line: str, wrap: int | None) -> bool:
    """As wide as the wrap (or no wrap known): the line may run on into the next."""
    return not wrap or len(line) >= wrap - WRAP_SLACK


_HEADER_WINDOW = 40   # a header block is at the top: only the first lines are looked at for one

# A line of one punctuation character repeated (====, ----, ~~~~, ****, ————): an underline under a
# title or heading right above it (as reStructuredText and Markdown's setext headings set them, and
# many plain texts), else a separator. Either way it is no text.
_ADORNMENT = re.compile(r"^([=\-~^*#+_\"'`:.＝－—～＊])\1{2,}$")
UNDERLINED_MAX = 50   # an underlined line this long at most is a heading (longer: running text over a rule)


def is_adornment(line: str) -> bool:
    return bool(_ADORNMENT.match(line.strip()))


def _units(lines: list[tuple[int, str]], wrap: int | None = None,
           underlined: set[int] | None = None) -> tuple[list[list[tuple[int, str]]], list[bool]]:
    """Group lines into paragraphs: `[(line number, stripped text), …]`, and whether each
    opens with a paragraph indent. An adornment line (====) is no text: a short line right above it
    is a unit of its own whose source line goes into `underlined`."""
    filled = [i for i, (_, s) in enumerate(lines) if s.strip()]
    blank_mode = bool(filled) and any(not lines[i][1].strip() for i in range(filled[0], filled[-1]))
    units: list[list[tuple[int, str]]] = []
    indents: list[bool] = []
    cur: list[tuple[int, str]] = []
    prev_alone = False   # the previous line is a block of its own
    # `label：value` lines next to one another (a header block: 标题：… / 来源：…) are a line each
    fieldish = [field_line(raw) is not None for _, raw in lines[:_HEADER_WINDOW]]
    in_header = {i for i, f in enumerate(fieldish)
                 if f and ((i and fieldish[i - 1]) or (i + 1 < len(fieldish) and fieldish[i + 1]))}
    for i, (n, raw) in enumerate(lines):
        s = raw.strip()
        if s and is_adornment(s):
            # (right under a short line: that line is a heading; anywhere else: a separator)
            if cur and underlined is not None and lines[i - 1][1].strip() == cur[-1][1] \
                    and len(cur[-1][1]) <= UNDERLINED_MAX and not is_adornment(cur[-1][1]):
                if len(cur) > 1:
                    units.append(cur[:-1])
                    indents.append(False)
                units.append([cur[-1]])
                underlined.add(cur[-1][0])
            elif cur:
                units.append(cur)
            cur = []
            continue
        if not s:
            if cur:
                units.append(cur)
            cur = []
            continue
        alone = is_standalone_line(s) or numbered_kind(s) is not None or (
            bool(cur) and is_latin_running_head(cur[-1][1]) and is_short_han_label(s)) or i in in_header
        # (a line more than twice as long as the line before it does not continue it: a
        # hard-wrapped paragraph's lines are as wide as the wrap; a short line over a long one
        # is a title or heading above its text)
        new = (not blank_mode or not cur or raw[0].isspace() or is_finished(cur[-1][1])
               or alone or prev_alone or len(s) > 2 * len(cur[-1][1])
               or not _full(cur[-1][1], wrap))
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


HEADER_MIN = 3     # `label：value` lines in a row that make a header block
HEADER_KNOWN = 2   # … of which this many have a known label (annotate/data/lexicon.toml [page])


def _header(units: list, indents: list) -> tuple[dict, list, list]:
    """A header block at the top of the text (标题：… / 来源：… / 发布日期：…, with a bracketed label
    line around it): its fields go to the metadata, its title field becomes the title line."""
    texts = ["".join(s for _, s in u) for u in units]
    k = 0
    while k < len(units) and is_bracket_label(texts[k]):
        k += 1
    fields = []
    while k < len(units) and len(units[k]) == 1 and (f := field_line(texts[k])) is not None:
        fields.append((k, *f))
        k += 1
    if len(fields) < HEADER_MIN or sum(is_known_field(lab) for _, lab, _ in fields) < HEADER_KNOWN:
        return {}, units, indents
    while k < len(units) and is_bracket_label(texts[k]):
        k += 1
    meta = {"header": {lab: val for _, lab, val in fields}}
    title = next(((j, val) for j, lab, val in fields if is_title_field(lab)), None)
    head = []
    if title is not None:
        j, val = title
        line, s = units[j][0]
        head = [[(line, s[s.index(val):])]]   # the value where it stands on its line
    return meta, head + units[k:], [False] * len(head) + indents[k:]


def parse(text: str) -> tuple[dict, list[RawBlock]]:
    lines = _physical_lines(text)
    wrap = _wrap_width([(n, line) for n, line in lines if not is_adornment(line)])
    underlined: set[int] = set()
    units, indents = _units(lines, wrap, underlined)
    header, units, indents = _header(units, indents)
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
    # an underlined line (标题 over ====) is a heading, the first one the title
    for k in content:
        if len(units[k]) == 1 and units[k][0][0] in underlined and k not in level:
            level[k] = 1 if k == first else 2
    # backwards: a bare short line is a heading when a paragraph follows it,
    # unless it recurs (then it is a running head, dropped later)
    seen = Counter(texts[k] for k in content)
    nxt: int | None = None
    for k in reversed(content):
        if k not in level and k not in byline and len(units[k]) == 1:
            kind = numbered_kind(texts[k])
            if kind:
                level[k] = _LEVEL[kind]
            elif nxt is not None and nxt not in level and not noise[k + 1] and not (wrap and _full(texts[k], wrap)) and (
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
                and not indents[k] and _full(units[prev][-1][1], wrap):   # (an indented line, or one after a narrower line in a hard-wrapped text, opens a block of its own)
            del level[k]

    blocks: list[RawBlock] = []
    for k, unit in enumerate(units):
        if k == first and level.get(k) == 1 and len(_title_lines(texts[k])) == 2:
            # 引题 and 主题 on one line, set apart by a wide gap: a title on two lines
            for part in _title_lines(texts[k]):
                b = TextBuilder()
                b.text(part, unit[0][0])
                blk = b.finish(HEADING, 1)
                if blk:   # (a part of zero-width characters only is no text)
                    blocks.append(blk)
            continue
        b = TextBuilder()
        for n, (line, s) in enumerate(unit):
            if n:
                b.space(newline=True)
            b.text(s, line)
        blk = b.finish(HEADING if k in level else PARA, level.get(k))
        if blk:
            blk.indent = indents[k]
            # (in a hard-wrapped text a narrower line ended the paragraph before: no page break)
            blk.gap = bool(k and not _full(units[k - 1][-1][1], wrap))
            blocks.append(blk)
    return header, blocks
