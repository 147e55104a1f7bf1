"""Markdown → raw blocks (no Markdown dependency: the subset commentary uses).

Front matter (`---` … `---`, `key: value` lines), ATX and setext headings,
paragraphs, `>` quotes, list items, hard breaks; inline `**bold**`/`__bold__`,
`<strong>`/`<b>`, links, code, entities and escapes.
"""
from __future__ import annotations

import html
import re

from . import html as _html
from .patterns import TITLE_MAX, is_finished, is_latin_running_head, is_short_han_label, is_standalone_line, is_short_plain
from .raw import HEADING, PARA, RawBlock, TextBuilder

_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:\s*(.*)$")
_ITEM = re.compile(r"^\s*-\s+(.*)$")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?!#)(\s*)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:\s*\1){2,}\s*$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_QUOTE = re.compile(r"^(?:\s{0,3}>\s?)+")   # all quote levels at once: no re-slicing per level
_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
_ORDERED = re.compile(r"^\s*\d{1,3}[.)]\s+(?=\S)")
_BR = re.compile(r"<br\s*/?>", re.I)
# Paragraphs run together on one line, each after an indent of full-width spaces (…。　　下一段):
# the indent after a finished sentence starts a paragraph, as it does at a line's start.
_INDENT_BREAK = re.compile(r"(?<=[。！？!?”’」』…》：:*_])[ \t]*\u3000{2,}")
# A line that opens with a block-level HTML tag (or a styling <span>/<font>) starts raw HTML, up
# to the next blank line (CommonMark's HTML block): a repost's body pasted from another site.
_HTML_START = re.compile(
    r"^ {0,3}</?(?:div|p|section|article|h[1-6]|table|tbody|tr|td|ul|ol|li|blockquote|center|"
    r"header|footer|main|figure|dl|dt|dd|pre|span|font)(?=[\s>/])", re.I)
# Link text holds no bracket and a target no parenthesis: each match attempt then stops at
# the next bracket, so a line full of unclosed brackets costs linear time, not quadratic.
_IMG = re.compile(r"!\[[^\[\]\n]*\]\([^()\n]*\)")
# (the target may carry a quoted title, parentheses allowed inside it: [t](url "标题(一)"))
_LINK = re.compile(r"\[([^\[\]\n]*)\]\((?:[^()\n]*|[^()\s]*\s+\"[^\"\n]{0,300}\")\)")
# What a navigation line holds besides its links: breadcrumb separators, list and rank marks
_NAV_REST = re.compile(r"^[\s>»/|｜·•\-*_#\d.《》]*$")   # (《[书名](链接)》: a reading list's titles)


# Markdown inside raw HTML (<div align=center>**标题**</div>, as crawlers write a centred bold title):
# CommonMark would print the marks, but the writer meant bold, an image, a link.
_MD_BOLD = re.compile(r"(\*\*|__)(?=\S)([^*_\n]{1,300}?)(?<=\S)\1")


def _inline_markdown_as_html(chunk: str) -> str:
    chunk = _IMG.sub("", chunk)
    chunk = _LINK.sub(lambda m: m.group(1), chunk)
    return _MD_BOLD.sub(r"<b>\2</b>", chunk)


_WHOLE_BOLD = re.compile(r"^\s*(\*\*|__)(?P<inner>[^*_\n]{2,40}?)\1\s*$")


def _bold_heading_line(line: str) -> bool:
    """A line wholly in bold, short and ending no sentence or clause (**坚持改革 激发活力**):
    a heading set in bold, a block of its own even with no blank line under it. A bold
    lead (**一是…。**) ends a sentence, one ending at a colon or comma introduces its text."""
    m = _WHOLE_BOLD.match(line)
    if not m:
        return False
    t = m.group("inner").strip()
    return is_short_plain(t, 40) and t[-1] not in "：:；;"


def _links_only(line: str) -> bool:
    """A line that is nothing but links (a breadcrumb, a related-links or ranking list item,
    a heading that links to another page): navigation, not the article's text."""
    bare = _IMG.sub("", line)
    if not _LINK.search(bare):
        return False
    return bool(_NAV_REST.match(_LINK.sub("", bare)))
_INLINE = re.compile(r"""
  (?P<esc>\\[!-/:-@\[-`{-~])
| (?P<code>`{1,8})(?P<ctext>[^`\n]+?)(?P=code)
| (?P<auto><(?:https?|mailto):[^>\s]+>)
| (?P<tag></?(?P<tname>[A-Za-z][A-Za-z0-9]*)(?:\s[^<>\n]*)?/?>)
| (?P<ent>&(?:\#\d{1,7}|\#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)
| (?P<stars>\*+)
| (?P<unders>__+)
| (?P<strike>~~)
""", re.X)


def _unquote(v: str) -> str:
    v = v.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        v = v[1:-1]
    # (a generator that wrote the title as HTML: title: "分析&#8220;制度性腐败&#8221;")
    return html.unescape(v) if "&" in v else v


def front_matter(lines: list[str]) -> tuple[dict, int]:
    """(meta, index of the first body line). Values: str, or list for `[a, b]` / `- a` items."""
    # blank lines may stand before it (a post saved with a leading newline), when a key
    # line follows the opening --- (a rule alone at the top is no front matter)
    top = next((j for j in range(min(len(lines), 8)) if lines[j].strip()), None)
    if top is None or lines[top].strip() != "---" \
            or top and not (top + 1 < len(lines) and _KEY.match(lines[top + 1])):
        return {}, 0
    end = next((j for j in range(top + 1, len(lines)) if lines[j].strip() in ("---", "...")), None)
    if end is None:
        return {}, 0
    meta: dict = {}
    key = None
    for raw in lines[top + 1:end]:
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _ITEM.match(raw)
        if m and key is not None and (meta[key] == "" or isinstance(meta[key], list)):
            meta[key] = [*(meta[key] or []), _unquote(m.group(1))]
            continue
        m = _KEY.match(raw)
        if not m:
            continue
        key, val = m.group(1), m.group(2).strip()
        if val.startswith("[") and val.endswith("]"):
            meta[key] = [_unquote(x) for x in re.split(r"[,，]", val[1:-1]) if x.strip()]
        else:
            meta[key] = _unquote(val)
    return meta, end + 1


def _inline(parts: list[tuple[int, str]], b: TextBuilder) -> None:
    """Add the lines of one block (`(line number, content)`) to the builder."""
    singles = sum(len(m.group("stars")) % 2 for p in parts for m in _INLINE.finditer(p[1])
                  if m.group("stars"))
    drop_singles = singles % 2 == 0  # paired single stars are emphasis markers
    for n, (line, s) in enumerate(parts):
        if n:
            b.space(newline=True)
        s = _LINK.sub(lambda m: m.group(1), _IMG.sub("", s))   # images are dropped, links keep their text
        pos = 0
        for m in _INLINE.finditer(s):
            b.text(s[pos:m.start()], line)
            pos = m.end()
            if m.group("esc"):
                b.text(m.group()[1], line)
            elif m.group("code"):
                b.text(m.group("ctext"), line)
            elif m.group("auto"):
                b.text(m.group()[1:-1], line)
            elif m.group("tag"):
                if m.group("tname").lower() in ("b", "strong"):
                    b.bold_off() if m.group().startswith("</") else b.bold_on()
            elif m.group("ent"):
                b.text(html.unescape(m.group()).replace("\xa0", " "), line)
            elif m.group("stars"):
                n_stars = len(m.group())
                for _ in range(n_stars // 2):
                    b.toggle_bold()
                if n_stars % 2 and not drop_singles:
                    b.text("*", line)
            elif m.group("strike"):
                pass   # ~~struck-through~~ text is kept, its marks are markup (GFM)
            elif m.group("unders"):
                for _ in range(len(m.group()) // 2):
                    b.toggle_bold()
                if len(m.group()) % 2:
                    b.text("_", line)
        b.text(s[pos:], line)


def _block(kind: str, parts: list[tuple[int, str]], level: int | None = None) -> RawBlock | None:
    b = TextBuilder()
    _inline(parts, b)
    # an unmatched ** is removed markup with no bold run
    return b.finish(kind, level, close_bold=False, default_line=parts[0][0])


def _atx_text(rest: str) -> str:
    """An ATX heading's text without its optional closing #s (string ops, not a regex:
    a lazy regex rescans long whitespace runs)."""
    rest = rest.strip()
    bare = rest.rstrip("#")
    if bare != rest and (not bare or bare[-1].isspace()):
        rest = bare.rstrip()
    return rest


def _strip_comments(text: str) -> str:
    """<!-- … --> removed, keeping its line breaks (so source lines stay right). An
    unclosed <!-- is left as text: a regex would rescan to the end for each one."""
    out, pos = [], 0
    while (a := text.find("<!--", pos)) >= 0:
        b = text.find("-->", a + 4)
        if b < 0:
            break
        out += [text[pos:a], "\n" * text.count("\n", a, b)]
        pos = b + 3
    out.append(text[pos:])
    return "".join(out)


def _titled(blocks: list[RawBlock], title: str) -> bool:
    """Does the text print its own title: its first block is the front matter's title, a heading
    says the title, or its first heading is of level 1 (# …, a setext ===)? Section headings
    (## …) under a title given only in the front matter are no title."""
    want = "".join(title.split())
    if blocks and "".join(blocks[0].text.split()) == want:
        return True
    headings = [b for b in blocks if b.kind == HEADING]
    return bool(headings) and (headings[0].level == 1 or any("".join(b.text.split()) == want for b in headings))


def _setext_next(lines: list[str], i: int) -> bool:
    """Line i is one link that the next line underlines as a heading (=== or ---), with no blank line
    between. (A row of several links over a rule is a menu.)"""
    return (i + 1 < len(lines) and bool(_SETEXT.match(lines[i + 1])) and bool(lines[i].strip())
            and len(_LINK.findall(lines[i])) == 1)


def parse(text: str) -> tuple[dict, list[RawBlock]]:
    text = _strip_comments(text)
    lines = text.split("\n")
    meta, first = front_matter(lines)
    blocks: list[RawBlock] = []
    para: list[tuple[int, str]] = []

    quoted_lines: set[int] = set()   # source lines inside a blockquote

    def flush() -> None:
        if para:
            blk = _block(PARA, para)
            if blk:
                blk.quoted = all(n in quoted_lines for n, _ in para)
                blocks.append(blk)
            para.clear()

    html_until = -1   # the last line of the raw HTML block being read
    for i in range(first, len(lines)):
        n, line = i + 1, lines[i]
        if i <= html_until:
            continue
        if _FENCE.match(line):
            flush()
            continue
        if _QUOTE.match(line):
            quoted_lines.add(n)
        line = _QUOTE.sub("", line, count=1)
        if _HTML_START.match(line):
            flush()
            chunk = [line]
            html_until = i
            while html_until + 1 < len(lines):
                nxt = _QUOTE.sub("", lines[html_until + 1], count=1)
                if not nxt.strip():
                    break
                chunk.append(nxt)
                html_until += 1
            blocks += _html.parse_fragment(_inline_markdown_as_html("\n".join(chunk)), first_line=n)
            continue
        if not line.strip():
            flush()
            continue
        m = _SETEXT.match(line)
        # (a heading is a line as short as a title: a paragraph of hundreds of characters over ---
        # is running text whose dash —— a converter wrote as ---, not a heading)
        if m and len(para) == 1 and not is_finished(para[0][1].strip().strip("*_")) \
                and len(para[0][1].strip().strip("*_")) <= TITLE_MAX:
            head = _block(HEADING, para, 1 if m.group(1)[0] == "=" else 2)
            para.clear()
            if head:
                blocks.append(head)
            continue
        if _RULE.match(line) or m:   # a rule, or an underline under a sentence
            flush()
            continue
        if _links_only(line) and (blocks or para or not _ATX.match(line)) and not _setext_next(lines, i):
            # (the first heading linking to its own page is the title: 微信 reposts; so is a line
            # of links underlined as a heading, [标题](链接) over ----: a heading whatever it links to)
            flush()
            continue
        m = _ATX.match(line)
        if m and (m.group(2) or "#" not in line[m.end():]):   # not a #话题# hashtag
            flush()
            head = _block(HEADING, [(n, _atx_text(line[m.end():]))], len(m.group(1)))
            if head:
                blocks.append(head)
            continue
        if _BULLET.match(line):
            flush()
            line = _BULLET.sub("", line, count=1)
        elif _ORDERED.match(line):
            flush()
        # metadata lines (running heads, bylines, author notes…) are blocks of their own
        alone = is_standalone_line(line) or _bold_heading_line(line) or (
            i > first and is_latin_running_head(lines[i - 1]) and is_short_han_label(line))
        if alone:
            flush()
            para.append((n, line.rstrip("\\ \t")))
            flush()
            continue
        # Chinese Markdown often puts one paragraph per line with no blank line between:
        # a line after a finished sentence, or indented with 　, starts a new paragraph
        if para and (is_finished(para[-1][1].rstrip("*_ \t")) or line.startswith("\u3000")):
            flush()
        hard = line.endswith(("  ", "\\"))
        pieces = [p for chunk in _BR.split(line.rstrip("\\ \t") if hard else line)
                  for p in _INDENT_BREAK.split(chunk)]
        for k, piece in enumerate(pieces):
            if len(pieces) > 1 and _links_only(piece):
                continue   # (a reading list's links run together with the next paragraph)
            para.append((n, piece))
            if k < len(pieces) - 1:
                flush()
        if hard:
            flush()
    flush()
    blocks = _html.styled_headings(blocks)
    title = meta.get("title")
    if isinstance(title, str) and title.strip() and not _titled(blocks, title):
        # a title given only in the front matter heads the text, so it can be annotated (not
        # when the text's first line is that title already: a title printed twice is one title;
        # nor when the text has a title of its own, a first heading of level 1)
        line = next(i + 1 for i in range(first) if re.match(r"\s*title\s*:", lines[i]))
        blocks.insert(0, RawBlock(HEADING, " ".join(title.split()), line, 1, field_title=True))
    return meta, blocks
