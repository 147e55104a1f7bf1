"""Where the article is on a full web page: trafilatura (a maintained, benchmarked
main-content extractor) finds the main content and the title; the HTML reader's own
blocks of the whole page are then kept from the title to the last block trafilatura
kept. So the reader's reading of bold runs, headings, indents and <br> paragraphs
stays as it is, a line trafilatura drops inside the article survives, and menus,
related links, comments and footers around the article go.

    locate(page, blocks, depth, elements, names) -> Located | str   (a str: why the page is read whole)
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .patterns import author_note, is_editorial_aside
from .raw import RawBlock

# lxml's HTML parser stops nesting at 255 elements (deeper text is lost to it) and
# trafilatura's tree walks slow down with depth: deeper pages are read whole.
MAX_DEPTH = 200
# Beyond these a file is more likely a dump of many articles than one page, and
# trafilatura's cost grows faster than the page (its de-duplication scans what it has
# kept so far, up to 200,000 characters, for each element): such pages are read whole.
MAX_CHARS = 4_000_000
MAX_ELEMENTS = 25_000
# Text trafilatura keeps that the reader does not (link lists, captions): how far
# past the last match the next block may start.
WINDOW = 400
# A title sits at most this many blocks above the first block trafilatura kept
# (an info line, share buttons, a byline between).
TITLE_REACH = 12

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def squeeze(text: str) -> str:
    """Text without whitespace or zero-width characters: what two readers of one page agree on."""
    return _INVISIBLE.sub("", "".join(text.split()))


@dataclass
class Located:
    start: int               # blocks[start:end] are the article
    end: int
    title: str | None        # trafilatura's title for the page (squeezed), if any


def _extract(page: str) -> tuple[str, str | None] | str:
    """trafilatura's main text and title, or why there are none."""
    try:
        import trafilatura
        from trafilatura.metadata import extract_title
        from trafilatura.utils import load_html
    except ImportError as e:   # a broken install reads pages whole rather than failing
        return f"trafilatura is not installed ({e})"
    try:
        tree = load_html(page)
        if tree is None:
            return "trafilatura could not parse the page"
        title = extract_title(tree)
        # recall over precision: it finds an article set in <div>s and <br>s, and the
        # reader's own rules still drop chrome inside the article
        doc = trafilatura.bare_extraction(tree, include_comments=False, include_tables=True,
                                          favor_recall=True, deduplicate=False, with_metadata=False)
    except Exception as e:   # noqa: BLE001 — a third-party parser on any input: read the page whole
        return f"trafilatura failed ({type(e).__name__})"
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        return "trafilatura found no main content"
    return text, (squeeze(title) if title else None)


def _unbulleted(squeezed: str) -> str:
    """Without a leading "-": trafilatura prints a list item (<li>) as "- …", the reader as the
    item's text; both sides lose it, so that an item whose own text opens with a dash still matches."""
    return squeezed.lstrip("-")


def _matches(blocks: list[RawBlock], main: str) -> list[bool]:
    """Which blocks are trafilatura's text, aligned in order. A block matches where it
    starts one of trafilatura's lines, or goes on where the block before it ended in the
    middle of a line, within WINDOW characters of the last match; and it must end where
    a line ends or where the next block goes on (so that a menu item that happens to
    open the first line of the article is no match). Each block is tried at a bounded
    number of places: the cost is linear in the page."""
    lines = [_unbulleted(squeeze(line)) for line in main.split("\n")]
    starts, ends, pos = [], set(), 0
    for line in lines:
        if line:
            starts.append(pos)
            pos += len(line)
            ends.add(pos)
    flat = "".join(lines)
    sq = [_unbulleted(squeeze(b.text)) for b in blocks]
    following = [""] * len(blocks)   # the next non-empty block text after each
    nxt = ""
    for i in range(len(blocks) - 1, -1, -1):
        following[i] = nxt
        nxt = sq[i] or nxt

    def fits(t: str, at: int, i: int) -> bool:
        e = at + len(t)
        return flat.startswith(t, at) and (e in ends or bool(following[i]) and flat.startswith(following[i], e))

    out = [False] * len(blocks)
    p, mid_line = 0, False
    for i, t in enumerate(sq):
        if not t:
            continue
        at = p if mid_line and fits(t, p, i) else None
        k = bisect.bisect_left(starts, p)
        while at is None and k < len(starts) and starts[k] <= p + WINDOW:
            if fits(t, starts[k], i):
                at = starts[k]
            k += 1
        if at is not None:
            out[i], p = True, at + len(t)
            mid_line = p not in ends
        else:
            mid_line = False
    return out


def locate(page: str, blocks: list[RawBlock], depth: int, elements: int, names: set[str]) -> Located | str:
    """The article's blocks on a full page, or why the page is read whole. `depth` and
    `elements`: the deepest nesting and the number of elements the reader met. `names`
    are the page's <title> and its first part (squeezed): a block above the article that
    bears one is its title."""
    if depth > MAX_DEPTH:
        return f"elements nested deeper than {MAX_DEPTH}"
    if elements > MAX_ELEMENTS:
        return f"more than {MAX_ELEMENTS:,} elements"
    if len(page) > MAX_CHARS:
        return f"larger than {MAX_CHARS:,} characters"
    got = _extract(page)
    if isinstance(got, str):
        return got
    main, title = got
    hit = _matches(blocks, main)
    first = next((i for i, h in enumerate(hit) if h), None)
    if first is None:
        return "trafilatura's text matches none of the page's paragraphs"
    last = max(i for i, h in enumerate(hit) if h)
    # the title: trafilatura's, or one the <title> names, just above what it kept
    wanted = set(names) | ({title} if title else set())
    for k in range(first, max(first - TITLE_REACH, 0) - 1, -1):
        if squeeze(blocks[k].text) in wanted:
            first = k
            break
    # an author note or editor's aside under the last paragraph, which trafilatura may drop
    end = last + 1
    while end < len(blocks) and (author_note(blocks[end].text) is not None
                                 or is_editorial_aside(blocks[end].text)):
        end += 1
    return Located(first, end, title)
