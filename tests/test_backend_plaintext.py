"""A task imported as {"text": …} (no outline) is read as `annotate prelabel` reads a
.txt file of that text: the backend and prelabel agree on every fixture and corpus
article given as plain text, with and without a byline under the title."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from annotate.backend.app import create_app
from annotate.backend.model import RulesModel
from annotate.labelstudio.config import label_config
from annotate.prelabel import prelabel
from annotate.sources import read_file, read_string
from annotate.sources.align import source_offsets

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[1]
SOURCES = sorted((REPO / "tests" / "fixtures" / "articles").iterdir()) + sorted(
    p for p in (REPO / "corpus").rglob("*") if p.suffix in (".md", ".html", ".txt")
    and "dev3" not in p.parts)  # dev3 holds held-out families: never in a test's output


def plain_texts() -> list[tuple[str, str]]:
    """(name, text): each article's clean text, and the same with its authors on the line
    under the title, as an article pasted from a page looks."""
    out = []
    for path in SOURCES:
        for d in read_file(path):
            if d.kind != "article":
                continue
            name = f"{path.name}#{d.index}"
            out.append((name, d.text))
            if d.authors and d.blocks and d.blocks[0].kind == "title":
                end = d.blocks[0].end
                out.append((name + "+byline", d.text[:end] + "\n" + "　".join(d.authors) + d.text[end:]))
    return out


TEXTS = plain_texts()
_WS = re.compile(r"\s+")


def regions(result: list[dict]) -> tuple[Counter, Counter]:
    """(label, rule, text without whitespace, speaker) of each region, and
    (type, from text, to text) of each relation."""
    speaker = {x["id"]: tuple(x["value"]["text"]) for x in result if x["type"] == "textarea"}
    text = {x["id"]: _WS.sub("", x["value"]["text"]) for x in result if x["type"] == "labels"}
    spans = Counter((x["value"]["labels"][0], x["meta"]["text"][0], text[x["id"]], speaker.get(x["id"]))
                    for x in result if x["type"] == "labels")
    relations = Counter((x["labels"][0], text[x["from_id"]], text[x["to_id"]])
                        for x in result if x["type"] == "relation")
    return spans, relations


@pytest.fixture(scope="module")
def client(nlp):
    from fastapi.testclient import TestClient

    return TestClient(create_app(RulesModel(nlp), recalibrate=None))


def test_the_corpus_is_there():
    assert len(SOURCES) >= 25 and len(TEXTS) >= 40
    assert sum(name.endswith("+byline") for name, _ in TEXTS) >= 10


def prelabel_regions(nlp, path) -> tuple[Counter, Counter]:
    """regions() of every task `annotate prelabel` makes of the file, added up."""
    want_spans, want_relations = Counter(), Counter()
    for task in prelabel([path], nlp, on_error=lambda p, r: pytest.fail(f"{p}: {r}")):
        spans, relations = regions(task["predictions"][0]["result"])
        want_spans += spans
        want_relations += relations
    return want_spans, want_relations


def predict_text(client, text: str) -> list:
    """The backend's result for a task holding only `text` (as Label Studio's own Import makes it)."""
    r = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": text}}], "label_config": label_config()})
    assert r.status_code == 200, r.text
    return r.json()["results"][0]["result"]


@pytest.mark.parametrize("name, text", TEXTS, ids=[n for n, _ in TEXTS])
def test_backend_reads_plain_text_as_prelabel_reads_a_txt_file(client, nlp, tmp_path, name, text):
    path = tmp_path / "article.txt"
    path.write_text(text, encoding="utf-8")
    want_spans, want_relations = prelabel_regions(nlp, path)
    got = predict_text(client, text)
    for x in got:
        if x["type"] == "labels":  # offsets into the task text as Label Studio shows it
            assert text[x["value"]["start"]:x["value"]["end"]] == x["value"]["text"]
    got_spans, got_relations = regions(got)
    assert got_spans == want_spans
    assert got_relations == want_relations


def test_a_byline_under_the_title_is_the_authors_not_a_claim(client):
    text = ("坚定不移推进高质量发展\n张三\n\n"
            "高质量发展是全面建设社会主义现代化国家的首要任务。我们必须坚持以人民为中心。\n\n"
            "实践证明，只有坚持改革开放，才能不断前进。因此，必须坚定不移深化改革。\n")
    r = client.post("/predict", json={"tasks": [{"id": 1, "data": {"text": text}}], "label_config": label_config()})
    result = r.json()["results"][0]["result"]
    labelled = {x["value"]["text"]: x["value"]["labels"][0] for x in result if x["type"] == "labels"}
    assert labelled["坚定不移推进高质量发展"] == "CLAIM"
    assert "张三" not in labelled
    assert labelled["实践证明，只有坚持改革开放，才能不断前进。"] == "SUPPORT"
    ends = {x["to_id"] for x in result if x["type"] == "relation"}
    name = text.index("张三")
    assert all(not (x["value"]["start"] <= name < x["value"]["end"]) for x in result
               if x["type"] == "labels" and x["id"] in ends)


def test_offsets_follow_the_task_text_through_crlf_indents_and_markup():
    text = "\ufeff标题在这里\r\n李四\r\n\r\n　　第一段**很重要**的话。\r\n第二行接着说。\r\n"
    (d,) = read_string(text)
    offsets = source_offsets(d, text)
    assert offsets is not None
    for i, ch in enumerate(d.text):
        if offsets[i] is not None:
            assert text[offsets[i]] == ch
    assert "李四" not in d.text and d.authors == ["李四"]


def test_text_the_reader_did_not_copy_cannot_be_placed():
    (d,) = read_string("标题\n\n第一段话说得很清楚。")
    assert source_offsets(d, "完全不同的一段文字，" * 10) is None


def _sniffed_as_their_suffix() -> list[Path]:
    from annotate.sources import _PARSERS, sniff_parser
    from annotate.sources.decode import read_text

    return [p for p in SOURCES if p.suffix != ".txt" and sniff_parser(read_text(p, 1 << 24)) is _PARSERS[p.suffix]]


@pytest.mark.parametrize("path", _sniffed_as_their_suffix(), ids=lambda p: p.name)
def test_html_and_markdown_text_is_read_by_their_reader(client, nlp, path):
    from annotate.sources.decode import read_text

    text = read_text(path, 1 << 24)
    want_spans, want_relations = prelabel_regions(nlp, path)
    got = predict_text(client, text)
    got_spans, got_relations = regions(got)
    # the regions of the page's source text, with its markup: each one's words are prelabel's
    strip = re.compile(r"<[^>]*>|\*\*|__")
    assert Counter((label, rule, strip.sub("", t), who) for (label, rule, t, who), n in got_spans.items()
                   for _ in range(n)) == want_spans
    assert sum(got_relations.values()) == sum(want_relations.values())
