"""annotate.sources on the seed corpus document, errors, and file discovery."""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

import annotate.sources as sources
from annotate.sources import SUFFIXES, SourceError, iter_source_files, read_file

from reader_helpers import check_invariants

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "corpus" / "000_02b36b855911883c.md"
GOLD = REPO / "gold" / "seed.gold.jsonl"


def norm(s: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"[\s*]", "", s))


@pytest.fixture(scope="module")
def seed():
    return read_file(SEED)


def by_title(docs, title):
    return next(d for d in docs if d.title == title)


# ---- the seed ------------------------------------------------------------------
def test_seed_articles_and_fragments(seed):
    assert [(d.kind, d.title) for d in seed] == [
        ("article", "发展新质生产力是推动高质量发展的内在要求和重要着力点"),
        ("fragment", None),
        ("article", "打造一流湾区和世界级城市群 深入推进粤港澳大湾区建设"),
        ("fragment", None),
        ("article", "争当事业尖兵"),
        ("article", "防范发展新质生产力中的认识误区"),
    ]
    assert [d.index for d in seed] == list(range(6))
    assert {d.source for d in seed} == {"000_02b36b855911883c.txt"}
    assert {d.path for d in seed} == {str(SEED)}
    assert all("origin" in d.meta for d in seed)


def test_seed_metadata(seed):
    a, _, b, _, c, d = seed
    assert a.authors == ["王一鸣"] and "中国国际经济交流中心副理事长" in a.author_note
    assert b.authors == ["谢宝剑", "黄丰斌"] and b.author_note.startswith("作者为天津市社科联")
    assert c.authors == ["于海亮"]
    assert d.authors == ["王立文"] and d.author_note is None
    assert all(doc.column == "专题深思" for doc in seed)  # the spread's running head


def test_seed_metadata_never_in_text(seed):
    for doc in seed:
        for junk in ("ZHUAN TI SHEN SI", "专题深思", "王一鸣", "谢宝剑", "于海亮", "王立文",
                     "作者为", "---", "source:", "**", "#"):
            assert junk not in doc.text, (junk, doc.index)


def test_seed_structure(seed):
    a = seed[0]
    kinds = [(b.kind, a.text[b.start:b.end][:8]) for b in a.blocks]
    assert kinds[0] == ("title", "发展新质生产力是")
    assert [k for k, t in kinds if k == "heading"] == ["heading"] * 4
    assert ("heading", "大力推进科技创新") in kinds
    assert seed[2].blocks[0].kind == "title" and seed[2].blocks[0].line == 69
    # bold leads: the run is the block's start
    lead = next(b for b in a.blocks if b.bold)
    assert a.text[lead.bold[0][0]:lead.bold[0][1]] == "加强原创性、颠覆性科技创新。"
    assert lead.bold[0][0] == lead.start


def test_seed_fragments(seed):
    frag1, frag2 = seed[1], seed[3]
    assert frag1.text.startswith("习近平总书记强调:“教育引导")
    assert frag1.text.endswith("坚定行动派、实干家。")
    assert frag2.text == "更好发挥高质量发展动力源作"
    assert frag2.blocks[0].kind == "paragraph" and frag2.blocks[0].line == 79


def test_seed_page_break_joins(seed):
    a, c, last = seed[0], seed[4], seed[5]
    assert "新兴产业产业壮大、未来产业培育" in a.text
    assert "转向质量效率型集约增长。" in a.text
    assert "新质生产力的生动体系。”现代化" in c.text
    assert "积极培育新能源、新材料" in c.text
    assert "新产业、新模式、新动能发展”。" in c.text
    assert last.text.endswith("完善现代化产业")
    # after a join, the second piece maps to its own source line
    i = a.text.index("产业壮大、未来产业培育")
    assert a.source_line(i - 1) == 27 and a.source_line(i) == 29
    para = next(b for b in a.blocks if b.start <= i < b.end)
    assert para.line == 27 and para.kind == "paragraph"


def test_seed_gold_spans_are_in_the_text(seed):
    text = "".join(norm(d.text) for d in seed)
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    record = next(g for g in gold if g["file"] == seed[0].source)
    missing = [s["text"] for s in record["spans"] if norm(s["text"]) not in text]
    assert not missing


def test_seed_invariants(seed):
    for doc in seed:
        check_invariants(doc)


def test_seed_source_lines(seed):
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for doc in seed:
        for b in doc.blocks:
            src = lines[b.line - 1].replace("**", "").lstrip("# ").strip()
            assert src.startswith(doc.text[b.start:min(b.end, b.start + 5)])


# ---- errors ------------------------------------------------------------------------
def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


@pytest.mark.parametrize("name,data,reason", [
    ("empty.md", b"", "empty file"),
    ("blank.txt", b" \n\n\t  \r\n", "empty file"),
    ("bom_only.md", b"\xef\xbb\xbf\n", "empty file"),
    ("image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file, not text"),
    ("controls.txt", bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 20, "binary file, not text"),
    ("bad.txt", "正文。".encode("utf-8") + b"\x80\xff\x80 abc", "cannot decode text (tried utf-8, gb18030)"),
    ("nothing.md", "---\nsource: x.txt\n---\n\nZHUAN TI SHEN SI\n", "no article text found"),
    ("junk.html", "<html><head><title></title><script>var a=1;</script></head><body> </body></html>",
     "no article text found"),
    ("punct.txt", "。。。\n\n……\n", "no article text found"),
])
def test_bad_inputs(tmp_path, name, data, reason):
    p = write(tmp_path, name, data)
    with pytest.raises(SourceError) as info:
        read_file(p)
    e = info.value
    assert e.path == str(p) and e.reason == reason
    assert str(e) == f"{p}: {reason}" and "\n" not in str(e)


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    p = write(tmp_path, "big.md", "# 标题\n\n" + "正文。" * 100)
    monkeypatch.setattr(sources, "MAX_BYTES", 100)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over the limit"))
    with pytest.raises(SourceError, match=r"big\.md: file too large \(0\.0 MB > 9\.5367.*MB\)"):
        read_file(p)


def test_twenty_megabytes_sparse(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:
        f.truncate(20 * 1024 * 1024)   # sparse: no 20 MB written
    with pytest.raises(SourceError) as info:
        read_file(p)
    assert str(info.value) == f"{p}: file too large (20.0 MB > 10 MB)"


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SourceError, match="nope.md: no such file"):
        read_file(tmp_path / "nope.md")
    with pytest.raises(SourceError, match="not a regular file"):
        read_file(tmp_path)


# ---- file discovery ---------------------------------------------------------------
def test_iter_source_files_order_and_filter(tmp_path):
    for rel in ["b.md", "a.txt", "C.HTM", "sub/c.html", "sub/deep/z.markdown", "sub/.hidden.md",
                ".git/x.md", "_site/ok.htm", "README.md", "sub/readme.txt", "notes.rtf", "a.md~"]:
        f = tmp_path / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text("# t\n\n正文。\n", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_source_files([tmp_path])]
    assert found == ["C.HTM", "_site/ok.htm", "a.txt", "b.md", "sub/c.html", "sub/deep/z.markdown"]
    assert SUFFIXES == (".md", ".markdown", ".rst", ".html", ".htm", ".txt", ".json", ".sql", ".docx", ".pdf", ".epub")


def test_iter_source_files_given_files_and_duplicates(tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "x.md").write_text("x", encoding="utf-8")
    odd = tmp_path / "notes.text"
    odd.write_text("x", encoding="utf-8")
    got = list(iter_source_files([str(odd), tmp_path / "d", tmp_path / "d" / "x.md"]))
    assert got == [odd, tmp_path / "d" / "x.md"]   # as given, each file once


def test_iter_source_files_missing_path_raises_first(tmp_path):
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    with pytest.raises(SourceError) as info:
        iter_source_files([tmp_path / "a.md", tmp_path / "missing"])
    assert str(info.value) == f"{tmp_path / 'missing'}: no such file or folder"


def test_iter_source_files_empty_folder(tmp_path):
    assert list(iter_source_files([tmp_path])) == []


# ---- the seed in the other formats -----------------------------------------------------
def _seed_body() -> str:
    return SEED.read_text(encoding="utf-8").split("---\n", 2)[2]


def _as_txt(body: str, blank_lines: bool) -> str:
    txt = re.sub(r"^#+ ", "", body, flags=re.M).replace("**", "")
    return txt if blank_lines else re.sub(r"\n\s*\n+", "\n", txt)


def _as_html(body: str) -> str:
    out = []
    for line in body.split("\n"):
        m = re.match(r"^(#+) (.*)$", line)
        if m:
            out.append(f"<h{len(m.group(1))}>{m.group(2)}</h{len(m.group(1))}>")
        elif line.strip():
            out.append("<p>" + re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", line) + "</p>")
    return "<html><body>\n" + "\n".join(out) + "\n</body></html>"


@pytest.mark.parametrize("name,make", [
    ("seed.txt", lambda b: _as_txt(b, True)),
    ("seed_lines.txt", lambda b: _as_txt(b, False)),
    ("seed.html", _as_html),
])
def test_seed_in_other_formats_reads_the_same(seed, tmp_path, name, make):
    p = tmp_path / name
    p.write_text(make(_seed_body()), encoding="utf-8")
    docs = read_file(p)
    assert [(d.kind, d.title, d.authors, d.author_note, d.text) for d in docs] == \
        [(d.kind, d.title, d.authors, d.author_note, d.text) for d in seed]
    assert [[b.kind for b in d.blocks] for d in docs] == [[b.kind for b in d.blocks] for d in seed]
    for d in docs:
        check_invariants(d)
        assert d.source == name


def test_source_error_is_one_line_and_picklable():
    import pickle
    e = SourceError(Path("a/b.md"), "bad\nthing")
    assert str(e) == "a/b.md: bad thing" and (e.path, e.reason) == ("a/b.md", "bad thing")
    again = pickle.loads(pickle.dumps(e))
    assert str(again) == str(e) and again.path == e.path


def test_front_matter_source_names_the_document_only_when_it_is_the_same_file(tmp_path):
    """`source:` in front matter is the scored name only when it names this document in
    another format (the seed: 000_x.md holding source: 000_x.txt); an outlet or another
    work's file name stays metadata, so gold keyed by the file name still matches."""
    same = tmp_path / "000_abc.md"
    same.write_text("---\nsource: 000_abc.txt\n---\n\n# 标题\n\n正文一句。\n", encoding="utf-8")
    outlet = tmp_path / "c01_page.md"
    outlet.write_text("---\nsource: www.ndrc.gov.cn\n---\n\n# 标题\n\n正文一句。\n", encoding="utf-8")
    other = tmp_path / "b01_essay.md"
    other.write_text("---\nsource: 二心集_意见.txt\n---\n\n# 标题\n\n正文一句。\n", encoding="utf-8")
    assert read_file(same)[0].source == "000_abc.txt"
    doc = read_file(outlet)[0]
    assert (doc.source, doc.meta["source"]) == ("c01_page.md", "www.ndrc.gov.cn")
    assert read_file(other)[0].source == "b01_essay.md"
