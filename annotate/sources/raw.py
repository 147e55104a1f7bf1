"""Raw blocks: what a format reader hands to the article builder.

A reader turns a file into a flat list of `RawBlock`s (one heading line or one
paragraph each) with markup already removed. `TextBuilder` is the shared tool
the readers use to assemble a block's text: it collapses whitespace, records
bold runs and keeps a map from text offsets to source lines.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# A raw block is a heading line or a paragraph, in the outline's words (the article builder
# decides which heading is a title, a section or a sub-section).
from ..document import HEADING  # noqa: F401  (the readers name raw kinds from here)
from ..document import PARAGRAPH as PARA  # noqa: F401

# Zero-width characters that carry nothing for the reader.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_WS_OR_WORD = re.compile(r"\s+|\S+")


@dataclass
class RawBlock:
    kind: str                 # HEADING or PARA
    text: str                 # stripped, no markup
    line: int                 # 1-based source line of text[0]
    level: int | None = None  # heading level (1 = h1 / # / a plain-text title line)
    bold: list[tuple[int, int]] = field(default_factory=list)   # relative to text
    lines: list[tuple[int, int]] = field(default_factory=list)  # (relative offset, source line)
    page_end: bool = False    # page furniture (running head, page number) follows it
    editorial: bool = False   # an editor's note, pull quote or box: a NOTE block
    # The block opens with a paragraph indent in the source (　　, non-breaking spaces, a CSS
    # text-indent): it starts a paragraph of its own, so no torn paragraph continues into it.
    indent: bool = False
    # The block opens with a channel label this many characters long (观察：… where the page
    # shows 观察 as a menu item): if the block is a title, the label is its column, not its claim.
    label_end: int = 0
    # A blank line stands before it in the source (HTML: <br><br>, an empty paragraph, a
    # spacer <div>): what came before ended there, whatever its last character.
    gap: bool = False
    # How an HTML paragraph's text is set, when all of it is set alike: (font size in px or None,
    # text colour or None); None for a mix of styles or a source with no styling (Markdown, text).
    style: tuple | None = None
    # The title as a field of the source's metadata gives it (a front matter's title:): the title as
    # its author set it, one line, not cut at a —— into title and subtitle.
    field_title: bool = False
    # Every line of it stands in a Markdown blockquote (> …): words set apart from the running text.
    quoted: bool = False

    def __post_init__(self) -> None:
        if not self.lines:
            self.lines = [(0, self.line)]


def split_block(b: RawBlock, at: int, first_kind: str, second_kind: str,
                first_level: int | None = None, second_level: int | None = None) -> tuple[RawBlock, RawBlock]:
    """`b` cut at text offset `at` (whitespace around the cut dropped), bold runs and
    source lines carried over to each part."""
    head, tail = b.text[:at], b.text[at:]
    lead_ws = len(tail) - len(tail.lstrip())
    tail = tail.lstrip()
    head_text = head.rstrip()
    shift = at + lead_ws

    def lines_from(lo: int) -> list[tuple[int, int]]:
        before = [ln for o, ln in b.lines if o <= lo]
        out = [(0, before[-1] if before else b.line)]
        out += [(o - lo, ln) for o, ln in b.lines if o > lo and o - lo < len(tail)]
        return out

    first = RawBlock(first_kind, head_text, b.line, first_level,
                     [(s, min(e, len(head_text))) for s, e in b.bold if s < len(head_text)],
                     [(o, ln) for o, ln in b.lines if o < len(head_text)] or [(0, b.line)])
    tail_lines = lines_from(shift)
    second = RawBlock(second_kind, tail, tail_lines[0][1], second_level,
                      [(max(s - shift, 0), e - shift) for s, e in b.bold if e > shift],
                      tail_lines, b.page_end, b.editorial)
    first.indent = b.indent
    first.label_end = b.label_end if b.label_end < len(head_text) else 0
    return first, second


# Ornaments that open a title or heading line on web pages (▌ bars, ■ ● ◆ bullets, a bar |):
# layout, not words, like a list bullet in Markdown.
_ORNAMENT = re.compile(r"^[\u2580-\u259f\u25a0-\u25ff\u2605\u2606\u2660-\u2667\u2756\u27a4\u203b\u2022|｜\s]+")


def strip_ornament(b: RawBlock) -> RawBlock:
    """`b` without the ornament glyphs at its start (bold and source lines shifted), or `b`
    itself when it has none or is nothing else."""
    m = _ORNAMENT.match(b.text)
    if not m or m.end() >= len(b.text) or not b.text[m.end():].strip():
        return b
    kind, level = b.kind, b.level
    _, rest = split_block(b, m.end(), kind, kind, level, level)
    rest.indent = b.indent
    rest.label_end = max(b.label_end - (len(b.text) - len(rest.text)), 0)
    return rest


def is_cjk(ch: str) -> bool:
    """Han, CJK and full-width punctuation, and the curly quotes/dashes Chinese text uses."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x2014 <= o <= 0x2026 or 0x20000 <= o <= 0x3FFFF)


def is_indent(lead: str) -> bool:
    """`lead`, the whitespace before a paragraph's first character, is a paragraph indent:
    an ideographic space, or spaces two characters wide (&emsp;&emsp;, four &nbsp;: an
    &nbsp; or &ensp; is half a character)."""
    return "\u3000" in lead or lead.count("\u2003") * 2 + lead.count("\xa0") + lead.count("\u2002") >= 4


class TextBuilder:
    """Accumulates one block's text.

    Whitespace runs collapse to one space; a run that holds a line break
    between CJK characters vanishes (a soft-wrapped Chinese line joins with
    nothing). Leading and trailing whitespace never reach the text.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.len = 0
        self._last = ""           # last emitted character
        self._ws: str | None = None  # pending whitespace: None, " " or "\n"
        self.bold: list[tuple[int, int]] = []
        self._bold_open = False
        self._bold_start: int | None = None
        self.lines: list[tuple[int, int]] = []
        self.first_line: int | None = None
        self._lead = ""           # whitespace before the first character (bounded)

    @property
    def indent(self) -> bool:
        """The text opened with a paragraph indent (see is_indent)."""
        return is_indent(self._lead)

    def space(self, newline: bool = False) -> None:
        if self.len:
            self._ws = "\n" if newline or self._ws == "\n" else " "

    def text(self, s: str, line: int) -> int:
        """Add literal text starting on source line `line`; returns the line after it."""
        s = _INVISIBLE.sub("", s)
        for m in _WS_OR_WORD.finditer(s):
            chunk = m.group()
            if chunk[0].isspace():
                if not self.len and len(self._lead) < 16:
                    self._lead += chunk[:16]
                nl = chunk.count("\n")
                line += nl
                self.space(newline=nl > 0)
            else:
                self._emit(chunk, line)
        return line

    def _emit(self, chunk: str, line: int) -> None:
        if self._ws and self.len:
            if self._ws == " " or not (is_cjk(self._last) or is_cjk(chunk[0])):
                self._parts.append(" ")
                self.len += 1
        self._ws = None
        if not self.lines or self.lines[-1][1] != line:
            self.lines.append((self.len, line))
        if self.first_line is None:
            self.first_line = line
        if self._bold_open and self._bold_start is None:
            self._bold_start = self.len
        self._parts.append(chunk)
        self.len += len(chunk)
        self._last = chunk[-1]

    def bold_on(self) -> None:
        if not self._bold_open:
            self._bold_open, self._bold_start = True, None

    def bold_off(self) -> None:
        if self._bold_open:
            if self._bold_start is not None and self.len > self._bold_start:
                self.bold.append((self._bold_start, self.len))
            self._bold_open, self._bold_start = False, None

    def toggle_bold(self) -> None:
        self.bold_off() if self._bold_open else self.bold_on()

    @property
    def bold_is_open(self) -> bool:
        return self._bold_open

    def finish(self, kind: str, level: int | None = None, *, close_bold: bool = True,
               default_line: int = 1) -> RawBlock | None:
        """The block, or None when no text was added. An unclosed bold run is
        closed at the end (HTML) or dropped (`close_bold=False`, Markdown)."""
        if close_bold:
            self.bold_off()
        text = "".join(self._parts)
        if not text:
            return None
        return RawBlock(kind, text, self.first_line or default_line, level,
                        merge_runs(self.bold), self.lines, indent=self.indent)


def merge_runs(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort, drop empty runs, merge touching or overlapping ones."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(r for r in runs if r[1] > r[0]):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out
