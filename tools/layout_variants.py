#!/usr/bin/env python3
"""Layout variants of the tuning articles: the same text as other sources would lay it out.

    python3 tools/layout_variants.py OUT_DIR [--gold gold/seed.gold.jsonl ...] [--corpus corpus]

For every gold record of a tuning article (the seed, dev2, dev3 families a c e h i t w x y —
dev3's held-out families b f j k l m n o u v z A B D E H are never read) the article is read as the
project reads it, and its clean text (title, headings, paragraphs; bylines and other
metadata are already gone) is written again as plain text in these layouts:

- `flat`:   the title on a line, then the whole body on ONE line, blocks joined by nothing
            (a full-text feed item whose markup was stripped);
- `spaced`: the same, blocks joined by one space;
- `crlf`:   CRLF line ends, every block on its own line with a full-width indent (　　),
            no blank lines (a crawler's text dump);
- `txt`:    blocks separated by blank lines (the plain text of an HTML or Markdown article);
- `straight`: as `txt`, with the quotation marks “” printed as straight double quotes "…" (as many
            web and converted texts print them); the gold's texts are converted alike;
- `wrapped`: hard-wrapped at 30 characters as an e-book or a PDF's text is (each block starts a new
            line, no blank line between blocks), with a blank line every 21 lines as a page break,
            wherever it falls;
- `tagged`: the title on a line, then the body's HTML on one line (<p> paragraphs, a <script>),
            saved as .txt (a feed dump that kept the item's markup);
- `traditional`: the source file itself (Markdown, HTML or text, its suffix kept: `<stem>.traditional.md`)
            in traditional script, as Hong Kong and Taiwan print it: every character through OpenCC's
            simplified → traditional character table (its first candidate, one character for one:
            发 → 發, 后 → 后), “”‘’ as 「」『』; the gold's texts are converted alike;
- `escaped`: the title on a line, then the body as a string literal on one line, its line breaks
            written as `\\n` (a feed backup that kept the body as data), in turn: a Python repr of
            `[{'type': 'text', 'value': …}]` (blocks apart by `\\n\\n`), a JSON string (`\\n`), a JSON
            string with every non-ASCII character escaped (`\\u4e60…`);
- `html`:   the article as HTML alone (`<stem>.html.html`): the HTML source's own body (its markup
            kept), or the blocks as <h1>/<h2>/<h3>/<p> for a Markdown or text source;
- `docx`:   the article as a Word document (`<stem>.docx.docx`, python-docx): the title in the Title style,
            headings in Heading 1 and 2, paragraphs with their bold runs;
- `pdf`:    the article as a PDF (`<stem>.pdf.pdf`; needs reportlab, not a dependency of the project: without
            it the variant is skipped with a warning): A4 pages in reportlab's built-in CJK font, the title
            and headings in larger type, paragraphs hard-wrapped at 30 characters, a page number on each page;
- `page`:   the same article in a whole web page (`<stem>.page.html`) with generic site chrome around
            it: a head with a script, a nav list, breadcrumbs, a 责编 line, share links, a
            related-articles list, a comment box with comments, a ranking list, a footer (`page`
            against `html` is what the chrome costs).

Each variant is `OUT_DIR/texts/<stem>.<variant>.txt` (`traditional`: the source's suffix; `html`,
`page`: .html), and `OUT_DIR/variants.gold.jsonl` holds the gold records again under the variants' names (the scorer finds spans by their text, with
whitespace removed, so the records carry over unchanged; a span whose text was metadata
in the original and is gone from the clean text is a miss in both). Score with

    python3 -m annotate prelabel OUT_DIR/texts -q -o OUT_DIR/prelabels.json
    python3 -m annotate evaluate --gold OUT_DIR/variants.gold.jsonl OUT_DIR/prelabels.json \\
        --no-per-file --group-by '\\.(flat|spaced|crlf|txt|straight|wrapped|tagged|traditional|escaped|html|page|docx|pdf)\\.[a-z]+$'
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from functools import lru_cache
from html import escape as html_escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # this checkout's annotate, not an installed one

from annotate.document import Document  # noqa: E402
from annotate.sources import MAX_BYTES, SourceError, read_file  # noqa: E402
from annotate.sources.decode import read_text  # noqa: E402

HELD_OUT = re.compile(r"^[bfjklmnouvzABDEH]\d\d_")   # dev3's held-out families (corpus/dev3/README.md): never read here
VARIANTS = ("flat", "spaced", "crlf", "txt", "straight", "wrapped", "tagged", "traditional", "escaped", "html", "page",
            "docx", "pdf")
DEFAULT_GOLD = ("gold/seed.gold.jsonl", "gold/dev2.gold.jsonl", "gold/dev3.gold.jsonl")


def blocks_text(doc: Document) -> list[str]:
    """The document's blocks as text, in order (title first)."""
    out = [" ".join(doc.text[b.start:b.end].split()) for b in doc.blocks]
    return [t for t in out if t]


def layout(blocks: list[str], variant: str, turn: int = 0) -> str:
    """The blocks of one article laid out as `variant` (`turn`: which form of several)."""
    title, body = blocks[0], blocks[1:]
    if variant == "escaped":
        if turn % 3 == 0:
            literal = repr([{"type": "text", "value": "\n\n".join(body)}, {"type": "image", "value": "https://img.example/1.jpg"}])
        else:
            literal = json.dumps("\n".join("\u3000\u3000" + b for b in body), ensure_ascii=turn % 3 == 2)
        return title + "\n\n" + literal + "\n"
    if variant == "flat":
        return title + "\n" + "".join(body) + "\n"
    if variant == "spaced":
        return title + "\n" + " ".join(body) + "\n"
    if variant == "crlf":
        return "\r\n".join([title] + ["\u3000\u3000" + b for b in body]) + "\r\n"
    if variant == "txt":
        return "\n\n".join(blocks) + "\n"
    if variant == "wrapped":
        lines = [title] + [b[i:i + 30] for b in body for i in range(0, len(b), 30)]
        out = []
        for k, line in enumerate(lines):
            if k and k % 21 == 0:
                out.append("")   # a page break, wherever it falls
            out.append(line)
        return "\n".join(out) + "\n"
    if variant == "straight":
        return straight("\n\n".join(blocks)) + "\n"
    if variant == "tagged":
        # a feed item's HTML body dumped as text: the title line, then one line of <p>s and a script
        return (title + "\n" + "".join(f"<p>\u3000\u3000{b}</p>" for b in body)
                + '<script type="text/javascript">var s = {id: 1}; showPlayer(s);</script>\n')
    raise ValueError(variant)


@lru_cache(maxsize=1)
def _s2t() -> dict[int, str]:
    from importlib import resources
    text = resources.files("opencc").joinpath("dictionary", "STCharacters.txt").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        first = values.split(" ", 1)[0].strip()
        if len(key) == 1 and len(first) == 1 and first != key:
            table[ord(key)] = first
    table.update({ord("“"): "「", ord("”"): "」", ord("‘"): "『", ord("’"): "』"})
    return table


def to_traditional(text: str) -> str:
    """Simplified → traditional script, character by character (same length)."""
    return text.translate(_s2t())


def straight(text: str) -> str:
    """“” as straight double quotes (same length)."""
    return text.replace("\u201c", '"').replace("\u201d", '"')


def gold_as(rec: dict, variant: str) -> dict:
    """A gold record for the variant's text (the texts converted as the variant converts them)."""
    if variant not in ("traditional", "straight"):
        return rec
    conv = to_traditional if variant == "traditional" else straight
    spans = [{**s, "text": conv(s["text"]), "speaker": conv(s["speaker"]) if s.get("speaker") else s.get("speaker")}
             for s in rec.get("spans", [])]
    rels = [{**r, **{k: conv(r[k]) for k in ("from_text", "to_text") if isinstance(r.get(k), str)}}
            for r in rec.get("relations", [])]
    return {**rec, "spans": spans, "relations": rels}


_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_NAV = "".join(f'<li><a href="/{k}/">{n}</a></li>' for k, n in
               [("", "首页"), ("news", "要闻"), ("theory", "理论"), ("comment", "评论"), ("video", "视频"), ("en", "English")])
_RELATED = "".join(f'<li><a href="/a/{i}.html">{t}</a><span>2024-0{i}-1{i}</span></li>' for i, t in enumerate(
    ["以新质生产力推动高质量发展", "坚持稳中求进工作总基调", "深入学习贯彻党的二十届三中全会精神",
     "让改革成果更多更公平惠及全体人民", "加快构建新发展格局"], 1))


def article_html(path: Path, docs: list[Document]) -> str:
    """The article as HTML (see `html` in the module's doc)."""
    if path.suffix.lower() in (".html", ".htm"):
        src = read_text(path, MAX_BYTES)
        m = _BODY.search(src)
        return m.group(1) if m else src
    tags = {"title": "h1", "heading": "h2", "subheading": "h3"}
    return "".join(f"<{tags.get(b.kind, 'p')}>{html_escape(d.text[b.start:b.end])}</{tags.get(b.kind, 'p')}>"
                   for d in docs for b in d.blocks)


def page(path: Path, docs: list[Document]) -> str:
    """The article in a generic web page (see `page` in the module's doc)."""
    title = (docs[0].title if docs else None) or "某某网"
    article = article_html(path, docs)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html_escape(title)}_某某网</title>'
            '<script>var _hmt = _hmt || []; (function() { var hm = document.createElement("script"); })();</script>'
            '</head><body>\n'
            f'<div class="header"><div class="logo"><a href="/">某某网</a></div><ul class="nav">{_NAV}</ul>'
            '<form class="search"><input name="q" placeholder="搜索"><button>搜索</button></form></div>\n'
            '<div class="crumb"><a href="/">首页</a> &gt; <a href="/theory/">理论</a> &gt; 正文</div>\n'
            f'<div class="main"><div class="article" id="content">\n{article}\n'
            '<p class="editor">（责编：王小明、李华）</p>\n'
            '<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div></div>\n'
            f'<div class="related"><h3>相关文章</h3><ul>{_RELATED}</ul></div>\n'
            '<div class="comments" id="comments"><h3>网友评论</h3><form><textarea name="c"></textarea>'
            '<button>发表评论</button></form>'
            '<div class="comment"><span class="user">网友甲</span><p>写得好，我们要好好学习！</p></div>'
            '<div class="comment"><span class="user">网友乙</span><p>必须坚持，支持！</p></div></div>\n'
            '<div class="sidebar"><h3>排行榜</h3><ol><li><a href="/b/1.html">必须牢牢把握的几个要点</a></li>'
            '<li><a href="/b/2.html">要坚持以人民为中心</a></li></ol></div></div>\n'
            '<div class="footer"><p><a href="/about">关于我们</a> | <a href="/contact">联系我们</a> | 版权声明</p>'
            '<p>Copyright © 2024 某某网 版权所有</p><p>京ICP备12345678号</p></div>\n'
            '</body></html>\n')


_HEADED = ("title", "heading", "subheading")


def _blocks_of(docs: list[Document]):
    """(document, block, its text with whitespace runs as one space) for every non-empty block."""
    for doc in docs:
        for b in doc.blocks:
            text = " ".join(doc.text[b.start:b.end].split())
            if text:
                yield doc, b, text


def article_docx(docs: list[Document]) -> bytes:
    """The article as a Word document (see `docx` in the module's doc)."""
    import io

    import docx
    d = docx.Document()
    for doc, b, text in _blocks_of(docs):
        if b.kind in _HEADED:
            d.add_paragraph(text, style={"title": "Title", "heading": "Heading 1", "subheading": "Heading 2"}[b.kind])
            continue
        para, pos = d.add_paragraph(), b.start
        for s, e in b.bold:
            if s > pos:
                para.add_run(doc.text[pos:s])
            para.add_run(doc.text[s:e]).bold = True
            pos = e
        if pos < b.end:
            para.add_run(doc.text[pos:b.end])
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def article_pdf(docs: list[Document]) -> bytes | None:
    """The article as a PDF (see `pdf` in the module's doc), or None without reportlab."""
    try:
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        from reportlab.pdfgen import canvas
    except ImportError:
        return None
    import io
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    height = A4[1]
    y, page_no = height - 60, 1

    def line(text: str, size: float) -> None:
        nonlocal y, page_no
        if y < 60:
            c.setFont("STSong-Light", 9)
            c.drawString(290, 30, str(page_no))
            c.showPage()
            y, page_no = height - 60, page_no + 1
        c.setFont("STSong-Light", size)
        c.drawString(60, y, text)
        y -= size * 1.8

    for _, b, text in _blocks_of(docs):
        if b.kind in _HEADED:
            line(text, {"title": 18, "heading": 14, "subheading": 12}[b.kind])
        else:
            for k in range(0, len(text), 30):
                line(text[k:k + 30], 11)
    c.setFont("STSong-Light", 9)
    c.drawString(290, 30, str(page_no))
    c.showPage()
    c.save()
    return out.getvalue()


def variants_of(path: Path) -> dict[str, str | bytes | None]:
    """variant name → text, for the article(s) of one source file (articles in a row)."""
    docs = [d for d in read_file(path) if d.kind == "article"]
    turn = sum(map(ord, path.name))   # (which form of a variant: fixed per file)
    out: dict[str, str] = {}
    for v in VARIANTS:
        if v == "traditional":
            out[v] = to_traditional(read_text(path, MAX_BYTES))
        elif v == "page":
            out[v] = page(path, docs)
        elif v == "html":
            out[v] = article_html(path, docs) + "\n"
        elif v == "docx":
            out[v] = article_docx(docs)
        elif v == "pdf":
            out[v] = article_pdf(docs)
        else:
            out[v] = "\n".join(layout(blocks_text(d), v, turn) for d in docs if blocks_text(d))
    return out


def _source_files(corpus: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for p in sorted(corpus.rglob("*")):
        if p.is_file() and not HELD_OUT.match(p.name):
            files.setdefault(p.name, p)
            files.setdefault(p.stem, p)
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--gold", action="append", default=None)
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--variant", action="append", choices=VARIANTS, default=None)
    args = ap.parse_args(argv)
    variants = args.variant or list(VARIANTS)
    files = _source_files(args.corpus)
    texts_dir = args.out / "texts"   # only source files: prelabel reads the whole folder
    texts_dir.mkdir(parents=True, exist_ok=True)
    records = []
    skipped: set[str] = set()
    for gold in args.gold or DEFAULT_GOLD:
        for line in Path(gold).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            name = rec["file"]
            if HELD_OUT.match(name):
                continue
            src = files.get(name) or files.get(Path(name).stem)
            if src is None:
                print(f"warning: {name}: no source file under {args.corpus}", file=sys.stderr)
                continue
            try:
                texts = variants_of(src)
            except SourceError as e:
                print(f"warning: {e}", file=sys.stderr)
                continue
            for v in variants:
                if texts[v] is None:
                    skipped.add(v)
                    continue
                suffix = {"traditional": src.suffix, "page": ".html", "html": ".html", "docx": ".docx",
                          "pdf": ".pdf"}.get(v, ".txt")
                out_name = f"{Path(name).stem}.{v}{suffix}"
                if isinstance(texts[v], bytes):
                    (texts_dir / out_name).write_bytes(texts[v])
                else:
                    # newline="" keeps the CRLF variant's line ends as written
                    with open(texts_dir / out_name, "w", encoding="utf-8", newline="") as f:
                        f.write(texts[v])
                records.append({**gold_as(rec, v), "file": out_name})
    with open(args.out / "variants.gold.jsonl", "w", encoding="utf-8") as f:
        for rec in records:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    for v in sorted(skipped):
        print(f"warning: variant {v} skipped (reportlab is not installed)", file=sys.stderr)
    print(f"{len(records)} variant files in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
