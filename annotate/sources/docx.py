"""Word documents (.docx) → an HTML fragment for the HTML reader.

python-docx (a maintained reader of the OOXML format) opens the file; each paragraph of the body,
in order (a table's cells' paragraphs where the table stands), becomes one line of HTML that says
what the HTML reader reads: `<h1>` for the Title style, `<hN>` for a heading style or an outline
level (Heading 1, 标题 1, w:outlineLvl), `<b>` for bold runs, `<br>` for a line break inside a
paragraph, and the paragraph's alignment, first-line indent, font size and font as CSS (centred
short lines, a 黑体/小标宋 line or a large size are headings there, as on a web page). Everything
else the readers do (titles, bylines, metadata lines, leads) is the HTML reader's. A document's
"lines" are its paragraphs: the fragment holds one paragraph per line, so a span's source line is
its paragraph's number.
"""
from __future__ import annotations

import re
import zipfile
from html import escape
from pathlib import Path

MAX_XML_BYTES = 50 * 1024 * 1024   # the unpacked body: a larger one is refused (a zip bomb, not an article)
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "标题"}


class DocxError(Exception):
    """A .docx file that cannot be read as a Word document; the message says why."""


def _outline_level(paragraph) -> int | None:
    """The paragraph's outline level (0 = top), set on it or on its style, else None."""
    from docx.oxml.ns import qn
    for element in (paragraph._p, getattr(paragraph.style, "element", None)):
        ppr = element.find(qn("w:pPr")) if element is not None else None
        lvl = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
        if lvl is not None:
            try:
                value = int(lvl.get(qn("w:val")))
            except (TypeError, ValueError):
                return None
            return value if value < 9 else None   # (9 is "body text")
    return None


def _first_line_indent(paragraph) -> bool:
    from docx.oxml.ns import qn
    ppr = paragraph._p.find(qn("w:pPr"))
    ind = ppr.find(qn("w:ind")) if ppr is not None else None
    if ind is not None and any(int(ind.get(qn(a)) or 0) > 0 for a in ("w:firstLineChars", "w:firstLine")):
        return True
    indent = paragraph.paragraph_format.first_line_indent
    return bool(indent and indent > 0)


def _font_name(run) -> str | None:
    from docx.oxml.ns import qn
    rpr = run._r.rPr
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    east = fonts.get(qn("w:eastAsia")) if fonts is not None else None
    return east or run.font.name


def _paragraph_html(paragraph, has_title: bool) -> str:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    style_name = (paragraph.style.name if paragraph.style is not None else "") or ""
    style_bold = bool(paragraph.style is not None and paragraph.style.font.bold)
    runs, sizes, fonts = [], set(), set()
    for run in paragraph.runs:
        text = run.text
        if not text:
            continue
        piece = escape(text).replace("\n", "<br>").replace("\t", " ")
        bold = run.bold if run.bold is not None else style_bold
        runs.append(f"<b>{piece}</b>" if bold else piece)
        if text.strip():
            sizes.add(run.font.size.pt if run.font.size is not None else None)
            fonts.add(_font_name(run))
    body = "".join(runs)
    if not body.strip():
        return ""
    tag = "p"
    if style_name.lower() in _TITLE_STYLES:
        tag = "h1"
    else:
        m = _HEADING_STYLE.match(style_name.strip())
        level = int(m.group(1)) if m else None
        if level is None and (outline := _outline_level(paragraph)) is not None:
            level = outline + 1
        if level is not None:
            tag = f"h{min(level + (1 if has_title else 0), 6)}"
    css = []
    alignment = paragraph.alignment if paragraph.alignment is not None else paragraph.style.paragraph_format.alignment \
        if paragraph.style is not None else None
    if alignment == WD_ALIGN_PARAGRAPH.CENTER:
        css.append("text-align:center")
    if _first_line_indent(paragraph):
        css.append("text-indent:2em")
    if len(sizes) == 1 and None not in sizes:
        css.append(f"font-size:{sizes.pop():g}pt")
    if len(fonts) == 1 and None not in fonts:
        css.append(f"font-family:{escape(fonts.pop())}")
    attrs = f' style="{";".join(css)}"' if css else ""
    return f"<{tag}{attrs}>{body}</{tag}>"


def docx_to_html(path: str | Path) -> str:
    """The body of a .docx file as an HTML fragment, one paragraph per line."""
    try:
        with zipfile.ZipFile(path) as z:
            info = z.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise DocxError(f"the document body unpacks to {info.file_size // (1024 * 1024)} MB (limit "
                                f"{MAX_XML_BYTES // (1024 * 1024)} MB)")
    except (zipfile.BadZipFile, KeyError, OSError) as e:
        raise DocxError(f"not a Word document (.docx): {e.__class__.__name__}") from None
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
        document = docx.Document(str(path))
        paragraphs = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                paragraphs.append(Paragraph(child, document))
            elif tag == "tbl":
                seen = set()   # (a merged cell is returned once per grid cell it spans)
                for row in Table(child, document).rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:
                            seen.add(id(cell._tc))
                            paragraphs.extend(cell.paragraphs)
        has_title = any(((p.style.name if p.style is not None else "") or "").lower() in _TITLE_STYLES
                        for p in paragraphs)
        lines = [_paragraph_html(p, has_title) for p in paragraphs]
    except DocxError:
        raise
    except Exception as e:   # (python-docx raises many kinds on a malformed part)
        raise DocxError(f"not a readable Word document: {e.__class__.__name__}: {e}") from None
    # (an empty paragraph stays an empty line, so that line N is the document's paragraph N)
    return "\n".join(lines) + "\n"
