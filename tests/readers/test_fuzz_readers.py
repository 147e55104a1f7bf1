"""Fuzz the readers (hypothesis): random Markdown/HTML/plain text with quotation marks,
in utf-8, utf-8-sig, gb18030 and utf-16, through annotate.sources.read_file.

Whatever the input, the only exception is the reader's own SourceError; every block
and line-map offset lies in 0 ≤ start ≤ end ≤ len(text); and through the pipeline
every span's text is exactly text[start:end] and the task validates.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotate.sources import SourceError, read_file

HAN = "我们必须坚持人民至上发展是第一要务应该说要加强党的领导这就是说实践证明习近平总书记指出們發展說黨領導習總書記為於"
QUOTES = ["“", "”", "「", "」", "『", "』", "‘", "’", "《", "》", '"', "'", "〝", "〞", "＂"]
PUNCT = ["。", "，", "；", "：", "！", "？", "、", "……", "——", "（", "）", "【", "】", " ", "\u3000", "\t"]
ODD = ["\r\n", "\r", "\\n", "\\u3000", "\u200b", "\ufeff", "\u2028", "&", "<", ">", "*", "_", "`", "\\", "#", "|", "\x0b", "\x1b"]

MD_LINE = ["# ", "## ", "### ", "> ", "- ", "* ", "1. ", "（一）", "一、", "**", "__", "`", "```\n", "---\n",
           "[链接](http://x/)", "![图](a.png)", "<b>", "</b>", "<br>", "| a | b |\n|---|---|\n", "    ",
           "<div>", "<p style='color:red'>", "</p>", "<font size='5'>", "一\n", "1\n", "⑴", "〔2〕", "同志们：\n",
           "注释\n", "内容提要："]
HTML_TAG = ["<p>", "</p>", "<div>", "</div>", "<span>", "</span>", "<b>", "</b>", "<strong>", "</strong>",
            "<h1>", "</h1>", "<h2>", "</h2>", "<br>", "<br/>", "<blockquote>", "</blockquote>", "<em>",
            "<script>var a='“';</script>", "<style>p{}</style>", "<!-- 注释 -->", "&amp;", "&lt;", "&#x4e2d;",
            "&nbsp;", "&bogus;", "<p class='x'", "</span></span>", "<![CDATA[x]]>", "<li>", "<table><tr><td>",
            "<a href='/x'>", "</a>", "<ul class='nav'>", "<div class='footer'>", "<div>&nbsp;</div>"]
# A whole page around the generated body puts the page-body extractor (trafilatura) in the path.
PAGE_HEAD = ["<html><head><title>某某网</title></head><body>", "<!DOCTYPE html><html><body><ul><li><a href='/'>首页</a>"
             "</li><li><a href='/l'>理论</a></li></ul>", "<body>"]
PAGE_TAIL = ["</body></html>", "<div class='footer'>版权所有 某某网</div></body></html>", ""]

ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16"]

words = st.text(alphabet=HAN, min_size=1, max_size=12)
inline = st.one_of(words, st.sampled_from(QUOTES), st.sampled_from(PUNCT), st.sampled_from(ODD))


@st.composite
def documents(draw):
    kind = draw(st.sampled_from([".md", ".html", ".txt"]))
    markup = MD_LINE if kind != ".html" else HTML_TAG
    pieces = []
    if kind == ".md" and draw(st.booleans()):
        pieces.append(draw(st.sampled_from(["---\ntitle: 标题\nauthors: 甲、乙\n---\n", "---\nsource: x\n",
                                            "---\n: bad\n---\n"])))
    for _ in range(draw(st.integers(1, 12))):  # paragraphs
        parts = [draw(st.sampled_from(markup))] if draw(st.booleans()) else []
        parts += draw(st.lists(st.one_of(inline, st.sampled_from(markup)), min_size=1, max_size=15))
        pieces.append("".join(parts))
        pieces.append(draw(st.sampled_from(["\n\n", "\n", "\n\n\n", "<br><br>", ""])))
    if kind == ".html" and draw(st.booleans()):
        pieces = [draw(st.sampled_from(PAGE_HEAD)), *pieces, draw(st.sampled_from(PAGE_TAIL))]
    encoding = draw(st.sampled_from(ENCODINGS))
    return kind, "".join(pieces), encoding


def write(text: str, kind: str, encoding: str, folder: str) -> Path | None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # e.g. a lone surrogate: not a file anyone can have
        return None
    path = Path(folder, f"doc{kind}")
    path.write_bytes(data)
    return path


def read_case(case):
    """The documents read from a generated file, or None (not encodable, or a SourceError)."""
    kind, text, encoding = case
    with tempfile.TemporaryDirectory() as folder:
        path = write(text, kind, encoding, folder)
        if path is None:
            return None
        try:
            return read_file(path)
        except SourceError:
            return None


def check_documents(docs) -> None:
    for d in docs:
        n = len(d.text)
        for b in d.blocks:
            assert 0 <= b.start <= b.end <= n, (b, n)
            for s, e in b.bold:
                assert 0 <= s <= e <= n
            if b.claim is not None:
                assert 0 <= b.claim[0] <= b.claim[1] <= n
        starts = [s for s, _ in d.line_map]
        assert starts == sorted(starts) and all(0 <= s <= n for s in starts)


FUZZ = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(documents())
@example((".txt", "<div>\n\n<![图](a.png)<br><br>", "utf-8"))   # a malformed <![ made html.parser assert
@example((".txt", "#     \u200b\n\n", "utf-8"))   # a title line's second part of zero-width characters only
def test_readers_never_crash_and_offsets_are_valid(case):
    docs = read_case(case)
    if docs is not None:
        check_documents(docs)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_spans_through_the_pipeline_match_the_text(nlp, case):
    from annotate.pipeline import annotate_document
    from annotate.tasks import to_task
    from annotate.validate import validate_task

    for document in read_case(case) or []:
        doc = annotate_document(nlp, document)
        for group in doc.spans.values():
            for span in group:
                assert document.text[span.start_char:span.end_char] == span.text
        task = to_task(document, doc)
        assert validate_task(task) == []
        body = task["data"]["text"]
        for p in task.get("predictions") or []:
            for r in p["result"]:
                if r.get("type") == "labels":
                    v = r["value"]
                    assert 0 <= v["start"] <= v["end"] <= len(body)
                    assert body[v["start"]:v["end"]] == v["text"]


def test_the_strategy_reaches_every_encoding_and_format():
    seen = set()
    pages = []

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)  # a fixed draw: not a flaky test
    @given(documents())
    def collect(case):
        seen.add((case[0], case[2]))
        pages.append("<body>" in case[1])

    collect()
    assert any(pages)   # a whole page: the extractor is in the path
    assert {k for k, _ in seen} == {".md", ".html", ".txt"}
    assert {e for _, e in seen} == set(ENCODINGS)
