"""An article kept as a data record (a JSON object, a JS object literal) is read as its title and paragraphs."""
from __future__ import annotations

import json

from annotate.sources import SourceError, read_file
from annotate.sources.records import page_title_core, read_records

from reader_helpers import outline, read

PARAS = ["&emsp;&emsp;新质生产力是推动高质量发展的内在要求。我们要积极培育新质生产力。",
         "第一，加强基础研究。基础研究是源头，必须坚持创新驱动。",
         "第二，推动产业升级。产业是根本，各级党委要切实负起责任。"]
RECORD = {"id": "e35a2a44ef", "date": "2026-08-21", "title": "壹时评：发展新质生产力--观点-", "source": "人民网",
          "apiToken": "sk-0123456789", "author": "张三",
          "paragraphs": PARAS, "aiSummary": "摘要" * 150,
          "aiAnnotations": [{"type": "viewpoint", "text": "我们要积极培育新质生产力。", "start": 20}]}


def test_a_json_record_reads_as_its_title_and_paragraphs(tmp_path):
    (doc,) = read(tmp_path, json.dumps(RECORD, ensure_ascii=False, indent=2), "a.json")
    assert outline(doc) == [("title", "壹时评：发展新质生产力"),
                            ("paragraph", "新质生产力是推动高质量发展的内在要求。我们要积极培育新质生产力。"),
                            ("paragraph", PARAS[1]), ("paragraph", PARAS[2])]
    # the column before the colon is no part of the title's claim; the page's channel is cut
    assert doc.title == "发展新质生产力" and doc.column == "壹时评"
    assert doc.meta["source"] == "人民网" and doc.meta["date"] == "2026-08-21"
    # a long summary and an app's own annotations are not metadata, nor text
    assert "aiSummary" not in doc.meta and "aiAnnotations" not in doc.meta
    # a field that may hold a credential is never kept; the author is the byline
    assert "apiToken" not in doc.meta and "sk-0123456789" not in json.dumps(doc.meta) and doc.authors == ["张三"]


def test_a_javascript_object_literal_in_a_text_file_is_a_record(tmp_path):
    literal = ("  {\n    id: 7,\n    title: '发展新质生产力',\n    summary: '一个短的副标题',\n"
               f"    content: [{', '.join(json.dumps(p, ensure_ascii=False) for p in PARAS[1:])}],\n"
               "    date: '2025-08-04',\n  }\n")
    (doc,) = read(tmp_path, literal, "a.txt")
    assert [t for _, t in outline(doc)] == ["发展新质生产力", PARAS[1], PARAS[2]]
    assert doc.meta["summary"] == "一个短的副标题"


def test_an_array_of_records_is_one_article_each(tmp_path):
    records = [{"title": "第一篇文章的标题", "content": "第一篇。我们要加强团结。\n\n又一段，坚持下去。"},
               {"title": "第二篇文章的标题", "content": "第二篇的正文。必须坚持创新。"}]
    docs = read(tmp_path, json.dumps(records, ensure_ascii=False), "a.json")
    assert [d.title for d in docs] == ["第一篇文章的标题", "第二篇文章的标题"] and [d.index for d in docs] == [0, 1]
    assert outline(docs[0])[1:] == [("paragraph", "第一篇。我们要加强团结。"), ("paragraph", "又一段，坚持下去。")]


def test_the_body_is_the_field_with_the_most_han_text_when_none_is_named(tmp_path):
    (doc,) = read(tmp_path, json.dumps({"headline": "标题在这里", "tag": "评论", "wenben": PARAS[1:]},
                                       ensure_ascii=False), "a.json")
    assert [t for _, t in outline(doc)] == ["标题在这里", PARAS[1], PARAS[2]]


def test_near_misses_are_not_records(tmp_path):
    assert read_records("[1] 注释：这是一段正文。[2]") is None                  # prose in brackets
    assert read_records('{"title": "标题", "count": 3}') is None                 # no text body
    assert read_records('[{"data": {"text": "一篇文章。"}, "predictions": []}]') is None   # Label Studio tasks
    assert read_records('{"title": "标题", "content": "正文。"} 又一行') is None   # more than the record
    docs = read(tmp_path, "[1] 标题不是数据\n\n这是正文第一段，不是数据。\n\n第二段到此为止。[2]\n", "b.txt")
    assert "这是正文第一段，不是数据。" in docs[0].text
    for body, reason in (('{"count": 3}', "no article record"),
                         ('[{"title": "甲", "text": "正文。"}, {"count": 3}]', "item 2: no article record"),
                         ("不是数据", "not a JSON object or array")):
        p = tmp_path / "c.json"
        p.write_text(body, encoding="utf-8")
        try:
            read_file(p)
        except SourceError as e:
            assert str(e).startswith(f"{p}: {reason}"), str(e)
        else:
            raise AssertionError("a JSON file with no article record must fail with one line")


def test_a_page_title_in_the_title_field_loses_its_channel_and_site():
    assert page_title_core("发展新质生产力--观点-") == "发展新质生产力"
    assert page_title_core("发展新质生产力_光明网") == "发展新质生产力"
    assert page_title_core("时局 | 发展新质生产力的时代课题") == "时局 | 发展新质生产力的时代课题"   # a column bar: kept
    assert page_title_core("发展新质生产力——理论与实践") == "发展新质生产力——理论与实践"          # a subtitle dash


def test_in_a_folder_only_json_holding_records_is_taken(tmp_path):
    from annotate.sources import iter_source_files

    (tmp_path / "a.json").write_text(json.dumps({"title": "标题", "content": "正文。"}, ensure_ascii=False),
                                     encoding="utf-8")
    (tmp_path / "tasks.json").write_text('[{"data": {"text": "一篇。"}}]', encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x"}', encoding="utf-8")
    (tmp_path / "b.md").write_text("# 标题\n\n正文。\n", encoding="utf-8")
    assert [p.name for p in iter_source_files([tmp_path])] == ["a.json", "b.md"]
    # named on the command line, a JSON that holds none is read, and fails with one line
    assert [p.name for p in iter_source_files([tmp_path / "tasks.json"])] == ["tasks.json"]
