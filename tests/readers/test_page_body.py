"""Full web pages (issue 13, item 3): trafilatura locates the article among a portal's
chrome, the HTML reader reads the article's markup as it always did. Each behaviour
has a hit and a near miss, on small made-up pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from annotate.sources import html, pagebody, read_file
from annotate.sources.patterns import is_page_action_line
from annotate.sources.raw import PARA, RawBlock

from reader_helpers import outline, read

ROOT = Path(__file__).resolve().parents[2]

# A made-up portal: a menu (one item reads like a byline under a heading), a breadcrumb,
# scripts, related links, comments and a footer around the article.
HEAD = ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>"
        "<script>var menu = ['首页', '理论']; document.write('<p>广告位招租。</p>');</script>"
        "<style>.nav {{ color: red }}</style></head><body>"
        "<div class='header'><a href='/'><img src='logo.png'>某某网</a>"
        "<ul class='nav'><li><a href='/'>首页</a></li><li><a href='/sz'>时政</a></li>"
        "<li><a href='/ll'>理论</a></li><li><a href='/gc'>观察</a></li><li><a href='/pl'>评论</a></li></ul>"
        "<div class='menu'><h3>栏目导航</h3><p>周末</p><p>专题 图片 视频</p></div></div>"
        "<div class='crumb'><a href='/'>首页</a> &gt; <a href='/ll'>理论</a> &gt; 正文</div>"
        "<div class='main'><div class='article'>")
TAIL = ("</div><div class='related'><h3>相关阅读</h3><ul>"
        "<li><a href='/a1'>推动高质量发展要坚持稳中求进的工作总基调</a></li>"
        "<li><a href='/a2'>深化改革开放，激发市场主体活力和社会创造力</a></li></ul></div>"
        "<div class='comments'><h3>网友评论</h3><div class='c'>网友甲：写得好，说得太对了，支持！</div>"
        "<div class='c'>网友乙：学习了，受益匪浅。</div></div></div>"
        "<div class='footer'><p>关于我们 | 联系我们 | 网站地图</p><p>Copyright © 2024 某某网 版权所有</p></div>"
        "<script>console.log('统计代码');</script></body></html>")

ARTICLE = ("<h1>坚持以人民为中心的发展思想</h1>"
           "<div class='info'>2024-03-01 08:00 来源：某某日报</div>"
           "<p>张三</p>"
           "<p>　　发展为了人民，这是马克思主义政治经济学的根本立场。我们必须始终把人民利益摆在至高无上的地位。</p>"
           "<p><strong>坚持人民主体地位。</strong>人民是历史的创造者。要尊重人民首创精神，汇聚起磅礴力量。</p>"
           "<h3>一、把握新要求</h3>"
           "<p>　　习近平总书记指出：“人民对美好生活的向往，就是我们的奋斗目标。”这一论断为我们指明了方向。</p>"
           "<p>　　要坚持问题导向。</p>"
           "<p>（作者为某大学教授）</p><p>责编：李四</p>")

BODY = [("title", "坚持以人民为中心的发展思想"),
        ("paragraph", "发展为了人民，这是马克思主义政治经济学的根本立场。我们必须始终把人民利益摆在至高无上的地位。"),
        ("paragraph", "坚持人民主体地位。人民是历史的创造者。要尊重人民首创精神，汇聚起磅礴力量。"),
        ("heading", "一、把握新要求"),
        ("paragraph", "习近平总书记指出：“人民对美好生活的向往，就是我们的奋斗目标。”这一论断为我们指明了方向。"),
        ("paragraph", "要坚持问题导向。")]


def page(article: str, title: str = "坚持以人民为中心的发展思想_理论_某某网") -> str:
    return HEAD.format(title=title) + article + TAIL


# ---- the article located among the chrome ---------------------------------------------------

def test_portal_chrome_around_the_article_is_cut(tmp_path):
    [doc] = read(tmp_path, page(ARTICLE), "a.html")
    assert outline(doc) == BODY
    assert doc.authors == ["张三"] and doc.author_note == "作者为某大学教授"
    [(s, e)] = doc.blocks[2].bold
    assert doc.text[s:e] == "坚持人民主体地位。"
    for chrome in ("栏目导航", "周末", "相关阅读", "网友", "Copyright", "统计代码", "广告", "责编"):
        assert chrome not in doc.text


def test_near_miss_the_article_alone_reads_as_it_did(tmp_path):
    # a fragment (no <html>/<body>) is all article: the extractor is not asked
    [doc] = read(tmp_path, ARTICLE, "a.html")
    assert outline(doc) == BODY and doc.authors == ["张三"]
    meta, _ = html.parse(ARTICLE)
    assert "page_body" not in meta
    # a whole page that is only the article reads the same as its body alone
    [whole] = read(tmp_path, "<html><head><title>坚持以人民为中心的发展思想</title></head><body>"
                   + ARTICLE + "</body></html>", "b.html")
    assert outline(whole) == BODY and html.parse("<html><body>" + ARTICLE + "</body></html>")[0]["page_body"] == "trafilatura"


@pytest.mark.parametrize("name", ["corpus/dev2/r01_guoshengkun_shensheng_shiming.html",
                                  "corpus/dev2/r02_zhishifenzi_weida_shidai.html",
                                  "corpus/dev2/r03_yiyiguanzhi_shehui_geming.html",
                                  "corpus/dev2/s01_zhishifenzi_laomo_qingnian_zuotanhui.html",
                                  "corpus/dev2/s02_zhonga_mingyun_gongtongti.html",
                                  "tests/fixtures/articles/party_discipline.html"])
def test_real_articles_set_in_portal_chrome_read_as_alone(tmp_path, name):
    """Every sentence, heading, bold run and byline survives the extractor: the article
    inside a made-up portal page (with a site-name-only <title>) reads exactly as alone."""
    src = (ROOT / name).read_text(encoding="utf-8")
    [alone] = read_file(ROOT / name)
    [framed] = read(tmp_path, page(src, title="某某网"), "framed.html")
    assert framed.text == alone.text and framed.title == alone.title and framed.authors == alone.authors
    assert [(b.kind, b.bold, b.claim) for b in framed.blocks] == [(b.kind, b.bold, b.claim) for b in alone.blocks]


# ---- the title ---------------------------------------------------------------------------------

def test_column_label_before_the_title_is_the_column(tmp_path):
    [doc] = read(tmp_path, page(ARTICLE.replace("<h1>", "<h1>观察：")), "a.html")
    title = doc.blocks[0]
    assert doc.text[title.start:title.end] == "观察：坚持以人民为中心的发展思想"
    assert doc.title == "坚持以人民为中心的发展思想" and doc.column == "观察"
    assert doc.text[title.claim[0]:title.claim[1]] == "坚持以人民为中心的发展思想"


def test_near_miss_a_speaker_before_a_colon_stays_in_the_title(tmp_path):
    # 王五 is no menu item or channel of the page: a headline quoting a speaker
    [doc] = read(tmp_path, page(ARTICLE.replace("<h1>", "<h1>王五：")), "a.html")
    assert doc.title == "王五：坚持以人民为中心的发展思想" and doc.column is None
    assert doc.blocks[0].claim is None
    # … and a fragment has no menu to name a channel
    [doc] = read(tmp_path, ARTICLE.replace("<h1>", "<h1>观察："), "b.html")
    assert doc.title == "观察：坚持以人民为中心的发展思想"


def test_site_name_only_page_title_is_not_the_article_title(tmp_path):
    article = ARTICLE.replace("<h1>坚持以人民为中心的发展思想</h1>",
                              "<div class='title' style='text-align:center'>坚持以人民为中心的发展思想</div>")
    [doc] = read(tmp_path, page(article, title="某某网"), "a.html")
    assert doc.title == "坚持以人民为中心的发展思想" and outline(doc) == BODY


def test_near_miss_a_page_title_the_chrome_does_not_show_stands_in(tmp_path):
    # the article has no title line; its <title> names nothing outside it: the title
    article = ARTICLE.replace("<h1>坚持以人民为中心的发展思想</h1>", "").replace("<p>张三</p>", "")
    [doc] = read(tmp_path, page(article, title="人民至上 - 某某网"), "a.html")
    assert doc.title == "人民至上" and outline(doc)[0] == ("title", "人民至上")


def test_centred_follow_line_under_the_title_is_neither_title_nor_byline(tmp_path):
    # (关 is a surname: the line read as a byline, or as a second title line)
    article = ARTICLE.replace("</h1>", "</h1><p style='text-align:center'>关注我们</p>")
    [doc] = read(tmp_path, page(article), "a.html")
    assert doc.title == "坚持以人民为中心的发展思想" and doc.authors == ["张三"]
    assert "关注我们" not in doc.text
    assert is_page_action_line("【字号 大 中 小】【打印】【关闭窗口】") and is_page_action_line("分享到：微信 微博")


def test_near_miss_follow_words_in_a_heading_or_a_sentence_stay(tmp_path):
    article = ARTICLE.replace("一、把握新要求", "关注民生").replace("要坚持问题导向。", "欢迎读者关注我们的系列报道。")
    [doc] = read(tmp_path, page(article), "a.html")
    assert ("heading", "关注民生") in outline(doc)
    assert ("paragraph", "欢迎读者关注我们的系列报道。") in outline(doc)
    assert not is_page_action_line("微信") and not is_page_action_line("大")


# ---- paragraphs without <p> ----------------------------------------------------------------------

LONG = "文化是一个国家、一个民族的灵魂，文化兴则国运兴，文化强则民族强，没有高度的文化自信就没有中华民族伟大复兴。"


def test_blank_lines_from_br_and_spacer_divs_end_paragraphs(tmp_path):
    # (an article of a real length: on a page with little text trafilatura keeps it all)
    body = ("<div class='text'>　坚持人民至上<br><br>发展为了人民，成果由人民共享<br>"
            "<div>&nbsp;</div>要坚持问题导向，把握工作主动<p></p>要扎实推进。<br>这是一行被换行切开的句子，<br>"
            f"后半句在这里。<br><br>{LONG}<br><br>{LONG}</div>")
    [doc] = read(tmp_path, page("<h1>人民至上</h1><p>张三</p>" + body), "a.html")
    assert outline(doc) == [("title", "人民至上"), ("paragraph", "坚持人民至上"),
                            ("paragraph", "发展为了人民，成果由人民共享"),
                            ("paragraph", "要坚持问题导向，把握工作主动"), ("paragraph", "要扎实推进。"),
                            ("paragraph", "这是一行被换行切开的句子，后半句在这里。"),
                            ("paragraph", LONG), ("paragraph", LONG)]


def test_near_miss_a_single_break_in_a_sentence_is_a_line_wrap(tmp_path):
    [doc] = read(tmp_path, "<h1>人民至上</h1><p>张三</p><div>发展为了人民，<br>成果由人民共享。</div>", "a.html")
    assert outline(doc)[1:] == [("paragraph", "发展为了人民，成果由人民共享。")]


# ---- when the page is read whole ------------------------------------------------------------------

def test_too_deep_a_page_is_read_whole_with_the_reason():
    deep = "<html><body>" + "<div>" * 300 + "<h1>标题</h1><p>正文一句。</p>" + "</div>" * 300 + "</body></html>"
    meta, blocks = html.parse(deep)
    assert meta["page_body"] == f"whole page: elements nested deeper than {pagebody.MAX_DEPTH}"
    assert [b.text for b in blocks] == ["标题", "正文一句。"]


def test_near_miss_a_page_within_the_depth_is_located():
    shallow = "<html><body>" + "<div>" * 50 + "<h1>标题</h1><p>正文一句。</p>" + "</div>" * 50 + "</body></html>"
    assert html.parse(shallow)[0]["page_body"] == "trafilatura"


def test_a_failing_extractor_leaves_the_page_whole(monkeypatch):
    import trafilatura

    def broken(*args, **kwargs):
        raise RuntimeError("parser bug")
    monkeypatch.setattr(trafilatura, "bare_extraction", broken)
    meta, blocks = html.parse(page(ARTICLE))
    assert meta["page_body"] == "whole page: trafilatura failed (RuntimeError)"
    assert any(b.text == "网友乙：学习了，受益匪浅。" for b in blocks)   # nothing cut


# ---- the alignment of the reader's blocks with trafilatura's text --------------------------------

def _blocks(*texts: str) -> list[RawBlock]:
    return [RawBlock(PARA, t, k + 1) for k, t in enumerate(texts)]


def test_lines_the_extractor_drops_inside_the_article_survive():
    blocks = _blocks("首页", "标题一行", "第一段正文。", "一个小标题", "第二段正文。", "版权所有")
    hit = pagebody._matches(blocks, "标题一行\n第一段正文。\n第二段正文。")
    assert hit == [False, True, True, False, True, False]   # the range keeps 一个小标题 in between


def test_near_miss_a_menu_item_that_opens_the_first_line_is_no_match():
    # 观察 is a menu item, and the article's first line opens with it
    blocks = _blocks("观察", "观察：标题一行", "第一段正文。")
    assert pagebody._matches(blocks, "观察：标题一行\n第一段正文。") == [False, True, True]
    # … while the reader's split of one line (a bold lead in its own block) still matches
    blocks = _blocks("观察", "观察：", "标题一行", "第一段正文。")
    assert pagebody._matches(blocks, "观察：标题一行\n第一段正文。") == [False, True, True, True]


def test_list_items_the_extractor_prints_with_a_dash_match():
    # trafilatura prints <li> as "- item"; the reader's block is the item's text: the list that
    # closes an article (总结一下： then <ol><li><p>…) stays in it
    blocks = _blocks("第一段正文。", "总结一下：", "第一条理由很长。", "第二条理由也很长。", "版权所有")
    hit = pagebody._matches(blocks, "第一段正文。\n总结一下：\n- 第一条理由很长。\n- 第二条理由也很长。")
    assert hit == [True, True, True, True, False]


def test_near_miss_an_item_whose_own_text_opens_with_a_dash_still_matches():
    blocks = _blocks("第一段正文。", "- 自带横线的一条。", "页脚")
    assert pagebody._matches(blocks, "第一段正文。\n- - 自带横线的一条。") == [True, True, False]


def test_model_version_follows_the_extractor_version(monkeypatch):
    # trafilatura decides which text of a web page is read: another version, another model_version
    from annotate import behaviour

    before = behaviour.behaviour_hash()
    versions = {**behaviour.library_versions(), "trafilatura": "9.9.9"}
    monkeypatch.setattr(behaviour, "library_versions", lambda: versions)
    assert behaviour.behaviour_hash() != before
