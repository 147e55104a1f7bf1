"""Raw blocks → Documents: article splitting, metadata lines, fragments,
page-break joins, clean text with offsets and a line map."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..document import HEADING as K_HEADING
from ..data.lexicon import lexicon
from ..document import NOTE, PARAGRAPH, SUBHEADING, TITLE, Block, Document
from ..punctuation import CLOSERS, DASH_CHARS, DASH_OPENERS, ITEM_NUMERALS, SECTION_NUMBER, SENTENCE_END, SUBHEADING_NUMBER
from .patterns import (BARE_HEADING_MAX, banner_core, is_page_action_line, TITLE_MAX, author_note, byline_names,
                       column_line, dash_subtitle_at, editor_note, has_inner_sentence_end,
                       is_bare_heading_text, is_dropped_line, is_editorial_aside, is_finished,
                       is_latin_running_head, is_page_number, is_plain_title, is_short_han_label,
                       is_rights_line, is_short_plain, is_staff_line, numbered_kind, section_numbers,
                       is_furniture_heading, is_salutation, drafting_line, is_date_line, summary_box, is_notes_heading, is_headnote, open_quote_depth, original_title, signed_by_editor,
                       starts_by_closing_quote, title_tag)
from .raw import HEADING, PARA, RawBlock, merge_runs, split_block, strip_ornament

SEP = "\n\n"  # between blocks of the clean text


@dataclass
class _Seg:
    kind: str                                   # "article" or "fragment"
    titles: list[RawBlock] = field(default_factory=list)
    body: list[RawBlock] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    column: str | None = None
    meta: dict = field(default_factory=dict)
    after_note: bool = False   # opened after an author note (SCHEME: only that is a fragment)


@dataclass
class _Piece:
    kind: str
    text: str
    line: int
    bold: list[tuple[int, int]]
    lines: list[tuple[int, int]]
    # A paragraph torn by page breaks grows piece by piece: the pieces are kept in a list
    # and joined once, and the open-quotation depth is carried along, so that gluing
    # n pieces costs O(total length), not O(n * length).
    parts: list[str] = field(default_factory=list)
    size: int = 0
    depth: int = 0
    tail: str = ""      # the last characters, enough to see how the text ends

    def __post_init__(self) -> None:
        if not self.parts:
            self.parts, self.size = [self.text], len(self.text)
            self.depth = open_quote_depth(self.text)
            self.tail = self.text[-64:]

    def glue(self, b: RawBlock) -> None:
        shift = self.size
        self.parts.append(b.text)
        self.tail = (self.tail + b.text[-64:])[-64:]
        self.size += len(b.text)
        self.depth = open_quote_depth(b.text, self.depth)
        self.bold += [(s + shift, e + shift) for s, e in b.bold]
        self.lines += [(o + shift, ln) for o, ln in b.lines]

    def done(self) -> "_Piece":
        if len(self.parts) > 1:
            self.text = "".join(self.parts)
            self.parts = [self.text]
            self.bold = merge_runs(self.bold)
        return self


def _bold_only(b: RawBlock) -> bool:
    """A block wholly in bold that ends no sentence: a heading set in bold. Not one that ends at a
    colon (**天朝不正常的地方：**): a label announcing what follows (SCHEME CLAIM 4), no heading."""
    return b.bold == [(0, len(b.text))] and b.text.rstrip(CLOSERS)[-1:] not in SENTENCE_END + "：:"


QUESTION_HEADING_MAX = 30


def _bold_question(b: RawBlock) -> bool:
    """A short line wholly in bold that is one question and nothing else (二十一世纪是中国的世纪？):
    in an article whose other headings are marked, a heading that asks."""
    t = b.text.rstrip(CLOSERS)
    return (b.kind == PARA and b.bold == [(0, len(b.text))] and 0 < len(b.text) <= QUESTION_HEADING_MAX
            and t[-1:] in "？?" and not has_inner_sentence_end(b.text))


def _heading_like(b: RawBlock) -> bool:
    return b.kind == HEADING or _bold_only(b)


def _dash_subtitle(b: RawBlock) -> bool:
    return b.text.startswith(DASH_OPENERS) and len(b.text.lstrip(DASH_CHARS + " ")) > 0


_META_KEY = {"editor": "editor_note", "aside": "asides", "original_title": "original_title",
             "salutation": "salutation", "drafting": "drafting", "date": "date_line"}


# ---- step 1: lines that are not article text ----------------------------------
def _roles(blocks: list[RawBlock]) -> tuple[list[str | None], list, str | None]:
    """Per block: None (content), "drop", "note", "column", "editor", "aside" or
    "original_title"; values;
    running-head column."""
    roles: list[str | None] = [None] * len(blocks)
    values: list = [None] * len(blocks)
    running_column = None
    pending_note = pending_box = -1
    numbers = section_numbers([b.text for b in blocks])
    for k, b in enumerate(blocks):
        t = b.text
        if k in numbers:
            b.kind, b.level = HEADING, None   # 1, 2, 3 … on lines of their own: sections, not pages
        elif is_latin_running_head(t) or is_page_number(t):
            roles[k] = "drop"
        elif k and is_latin_running_head(blocks[k - 1].text) and is_short_han_label(t):
            roles[k], running_column = "drop", t   # the Chinese running head: the spread's column
        elif (note := author_note(t)) is not None:
            roles[k], values[k] = "note", note
        elif (ed := editor_note(t)) is not None:
            roles[k], values[k] = "editor", ed
            if ed == t and k + 1 < len(blocks) and blocks[k + 1].kind == PARA:
                pending_note = k + 1   # a 【编者按】 line alone: the note is the next paragraph
        elif (orig := original_title(t)) is not None:
            roles[k], values[k] = "original_title", orig
        elif (col := column_line(t)) is not None:
            roles[k], values[k] = "column", col
        # (SCHEME v1.3: metadata lines of speeches, classic essays and reports)
        elif is_salutation(t):
            roles[k], values[k] = "salutation", t
        elif (who := drafting_line(t)) is not None:
            roles[k], values[k] = "drafting", who
        elif is_date_line(t):
            roles[k], values[k] = "date", t.strip("（）() ")
        elif (box := summary_box(t)) is not None:
            roles[k], values[k] = "box", box or t
            if not box and k + 1 < len(blocks) and blocks[k + 1].kind == PARA:
                pending_box = k + 1   # the label alone: the box is the next paragraph
        elif k == pending_box:
            roles[k], values[k] = "box", t
        elif is_notes_heading(t):
            roles[k], values[k] = "notes", t
        elif is_dropped_line(t):
            roles[k] = "drop"
        elif k == pending_note:
            roles[k], values[k] = "editor", t
        elif is_editorial_aside(t):
            roles[k], values[k] = "aside", t
    for k in range(1, len(blocks)):
        # a share pop-up's how-to torn at a comma: its first half goes with it
        prev = blocks[k - 1].text
        if roles[k] == "drop" and roles[k - 1] is None and is_page_action_line(blocks[k].text) \
                and prev.endswith(("，", ",")) and len(prev) <= BARE_HEADING_MAX:
            roles[k - 1] = "drop"
    _drop_banner(blocks, roles)
    _drop_contents(blocks, roles)
    # a short line that recurs on several pages is a running head
    def candidate(k: int) -> bool:
        t = blocks[k].text
        followed_by_byline = k + 1 < len(blocks) and byline_names(blocks[k + 1].text)
        return (roles[k] is None and blocks[k].kind == PARA and len(t) <= 30 and not is_finished(t)
                and not byline_names(t) and not numbered_kind(t) and not followed_by_byline)
    # after the source and staff lines that follow the last paragraph of running text, a web
    # page has only chrome (推荐阅读 lists, follow and share lines)
    last_body = max((k for k in range(len(blocks)) if roles[k] is None and _is_body(blocks[k])), default=None)
    if last_body is not None:
        staff = next((k for k in range(last_body + 1, len(blocks))
                      if roles[k] == "drop" and is_staff_line(blocks[k].text)), None)
        for k in range(staff + 1 if staff is not None else len(blocks), len(blocks)):
            roles[k] = roles[k] or "drop"
    _drop_furniture(blocks, roles)
    counts = Counter(blocks[k].text for k in range(len(blocks)) if candidate(k))
    for k in range(len(blocks)):
        t = blocks[k].text
        n = counts.get(t, 0) if candidate(k) else 0
        if n >= 3 or n >= 2 and (t == running_column or any(c.isascii() and c.isalnum() for c in t)):
            roles[k] = "drop"
    return roles, values, running_column


def _drop_furniture(blocks: list[RawBlock], roles: list) -> None:
    """A heading of the page's furniture (相关文章, 作者简介, 订阅…), or a rights notice (转载…版权许可,
    版权所有), after running text ends the article: it and what follows are chrome, up to the next
    top-level heading (another article in the same file). Metadata lines in it keep their roles."""
    seen_body = dropping = False
    for k, b in enumerate(blocks):
        if dropping:
            if not (b.kind == HEADING and b.level == 1):
                roles[k] = roles[k] or "drop"
                continue
            dropping = False
        if seen_body and roles[k] in (None, "drop") and is_rights_line(b.text):
            roles[k], dropping = "drop", True   # (a rights notice closes the article)
            continue
        if roles[k] is not None:
            continue
        if seen_body and (b.kind == HEADING or len(b.text) <= BARE_HEADING_MAX) and is_furniture_heading(b.text):
            roles[k], dropping = "drop", True
        elif _is_body(b):
            seen_body = True


_BANNER_WINDOW = 12   # a crawler's header (source, link, breadcrumb lines) is a few blocks long


def _drop_banner(blocks: list[RawBlock], roles: list) -> None:
    """A page whose first heading is a title banner (【标题】-网站名, or the title itself) and
    whose title comes again as a heading a few blocks further, with no running text between:
    the banner and the crawler's header lines under it are page chrome, the later heading
    is the title."""
    first = next((k for k in range(min(len(blocks), _BANNER_WINDOW)) if blocks[k].kind == HEADING), None)
    if first is None:
        return
    text = blocks[first].text
    wanted = {_squeeze(text)} | ({_squeeze(core)} if (core := banner_core(text)) else set())
    for j in range(first + 1, min(len(blocks), first + _BANNER_WINDOW)):
        b = blocks[j]
        if roles[j] is None and _is_body(b):
            return
        if _heading_like(b) and _squeeze(b.text) in wanted:
            for k in range(first, j):
                roles[k] = roles[k] or "drop"
            return


def _drop_contents(blocks: list[RawBlock], roles: list) -> None:
    """A table of contents: two or more numbered lines in a row, each set again further down as
    a heading (bold or marked up), with its number or without it (目次 一、总论 … ## 总论). The
    later lines are the sections; the list is not text, nor is a contents heading (目次, 目录)
    right before it."""
    last_heading: dict[str, int] = {}
    for k, b in enumerate(blocks):
        if _heading_like(b):
            last_heading[_squeeze(b.text)] = k
    if len(last_heading) < 2:
        return

    def set_again(j: int) -> bool:
        text = blocks[j].text
        later = max(last_heading.get(_squeeze(text), -1), last_heading.get(_squeeze(_SECTION_NUMBER.sub("", text)), -1))
        return later > j

    k = 0
    while k < len(blocks):
        j = k
        while j < len(blocks) and roles[j] is None and numbered_kind(blocks[j].text) and set_again(j):
            j += 1
        if j - k >= 2:
            for m in range(k, j):
                roles[m] = "drop"
            if k and roles[k - 1] is None and _CONTENTS_HEADING.match(_squeeze(blocks[k - 1].text)):
                roles[k - 1] = "drop"
        k = max(j, k + 1)


# (the heading over a table of contents)
_CONTENTS_HEADING = re.compile(r"^[#*_]*(?:目次|目录|本文目录|文章目录|内容目录|contents)[:：]?$", re.I)
# (a heading's number: 一、 （一） 1. 第一部分 …, as the list prints it before the heading's words)
_SECTION_NUMBER = re.compile(rf"^\s*(?:{SECTION_NUMBER}|{SUBHEADING_NUMBER})\s*")


# ---- step 2: where articles start ---------------------------------------------------
@dataclass
class _Start:
    titles: list[int]
    consumed: list[int]
    authors: list[str]
    subtitle: str | None = None


def _starts(blocks: list[RawBlock], cs: list[int]) -> dict[int, _Start]:
    """Article starts keyed by the block index of the first title line. `cs` = content indices."""
    starts: dict[int, _Start] = {}
    used: set[int] = set()
    for p in range(1, len(cs)):
        names = byline_names(blocks[cs[p]].text)
        if not names or cs[p] in used:
            continue
        q, subtitle = p - 1, None
        if q >= 1 and _dash_subtitle(blocks[cs[q]]):
            subtitle, q = cs[q], q - 1
        cand = blocks[cs[q]]
        # (a top-level heading is never a byline, though a short title may read like a name: 文化强国)
        if cs[q] in used or byline_names(cand.text) and not (cand.kind == HEADING and cand.level == 1):
            continue
        prev = blocks[cs[q - 1]] if q >= 1 else None
        if _heading_like(cand):
            titles = [q]
            # a title set on two heading lines, or a kicker line (引题) above the title:
            # nothing but a heading can stand between two heading lines and a byline
            if subtitle is None and prev is not None and _heading_like(prev) and cs[q - 1] not in used \
                    and not byline_names(prev.text) and not numbered_kind(prev.text):
                titles = [q - 1, q]
        elif is_short_plain(cand.text, 40):
            if subtitle is None and prev is not None and _heading_like(prev) and cs[q - 1] not in used:
                titles = [q - 1, q]   # heading + a subtitle line that is not a byline
            elif prev is None or is_finished(prev.text) or _heading_like(prev):
                titles = [q]
            else:
                continue
        else:
            continue
        start = _Start([cs[t] for t in titles], [], names)
        start.consumed = [*start.titles, cs[p]]
        if subtitle is not None:
            start.subtitle = blocks[subtitle].text
            start.consumed.append(subtitle)
        if p + 1 < len(cs) and start.subtitle is None and _dash_subtitle(blocks[cs[p + 1]]):
            start.subtitle = blocks[cs[p + 1]].text
            start.consumed.append(cs[p + 1])
        used.update(start.consumed)
        starts[start.titles[0]] = start
    if not starts:
        # no byline anywhere: the title is the first heading before the body, else the first
        # short line before the body that ends no sentence (a web page may set its title as
        # a plain paragraph); when the body comes first, only a top-level heading is a title
        first = _first_title(blocks, cs)
        if first is not None:
            start = _Start([cs[first]], [cs[first]], [])
            head = blocks[cs[first]]
            nxt = blocks[cs[first + 1]] if first + 1 < len(cs) else None
            if nxt is not None and nxt.kind == HEADING and head.kind == HEADING and not _dash_subtitle(nxt) \
                    and not numbered_kind(nxt.text) and ((nxt.level or 99) < (head.level or 0)
                                                         or _title_on_two_lines(blocks, cs, first)):
                # a kicker line (引题) set smaller than the title under it, or a title set on two
                # heading lines of one level
                start.titles.append(cs[first + 1])
                start.consumed.append(cs[first + 1])
                first += 1
            if first + 1 < len(cs) and _dash_subtitle(blocks[cs[first + 1]]):
                start.subtitle = blocks[cs[first + 1]].text
                start.consumed.append(cs[first + 1])
            starts[cs[first]] = start
    return starts


def _title_on_two_lines(blocks: list[RawBlock], cs: list[int], first: int) -> bool:
    """The first two content blocks are headings of one level with nothing between them, and no
    later heading has that level: a title set on two lines (<h1>…</h1><h1>…</h1>, then <h2>
    sections), not a title and its first section (which the article's other sections share)."""
    head, nxt = blocks[cs[first]], blocks[cs[first + 1]]
    if head.level is None or head.level != nxt.level:
        return False
    return not any(blocks[c].kind == HEADING and blocks[c].level == head.level for c in cs[first + 2:])


def _is_body(b: RawBlock) -> bool:
    """A paragraph of running text (a sentence, or longer than any title)."""
    t = b.text
    return (not _heading_like(b) and not byline_names(t)
            and (is_finished(t) or has_inner_sentence_end(t) or len(t) > 2 * TITLE_MAX))


def _first_title(blocks: list[RawBlock], cs: list[int]) -> int | None:
    """Position in `cs` of the title of an article with no byline, or None."""
    body = next((p for p in range(len(cs)) if _is_body(blocks[cs[p]])), len(cs))
    for p in range(body):
        if _heading_like(blocks[cs[p]]):
            return p
    for p in range(min(body, len(cs) - 1)):
        b = blocks[cs[p]]
        if b.kind == PARA and not byline_names(b.text) and is_plain_title(b.text):
            return p
    # the body comes first: a top-level heading further down is still the title (a notice
    # above it), a lesser one is a section of an untitled text
    return next((p for p in range(len(cs)) if _heading_like(blocks[cs[p]])
                 and (body == len(cs) or (blocks[cs[p]].kind == HEADING and blocks[cs[p]].level == 1))), None)


def _title_and_subtitle(b: RawBlock) -> tuple[RawBlock, str | None]:
    """A title line with its —— subtitle on the same line: the title alone, and the subtitle."""
    at = None if b.field_title else dash_subtitle_at(b.text)
    if at is None:
        return b, None
    head, tail = split_block(b, at, b.kind, PARA, b.level)
    return head, tail.text


# ---- step 3: segments -----------------------------------------------------------------
def _segments(blocks: list[RawBlock]) -> tuple[list[_Seg], str | None]:
    roles, values, running_column = _roles(blocks)
    cs = [k for k in range(len(blocks)) if roles[k] is None]
    starts = _starts(blocks, cs)
    consumed = {k for s in starts.values() for k in s.consumed}
    next_content = {}
    nxt = None
    for k in range(len(blocks) - 1, -1, -1):
        next_content[k] = nxt
        if roles[k] is None:
            nxt = k

    segs: list[_Seg] = []
    cur: _Seg | None = None
    pending = _Seg("fragment")   # metadata met while no segment is open
    noted = False                # an author note has been met
    in_notes = False             # inside the notes section at the end of a text (注释 …)

    def open_seg(seg: _Seg) -> _Seg:
        seg.column = seg.column or pending.column
        seg.notes[:0] = pending.notes
        for key, val in pending.meta.items():
            seg.meta.setdefault(key, val)
        pending.column, pending.notes, pending.meta = None, [], {}
        segs.append(seg)
        return seg

    for k, b in enumerate(blocks):
        role = roles[k]
        if role == "drop":
            if cur is not None and cur.body:
                cur.body[-1].page_end = True
            continue
        if role == "note":
            target = cur or (segs[-1] if segs else pending)  # notes in a row go together
            target.notes.append(values[k])
            noted = True
            if cur is not None and cur.body:
                cur = None   # an author note ends its article (one right under the byline does not)
        elif role == "column":
            if cur is not None and next_content[k] not in starts:
                cur.column = cur.column or values[k]
            else:
                pending.column = values[k]
        elif role in _META_KEY:
            _add_meta(cur or pending, _META_KEY[role], values[k])
        elif role in ("box", "notes") or (in_notes and k not in starts):
            # a summary box, or the notes at the end (注释 and what follows): shown as notes,
            # never annotated, and kept in the metadata
            _add_meta(cur or pending, "summary" if role == "box" else "notes", values[k] or b.text)
            if cur is not None:
                b.editorial = True
                cur.body.append(b)
            in_notes = in_notes or role == "notes"
        elif k in starts:
            in_notes = False
            st = starts[k]
            titles, subtitle = [], st.subtitle
            for t in st.titles:
                line, dash = _title_and_subtitle(blocks[t])
                titles.append(line)
                subtitle = subtitle or dash
            cur = open_seg(_Seg("article", titles, authors=st.authors))
            if subtitle:
                cur.meta["subtitle"] = subtitle
        elif k not in consumed:
            if cur is None:
                cur = open_seg(_Seg("fragment", after_note=noted))
            cur.body.append(b)
    if not any(seg.kind == "article" for seg in segs):
        # a file with no title found is one article, not a fragment: only text after an
        # author note is cut off from an article (SCHEME: fragment)
        untitled = next((seg for seg in segs if not seg.after_note), None)
        if untitled is not None:
            untitled.kind = "article"
    if segs:   # metadata after the last text belongs to the last segment
        segs[-1].notes += pending.notes
        segs[-1].column = segs[-1].column or pending.column
        for key, val in pending.meta.items():
            segs[-1].meta.setdefault(key, val)
    for seg in segs:
        if seg.kind == "article":
            _editorial_front(seg)
            _blockquotes_apart(seg)
    return segs, running_column


# A breadcrumb trail: three items or more joined by > » › (首页 > 评论 > 某某：标题), the last may be long
_CRUMB_SEP = re.compile(r"\s*[>»›]\s*")
CRUMB_MAX, CRUMB_TITLE_MAX = 20, 60


def _breadcrumb(text: str) -> bool:
    """A breadcrumb trail: three items or more apart by > » ›, no sentence end, each item short but
    one, the page's title, which may be long (首页 > 时政 > title; 正在阅读：title首页> 时政> 正文)."""
    if "。" in text or "！" in text or "？" in text:
        return False
    items = _CRUMB_SEP.split(text)
    if len(items) < 3 or not all(items):
        return False
    lengths = sorted(len(i) for i in items)
    return lengths[-1] <= CRUMB_TITLE_MAX and lengths[-2] <= CRUMB_MAX


def _is_chrome_line(text: str) -> bool:
    """Short, unpunctuated, no sentence: a navigation or share line of a web page; or a
    breadcrumb trail, whose last item (the page's title) may be long."""
    return ((len(text) <= BARE_HEADING_MAX and not is_finished(text) and not has_inner_sentence_end(text))
            or _breadcrumb(text.strip()))


# ---- step 3b: editorial matter between the byline and the body ---------------------------
_FRONT_WINDOW = 8      # editorial matter sits in the first few blocks of an article
_MIN_COPY = 16         # an editorial copy is a clause or more, not a phrase


def _add_meta(seg: _Seg, key: str, text: str) -> None:
    old = seg.meta.get(key)
    seg.meta[key] = f"{old}\n{text}" if old else text


_QUOTED_SHARE = 0.4    # blockquotes are set-apart matter only while the running text is most of the body


def _blockquotes_apart(seg: _Seg) -> None:
    """Paragraphs set in a Markdown blockquote (> …) inside running text are someone else's words
    quoted at length, or pull quotes: NOTE blocks, never annotated (no gold of the tuning sets puts a
    span in one). Not when the blockquotes are much of the body (a repost set wholly in >), nor a
    short line (a byline set in >)."""
    body = [b for b in seg.body if b.kind == PARA and not b.editorial]
    total = sum(len(b.text) for b in body)
    quoted = [b for b in body if b.quoted and len(b.text) > _MIN_COPY
              and (has_inner_sentence_end(b.text) or is_finished(b.text))]
    if not quoted or sum(len(b.text) for b in quoted) >= _QUOTED_SHARE * total:
        return
    pulls = [b.text for b in quoted]
    _add_meta(seg, "blockquotes", "\n".join(pulls))
    for b in quoted:
        b.editorial = True


def _editorial_front(seg: _Seg) -> None:
    """Mark what an editor put above the body (NOTE blocks: kept in the text, never
    annotated; their text also goes to Document.meta):
    - an editor's note signed ——编者 (the note is everything above the signature);
    - pull-quote lines and editor's boxes: leading paragraphs that the body repeats
      word for word (导语 highlights under the byline, a 【核心提示】 box copying a
      paragraph of the speech below). An unpunctuated line under the byline alone is
      not enough: it may be the first paragraph torn by a page break."""
    body = seg.body
    window = body[:_FRONT_WINDOW]
    cut = 0
    for k, b in enumerate(window):
        if b.kind == HEADING:
            break
        if signed_by_editor(b.text) is not None:
            note = "\n".join([x.text for x in body[:k]] + [signed_by_editor(b.text)])
            _add_meta(seg, "editor_note", note.strip())
            cut = k + 1
            break
    # an editor's headnote about the text itself (这是…在…上的讲话。), right above the body
    while cut < min(len(body), _FRONT_WINDOW) and body[cut].kind == PARA and is_headnote(body[cut].text):
        _add_meta(seg, "headnote", body[cut].text)
        cut += 1
    rest = "".join("".join(b.text.split()) for b in body[cut:])
    pulls: list[str] = []
    while cut < len(body) and cut < _FRONT_WINDOW and body[cut].kind == PARA:
        t = body[cut].text
        squeezed = "".join(t.split()).rstrip(SENTENCE_END + "；;，,")
        rest = rest[len("".join(t.split())):]
        copy = len(squeezed) >= _MIN_COPY and squeezed in rest
        if not copy:
            break
        pulls.append(t)
        cut += 1
    if pulls:
        seg.meta["pull_quotes"] = pulls
    for b in body[:cut]:
        b.editorial = True


# ---- step 4: block kinds and page-break joins -----------------------------------------------
def _continues(prev: _Piece, nxt: RawBlock) -> bool:
    """A page break: `prev` ends mid-sentence, or mid-quotation that `nxt` closes."""
    if nxt.bold and nxt.bold[0][0] == 0:
        return False   # a bold lead opens a new point: never glue it to a torn paragraph
    if nxt.indent or nxt.gap:
        return False   # an indent or a blank line opens a new paragraph: what came before ended there
    return not is_finished(prev.tail) or (prev.depth > 0 and starts_by_closing_quote(nxt.text))


def _bare_heading(b: RawBlock, prev: _Piece | None, nxt: RawBlock | None) -> bool:
    """A short line with no final punctuation standing between finished paragraphs (or
    right under the title) with a paragraph under it: a heading set with no markup. A
    piece after an unfinished paragraph or inside an open quotation is a page break.
    Where the source indents paragraphs, a line that opens with an indent is a paragraph of
    its own whatever precedes it, and one whose next paragraph opens with an indent was
    cut by no page break: either way a comma in it is no sign of a torn sentence."""
    if nxt is None or nxt.kind != PARA or _bold_only(nxt) or b.page_end \
            or is_short_plain(nxt.text, BARE_HEADING_MAX):
        return False
    prev_torn = prev is not None and prev.kind == PARAGRAPH and (not is_finished(prev.tail) or prev.depth > 0)
    if prev_torn and not b.indent:
        return False
    if not is_bare_heading_text(b.text, own_paragraph=nxt.indent):
        return False
    return not (b.bold and b.bold[0][0] == 0 and b.bold != [(0, len(b.text))])


# A heading line that opens with an enumerator is a point, not a section (SCHEME: SUPPORT 4):
# the rules' enumerators (annotate/data/lexicon.toml, [support] enumerators_re), matched at its start.
_ENUMERATED = lexicon().support.enumerators


def _pieces(body: list[RawBlock], article: bool = True) -> list[_Piece]:
    levels = [b.level for b in body if b.kind == HEADING and b.level is not None]
    section = min(levels) if levels else None
    numbered_sections = any(b.kind == HEADING and b.level == section and numbered_kind(b.text) == K_HEADING
                            for b in body)
    # A （一）/1． line is second level only under sections of a higher rank (一、…, or explicit
    # headings above it); where it is the article's top level it numbers the sections themselves.
    series = _one_series(body)
    ranked_above = (numbered_sections or any(
        not b.editorial and (numbered_kind(b.text) == K_HEADING
                             or (b.kind == HEADING or _bold_only(b)) and numbered_kind(b.text) != SUBHEADING)
        for b in body)) and not series
    # bare lines are headings only in an article that marks none of its headings (in a
    # fragment, text cut off by the previous page, a short first line is a torn piece)
    marked = not article or any(b.kind == HEADING or _bold_only(b) for b in body if not b.editorial)
    out: list[_Piece] = []
    bare_at: list[int] = []
    for i, b in enumerate(body):
        prev = out[-1] if out else None
        nxt = body[i + 1] if i + 1 < len(body) else None
        if b.editorial:   # a note stands alone: nothing glues into it or onto it
            out.append(_Piece(NOTE, b.text, b.line, [], list(b.lines)))
            continue
        # (a bold question is a heading only among marked headings: alone it is emphasis)
        explicit, bold_only = b.kind == HEADING, _bold_only(b) or (article and marked and _bold_question(b))
        bare = not (explicit or bold_only or marked) and _bare_heading(b, prev, nxt)
        if prev and prev.kind == PARAGRAPH and not explicit and not bold_only and not bare \
                and _continues(prev, b):
            prev.glue(b)
            continue
        nk = numbered_kind(b.text)
        if explicit:
            if series and nk:
                kind = K_HEADING
            elif section is not None and b.level is not None and b.level > section:
                kind = SUBHEADING
            elif nk == SUBHEADING and ranked_above:
                kind = SUBHEADING
            else:
                kind = K_HEADING
        elif bold_only:
            kind = SUBHEADING if nk == SUBHEADING and ranked_above else K_HEADING
        elif nk and (prev is None or prev.kind != PARAGRAPH or is_finished(prev.tail)) \
                and not _item_of_a_list(b, body[i - 1] if i else None):
            kind = SUBHEADING if nk == SUBHEADING and ranked_above else K_HEADING
        elif bare:
            kind = K_HEADING
            bare_at.append(len(out))
        else:
            kind = PARAGRAPH
        if kind == K_HEADING and _ENUMERATED.match(b.text):
            kind = SUBHEADING
        out.append(_Piece(kind, b.text, b.line, list(b.bold), list(b.lines)))
    _lone_bare_heading(out, bare_at)
    return [p.done() for p in out]


def _lone_bare_heading(out: list[_Piece], bare_at: list[int]) -> None:
    """Sections come in twos or more: one unmarked short line inside the body, the article's
    only heading, is a sentence without its final mark (关于…的更多介绍，可以参考…), not a section
    of one. (As the body's first piece, under the title, it may still head the text.)"""
    if len(bare_at) == 1 and bare_at[0] > 0 and sum(p.kind in (K_HEADING, SUBHEADING) for p in out) == 1:
        out[bare_at[0]].kind = PARAGRAPH


_NUMBER_STYLE = re.compile(rf"^\s*(?:(?P<paren>[（(][^）)]{{1,3}}[)）])|(?P<arabic>\d{{1,2}}[.．、)）])|(?P<han>[{ITEM_NUMERALS}]{{1,3}}[、.．]))")


def _item_of_a_list(b: RawBlock, before: RawBlock | None) -> bool:
    """A numbered line right after an item of the same numbering that is a sentence or more
    (2. 正常的议会，可以否决…。 then 3. 这个全国人大的成员，…): one more item of that list, not a
    heading, however short."""
    if before is None or before.kind == HEADING:
        return False
    m, n = _NUMBER_STYLE.match(b.text), _NUMBER_STYLE.match(before.text)
    return bool(m and n and m.lastgroup == n.lastgroup
                and (has_inner_sentence_end(before.text) or is_finished(before.text)))


_HAN_VALUE = {c: i for i, c in enumerate(ITEM_NUMERALS, 1)}
_SERIES_NUMBER = re.compile(rf"^\s*(?:(?P<sub>[（(])(?P<a>[{ITEM_NUMERALS}])[)）]|(?P<b>[{ITEM_NUMERALS}])[、.．])")


def _one_series(body: list[RawBlock]) -> bool:
    """The article numbers its sections in one count across two styles (（一）… （二）… （三）… 四、…
    （五）…, as a writer's text may have them): every number once, 1 to n in order, both styles
    used. Then （一） is not a level below 一、: they are all sections."""
    seen, styles = [], set()
    for b in body:
        if b.editorial or numbered_kind(b.text) is None:
            continue
        m = _SERIES_NUMBER.match(b.text)
        if not m:
            continue
        styles.add(bool(m.group("sub")))
        seen.append(_HAN_VALUE[m.group("a") or m.group("b")])
    return len(styles) == 2 and len(seen) >= 3 and seen == list(range(1, len(seen) + 1))


def _emphasis(p: _Piece) -> bool:
    """Bold over a whole paragraph of several sentences: a reposting editor's emphasis
    (print sets only the lead in bold, with the elaboration after it in plain type)."""
    return bool(p.bold) and p.bold[0][0] == 0 and p.bold[-1][1] >= len(p.text.rstrip()) \
        and sum(e - s for s, e in p.bold) >= len(p.text.rstrip()) - 1 and has_inner_sentence_end(p.text)


# ---- step 5: documents ----------------------------------------------------------------
def _document(seg: _Seg, pieces: list[_Piece], base: Document) -> Document:
    all_pieces = [_Piece(TITLE, t.text, t.line, list(t.bold), list(t.lines)) for t in seg.titles] + pieces
    labels = [t.label_end for t in seg.titles]
    parts, blocks, line_map, pos = [], [], [], 0
    titles, column = [], seg.column
    for i, p in enumerate(all_pieces):
        if parts:
            pos += len(SEP)
        start, end = pos, pos + len(p.text)
        claim = None
        if p.kind == TITLE:
            cs, ce, tag = title_tag(p.text)
            if cs < labels[i] < ce:   # a channel label the reader found (观察：…)
                cs, tag = labels[i], tag or p.text[:labels[i]].strip().rstrip("：:").strip()
            if (cs, ce) != (0, len(p.text)):
                claim = (start + cs, start + ce)
            column = column or tag
            titles.append(p.text[cs:ce].strip())
        bold = p.bold
        if p.kind == PARAGRAPH and _emphasis(p):
            bold = []   # a whole paragraph set in bold is emphasis, not a lead
        blocks.append(Block(p.kind, start, end, p.line,
                            [(start + s, start + e) for s, e in bold if e > s], claim))
        line_map += [(start + o, ln) for o, ln in p.lines]
        parts.append(p.text)
        pos = end
    return Document(
        text=SEP.join(parts), source=base.source, path=base.path, kind=seg.kind,
        title=" ".join(titles) if seg.kind == "article" and titles else None,
        authors=list(seg.authors), author_note="\n".join(seg.notes) or None, column=column,
        blocks=blocks, line_map=line_map, meta={**base.meta, **seg.meta},
    )


def _chrome(doc: Document) -> bool:
    """A fragment of short lines with no sentence in it: navigation or share links
    around a web article, not text cut off from an article."""
    return all(_is_chrome_line(doc.text[b.start:b.end]) for b in doc.blocks)


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _drop_title_repeat(seg: _Seg) -> None:
    """The title printed again as a heading above the body (a page's `#` title, then its own `##`
    one; a feed's `account｜title` line, then the title): one title, not a section of its own."""
    if seg.kind != "article" or not seg.titles:
        return
    names = {_squeeze("".join(t.text for t in seg.titles))}
    for t in seg.titles:
        cs, ce, _ = title_tag(t.text)
        names |= {_squeeze(t.text), _squeeze(t.text[cs:ce])}
    for k, b in enumerate(seg.body):
        if _is_body(b):
            return
        if _heading_like(b) and _squeeze(b.text.strip("*_")) in names:
            del seg.body[k]
            return


def build(blocks: list[RawBlock], *, source: str, path: str, meta: dict | None = None) -> list[Document]:
    """Documents (articles and fragments) in file order; `meta` goes to every Document.meta."""
    blocks = [strip_ornament(b) for b in blocks if b.text]
    segs, running_column = _segments(blocks)
    base = Document(text="", source=source, path=path, meta=dict(meta or {}))
    docs: list[Document] = []
    for seg in segs:
        _drop_title_repeat(seg)
    built = [_document(seg, _pieces(seg.body, seg.kind == "article"), base) for seg in segs]
    # a file of one article (a web page) gives that article alone: short unpunctuated
    # fragments around it are page chrome; between articles they are torn page pieces
    single = sum(d.kind == "article" for d in built) == 1
    for i, doc in enumerate(built):
        if not any(ch.isalnum() for ch in doc.text):
            continue   # nothing to annotate
        if single and doc.kind == "fragment" and _chrome(doc):
            continue   # page chrome around the article (breadcrumbs, share links)
        following = built[i + 1] if i + 1 < len(built) else None
        if doc.kind == "fragment" and following is not None and following.title \
                and _squeeze(doc.text) == _squeeze(following.title):
            continue   # the title printed twice (a page's title banner before the article)
        doc.column = doc.column or running_column
        doc.index = len(docs)
        docs.append(doc)
    return docs
