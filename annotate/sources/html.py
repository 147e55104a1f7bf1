"""HTML → raw blocks, with the standard library's html.parser.

Paragraphs come from block elements (<p>, <div>, <li>, …) and <br>; headings
from <h1>–<h6> and from paragraphs set in a heading font (小标宋, 黑体) or
centred and short; bold from <b>/<strong> and font-weight. <script>, <style>
and <head> are ignored, except that <title> stands in for a missing <h1>.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from ..punctuation import CLOSERS, SENTENCE_END
from .patterns import dash_subtitle_at, has_inner_sentence_end, is_finished
from . import pagebody
from .pagebody import squeeze
from .raw import HEADING, PARA, RawBlock, TextBuilder, split_block

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
         "param", "source", "track", "wbr"}
_BLOCK = {"address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
          "details", "dialog", "div", "dl", "dt", "fieldset", "figure", "footer", "form",
          "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "html", "li", "main", "nav",
          "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
          "thead", "tr", "ul"}
_SKIP = {"script", "style", "head", "noscript", "template", "figcaption", "svg", "select"}
_SELF_CLOSING_SIBLINGS = {"p", "li", "dt", "dd", "tr", "td", "th"}
# Title and first-level heading fonts of Chinese official layout; 楷体 / 仿宋 are body fonts.
_HEADING_FONTS = (("小标宋", 1), ("黑体", 2), ("simhei", 2), ("黑體", 2))
_BOLD_WEIGHT = re.compile(r"font-weight:(?:bold|bolder|[6-9]00)")
_TEXT_INDENT = re.compile(r"text-indent:(\d*\.?\d+)")
_TITLE_SEP = re.compile(r"\s+[-|—–]\s+|[_｜|]")


@dataclass
class _El:
    """An open element, with what it inherits from its ancestors folded in, so that a
    piece of text reads its styling from the innermost element alone (O(1), whatever
    the nesting depth)."""
    tag: str
    bold: bool = False          # this element or an ancestor is bold
    skip: bool = False          # … is <script>, <style>, …
    center: bool = False        # … is centred
    in_title: bool = False      # … is <title>
    link: bool = False          # … is a link <a href>
    indent: bool = False        # … has a CSS first-line indent (text-indent > 0, inherited)
    hlevel: int | None = None   # smallest heading level from a heading font (not <hN>)
    htag: int | None = None     # smallest <hN> level
    block: int = -1             # stack index of the nearest block element (itself included)
    mark: int = 0               # characters of text read before this element opened
    size: float | None = None   # font size in px (CSS font-size, <font size>), inherited
    color: str | None = None    # text colour other than black (CSS color, <font color>), inherited


_CHROME_NAME = re.compile(r"(?:comments?(?:[-_](?:area|list|box|respond|title|wrap))?|commentlist|commentsbox"
                          r"|comment-respond|respond|pagenav(?:_prev|_next)?|pagination|pager)$", re.I)


def _chrome_named(attrs: list[tuple[str, str | None]]) -> bool:
    """A blog's comments area or pager, named so by its class or id. Only in a fragment (a body
    pasted into a Markdown post keeps them: 2 Comments, Leave a Reply, < Prev / Next >); in a
    whole page the page-body extractor finds the article."""
    names = " ".join(v or "" for k, v in attrs if k.lower() in ("class", "id"))
    return any(_CHROME_NAME.match(n) for n in names.split())


def _min(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _element(tag: str, attrs: list[tuple[str, str | None]], parent: _El | None, index: int) -> _El:
    a = {k.lower(): (v or "") for k, v in attrs}
    style = re.sub(r"\s+", "", a.get("style", "")).lower()
    fonts = (style + " " + a.get("face", "")).lower()
    htag = int(tag[1]) if re.fullmatch(r"h[1-6]", tag) else None
    hlevel = None
    for name, level in _HEADING_FONTS:
        if name in fonts and not tag.startswith("h"):   # inside <hN> the tag decides
            hlevel = _min(hlevel, level)
    bold = tag in ("b", "strong") or bool(_BOLD_WEIGHT.search(style))
    center = tag == "center" or "text-align:center" in style or a.get("align", "").lower() == "center"
    skip = tag in _SKIP or "display:none" in style   # hidden text is not part of the page
    m = _TEXT_INDENT.search(style)
    indent = bool(m) and float(m.group(1)) > 0
    size, color = _font_size(tag, style, a), _font_color(style, a)
    if parent is None:
        return _El(tag, bold, skip, center, tag == "title", tag == "a", indent, hlevel, htag,
                   index if tag in _BLOCK else -1, size=size, color=color)
    return _El(
        tag,
        bold=bold or parent.bold,
        skip=skip or parent.skip,
        center=center or parent.center,
        in_title=tag == "title" or parent.in_title,
        link=tag == "a" or parent.link,
        indent=indent if m else parent.indent,   # a text-indent of 0 undoes the parent's
        hlevel=_min(hlevel, parent.hlevel),
        htag=_min(htag, parent.htag),
        block=index if tag in _BLOCK else parent.block,
        size=size if size is not None else parent.size,
        color=color if color is not None else parent.color,
    )


# ---- inline styling: headings set by font size or colour (kept apart from the page logic) ----
_FONT_SIZE = re.compile(r"font-size:(\d*\.?\d+)(px|pt|em|rem|%)?")
_FONT_SIZE_WORDS = {"x-small": 10, "small": 13, "medium": 16, "large": 18, "x-large": 24, "xx-large": 32}
_FONT_TAG_SIZES = {1: 10, 2: 13, 3: 16, 4: 18, 5: 24, 6: 32, 7: 48}
_COLOR = re.compile(r"(?<![-\w])color:([^;]+)")
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})$")
_RGB = re.compile(r"rgba?\((\d+),(\d+),(\d+)")


def _font_size(tag: str, style: str, attrs: dict) -> float | None:
    """The font size an element sets, in px (pt, em, % and <font size=N> converted), or None."""
    m = _FONT_SIZE.search(style)
    if m:
        value, unit = float(m.group(1)), m.group(2) or "px"
        return {"px": value, "pt": value * 4 / 3, "em": value * 16, "rem": value * 16, "%": value * 0.16}[unit]
    m = re.search(r"font-size:([a-z-]+)", style)
    if m and m.group(1) in _FONT_SIZE_WORDS:
        return float(_FONT_SIZE_WORDS[m.group(1)])
    size = attrs.get("size", "").strip()
    if tag == "font" and size.isdigit():
        return float(_FONT_TAG_SIZES.get(min(max(int(size), 1), 7)))
    return None


def _font_color(style: str, attrs: dict) -> str | None:
    """The text colour an element sets, normalised; "" for black or near-black (body text)."""
    m = _COLOR.search(style)
    raw = (m.group(1) if m else attrs.get("color", "")).strip().lower()
    if not raw:
        return None
    rgb = None
    if (h := _HEX.match(raw)):
        digits = h.group(1) if len(h.group(1)) == 6 else "".join(c * 2 for c in h.group(1))
        rgb = tuple(int(digits[k:k + 2], 16) for k in (0, 2, 4))
    elif (r := _RGB.match(raw)):
        rgb = tuple(int(x) for x in r.groups())
    if rgb is not None:
        # black, near-black and greys (no hue) are body or small print, not emphasis
        return "" if max(rgb) < 0x60 or max(rgb) - min(rgb) < 0x30 else "#%02x%02x%02x" % rgb
    return "" if raw in ("black", "windowtext", "inherit", "initial", "currentcolor", "gray", "grey") else raw


def _emphatic(style: tuple, body: tuple) -> bool:
    """Set apart from the body text: larger, or in a colour of its own."""
    size, color = style
    body_size, body_color = body
    larger = size is not None and size > (body_size or 16.0) + 0.5
    smaller = size is not None and size < (body_size or 16.0) - 0.5
    coloured = bool(color) and color != body_color
    return larger or (coloured and not smaller)


def styled_headings(blocks: list[RawBlock], max_len: int = 40) -> list[RawBlock]:
    """A short line with no final punctuation set larger or in another colour than the body text
    is a heading, in any tag (<font color>, <span style="font-size:…">, <p style="color:…">):
    the body's style is the one most of the running text is set in."""
    weight: dict[tuple, int] = {}
    for b in blocks:
        if b.kind == PARA and b.style is not None and (is_finished(b.text) or len(b.text) > max_len):
            weight[b.style] = weight.get(b.style, 0) + len(b.text)
    if not weight:
        return blocks
    body = max(weight, key=weight.get)
    for b in blocks:
        if (b.kind == PARA and b.style is not None and len(b.text) <= max_len and not is_finished(b.text)
                and not has_inner_sentence_end(b.text) and _emphatic(b.style, body)):
            b.kind, b.level = HEADING, 2
    return blocks


def parse_fragment(text: str, first_line: int = 1) -> list[RawBlock]:
    """The blocks of a piece of HTML inside another source (raw HTML in Markdown): its paragraphs,
    <br> breaks, bold and headings, with no page logic (<title>, chrome). Source lines count
    from `first_line`."""
    r = _Reader(fragment=True)
    r.feed(text)
    r.close()
    r.flush()
    shift = first_line - 1
    for b in r.blocks:
        b.line += shift
        b.lines = [(o, ln + shift) for o, ln in b.lines]
    return r.blocks


_TITLE_MAX = 40


class _Reader(HTMLParser):
    def parse_marked_section(self, i: int, report: int = 1) -> int:
        # html.parser asserts on a malformed <![ (…<![图](a.png) in a text that only looks like
        # HTML); a browser reads it as a bogus comment up to the next '>': so do we.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            j = self.rawdata.find(">", i + 3)
            return -1 if j < 0 else j + 1

    def __init__(self, fragment: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = fragment
        self.blocks: list[RawBlock] = []
        self.stack: list[_El] = []
        self.open: dict[str, list[int]] = {}   # tag -> stack indices of its open elements
        self.title: list[str] = []
        self.title_line = 1
        self.depth = 0              # deepest nesting of open elements met
        self.elements = 0           # elements opened
        self.full_page = False      # an <html>, <head> or <body> tag: a whole page, not a fragment
        self.link_texts: set[str] = set()   # navigation dropped as link-only paragraphs (squeezed)
        self.read = 0               # characters of text read so far (spaces aside)
        self.gap = False            # a blank line since the last block: the next opens a paragraph
        self._reset()

    def _reset(self) -> None:
        self.b = TextBuilder()
        self.chars = self.center_chars = self.heading_chars = self.link_chars = 0
        self.level: int | None = None
        self.tag_level: int | None = None
        self.css_indent = False
        self.style: tuple | None = None   # (size, colour) of all text so far; None when mixed
        self.styled = True

    def flush(self) -> None:
        text_len = self.b.len
        kind, level = PARA, None
        if self.tag_level is not None:
            kind, level = HEADING, self.tag_level
        elif self.chars and self.heading_chars == self.chars and text_len <= 60:
            kind, level = HEADING, self.level
        elif self.chars and self.center_chars == self.chars and text_len <= 40:
            kind, level = HEADING, 2
        styled = self.chars and (self.tag_level is not None or self.heading_chars == self.chars
                                 or self.center_chars == self.chars)
        if kind == PARA and self.chars and self.link_chars == self.chars:
            # a paragraph that is only links is navigation (推荐阅读 lists, 上一篇/下一篇)
            links = self.b.finish(PARA)
            if links is not None:
                self.link_texts.add(squeeze(links.text))
            self.b = TextBuilder()
        blk = self.b.finish(kind, level)
        if blk and self.css_indent:
            blk.indent = True
        if blk:
            blk.gap, self.gap = self.gap, False
        if blk and self.styled:
            blk.style = self.style
        if blk and styled and (cut := dash_subtitle_at(blk.text, _TITLE_MAX)):
            # a title and its —— subtitle set in one styled paragraph: two blocks
            head_level = self.tag_level or self.level or 2
            self.blocks += split_block(blk, cut, HEADING, PARA, head_level)
            self._reset()
            return
        if blk and kind == HEADING and blk.level != self.tag_level and (
                has_inner_sentence_end(blk.text) or blk.text.rstrip(CLOSERS)[-1:] in SENTENCE_END):
            # a centred or styled sentence is body text (a whole page may be centred)
            blk.kind, blk.level = PARA, None
        if blk:
            self.blocks.append(blk)
        self._reset()

    def _note_style(self, top: _El | None) -> None:
        """Keep the paragraph's (size, colour) while all its text shares it (styled_headings)."""
        style = (top.size, top.color or None) if top is not None else (None, None)
        if not self.chars:
            self.style = style
        elif self.style != style:
            self.styled = False

    def _pop_to(self, k: int) -> None:
        """Close the element at stack index k and everything opened inside it."""
        for el in self.stack[k:]:
            self.open[el.tag].pop()
        del self.stack[k:]

    def handle_starttag(self, tag: str, attrs) -> None:
        tag = tag.lower()
        if tag in ("br", "hr"):
            if not self.chars:
                self.gap = True   # a break on an empty line (<br><br>, </p><br>): a blank line
            self.flush()
        if tag in _VOID:
            return
        if tag in _SELF_CLOSING_SIBLINGS and self.stack:
            k = self.stack[-1].block   # <p> inside an open <p> (no block between) closes it
            if k >= 0 and self.stack[k].tag == tag:
                self._pop_to(k)
        if tag in _BLOCK:
            self.flush()
        if tag == "title":
            self.title_line = self.getpos()[0]
        if tag in ("html", "head", "body"):
            self.full_page = True
        self.open.setdefault(tag, []).append(len(self.stack))
        self.stack.append(_element(tag, attrs, self.stack[-1] if self.stack else None, len(self.stack)))
        self.stack[-1].mark = self.read
        if self.fragment and _chrome_named(attrs):
            self.stack[-1].skip = True
        self.depth = max(self.depth, len(self.stack))
        self.elements += 1

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        where = self.open.get(tag)
        if where:   # a stray end tag closes nothing …
            empty = self.stack[where[-1]].mark == self.read
            self._pop_to(where[-1])
            if tag in _BLOCK:
                self.flush()
                if empty and tag in ("p", "div"):
                    self.gap = True   # an empty paragraph or a spacer <div>: a blank line
        elif tag in ("p", "br"):
            self.flush()   # … but a browser makes a stray </p> an empty paragraph, </br> a break

    def handle_data(self, data: str) -> None:
        top = self.stack[-1] if self.stack else None
        if top is not None and top.in_title:
            self.title.append(data)
            return
        if top is not None and top.skip:
            return
        line = self.getpos()[0]
        n = sum(1 for ch in data if not ch.isspace())
        if n:
            bold = top is not None and top.bold
            if bold != self.b.bold_is_open:
                self.b.toggle_bold()
            if not self.chars and top is not None:
                self.css_indent = top.indent
            self._note_style(top)
            self.chars += n
            self.read += n
            if top is not None:
                self.center_chars += n if top.center else 0
                self.link_chars += n if top.link else 0
                if top.hlevel:
                    self.heading_chars += n
                    self.level = _min(top.hlevel, self.level)
                if top.htag:
                    self.tag_level = _min(top.htag, self.tag_level)
        self.b.text(data, line)


def _names(text: str, names: set[str]) -> bool:
    """`text` is one of the page's title `names` (spacing aside), or one of them followed by
    a —— subtitle."""
    if len(text) > 4 * _TITLE_MAX:
        return False
    t = "".join(text.split())
    return t in names or ("——" in t and t[:t.find("——")] in names)


# A channel label before a title: 观察：…, 理论频道:… (a name, then a colon)
_LABEL = re.compile(r"([^\s：:，,。！？；、“”‘’《》()（）]{1,8})\s*[：:]\s*(?=\S)")
_CRUMB_SEP = re.compile(r"[>›»/|｜·]+")


def _page_labels(chrome: set[str], title_parts: list[str]) -> set[str]:
    """Names the page shows outside its article: menu and breadcrumb items, and the
    channel and site parts of its <title>."""
    labels = {part for text in chrome if len(text) <= 200 for part in _CRUMB_SEP.split(text)}
    labels.update(squeeze(p) for p in title_parts[1:])
    labels.discard("")
    return labels


def _label_end(text: str, labels: set[str]) -> int:
    """Where a title's channel label ends (观察：标题 → 3), when the label is one the page
    shows outside its article; else 0. A speaker before a colon (某某：…) is no channel."""
    m = _LABEL.match(text)
    return m.end() if m and squeeze(m.group(1)) in labels else 0


def parse(text: str) -> tuple[dict, list[RawBlock]]:
    r = _Reader()
    r.feed(text)
    r.close()
    r.flush()
    blocks = styled_headings(r.blocks)
    meta: dict = {}
    title = " ".join("".join(r.title).split())
    parts = [p.strip() for p in _TITLE_SEP.split(title)] if title else []
    short = (parts[0] if parts else "") or title
    names = {squeeze(title), squeeze(short)} - {""}
    chrome = set(r.link_texts)
    if r.full_page:
        # a whole page: trafilatura locates the article among menus, related links,
        # comments and footers; a fragment is all article, as it always was
        where = pagebody.locate(text, blocks, r.depth, r.elements, names)
        if isinstance(where, str):
            meta["page_body"] = f"whole page: {where}"
        else:
            chrome.update(squeeze(b.text) for b in blocks[:where.start])
            chrome.update(squeeze(b.text) for b in blocks[where.end:])
            blocks = blocks[where.start:where.end]
            meta["page_body"] = "trafilatura"
    if title:
        meta["html_title"] = title
    has_h1 = any(b.kind == HEADING and b.level == 1 for b in blocks)
    at = next((k for k, b in enumerate(blocks) if _names(b.text, names)), None) if names else None
    if at is None and title and not has_h1 and not any(n in c for c in chrome for n in names):
        # a page whose article has no title line: the <title> stands in (unless it is only
        # the site's name, which the page shows outside the article: logo, menu, footer)
        blocks.insert(0, RawBlock(HEADING, short, r.title_line, 1))
        at = 0
    elif at is not None and blocks[at].kind == PARA and not has_h1:
        # the article's title set as a plain paragraph, named by the page's <title>
        blocks[at].kind, blocks[at].level = HEADING, 1
    elif at is not None and blocks[at].kind == HEADING:
        # the page's <title> names its article: headings above that one are site
        # chrome (a logo in <h1>, channel names), not titles or sections
        for b in blocks[:at]:
            if b.kind == HEADING:
                b.kind, b.level = PARA, None
    if r.full_page:
        head = at if at is not None else next((k for k, b in enumerate(blocks) if b.kind == HEADING), None)
        if head is not None:
            blocks[head].label_end = _label_end(blocks[head].text, _page_labels(chrome, parts))
    return meta, blocks
