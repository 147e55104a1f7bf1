"""A body pasted as a string literal (a Python repr, a JSON string) is read as the text it encodes."""
from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from annotate.sources import SourceError, read_string
from annotate.sources.escaped import unescape_text

from reader_helpers import outline, read

PARAS = ["　　新质生产力是推动高质量发展的内在要求。我们要积极培育新质生产力。",
         "一、加强基础研究",
         "　　基础研究是源头。习近平总书记指出：“要加强基础研究。”我们必须坚持创新驱动，推动科技自立自强。",
         "二、推动产业升级",
         "　　产业是根本。各级党委要切实负起责任，着力推动产业升级，这是我们的任务。"]
EXPECTED = [("title", "发展新质生产力"), ("paragraph", PARAS[0].strip()), ("heading", "一、加强基础研究"),
            ("paragraph", PARAS[2].strip()), ("heading", "二、推动产业升级"), ("paragraph", PARAS[4].strip())]


def test_python_repr_body_reads_as_its_text(tmp_path):
    body = repr([{"type": "text", "value": "\n\n".join(PARAS)}, {"type": "image", "value": "https://x/1.jpg"}])
    assert "\\u3000" in body and "\n" not in body
    (doc,) = read(tmp_path, f"# 某公众号｜发展新质生产力\n\n2024-03-01\n\n{body}\n", "a.md")
    assert [(k, t) for k, t in outline(doc) if t != "某公众号｜发展新质生产力" and "2024" not in t][-5:] == EXPECTED[1:]


def test_json_string_body_reads_as_its_text(tmp_path):
    for ascii_only in (False, True):
        body = json.dumps("\n".join(PARAS), ensure_ascii=ascii_only)
        (doc,) = read(tmp_path, f"发展新质生产力\n\n{body}\n", "a.txt")
        assert outline(doc) == EXPECTED


def test_escapes_inside_running_text_are_decoded_where_they_stand(tmp_path):
    body = "\\n".join(PARAS).replace("\u3000", "\\u3000") + "\\n（完）"   # no literal around it
    (doc,) = read(tmp_path, f"发展新质生产力\n\n{body}\n", "a.txt")
    assert outline(doc)[:6] == EXPECTED


def test_near_misses_stay_as_written():
    # two escapes only; an escaped backslash (\\n is a backslash and an n); no Han at all;
    # a fenced code block
    few = "我们在代码中用 \\n 表示换行，" + "也用 \\n 分行。" + "这是说明文字。" * 20
    doubled = "路径写作 C:\\\\new\\\\next\\\\note 的形式，" + "这是说明文字。" * 20
    latin = "print('a\\nb\\nc\\nd')  # " + "x" * 120
    fenced = "```\n" + "print('第一\\n第二\\n第三\\n第四')" + "说明" * 60 + "\n```"
    for text in (few, doubled, latin, fenced):
        assert unescape_text(text) == text


def test_a_broken_literal_falls_back_to_decoding_the_escapes():
    text = "[{'value': '" + "\\n".join(PARAS) + "'"     # never closed: no literal
    out = unescape_text(text)
    assert PARAS[2] in out and "\\n" not in out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["\\n", "\\u3000", "\\'", '\\"', "\\\\", "\\x", "\\u12", "\\ud800", "\\U0010ffff",
                                 "[{'value': '", "'}]", '{"a": "', '"}', "'", '"', "[", "]", "正文。", "我们要",
                                 "\n", "```", "x" * 40]), max_size=40))
def test_any_text_unescapes_or_is_left_alone(pieces):
    text = "".join(pieces)
    out = unescape_text(text)
    assert isinstance(out, str)
    try:
        read_string(text, "x.txt")
    except SourceError:
        pass
