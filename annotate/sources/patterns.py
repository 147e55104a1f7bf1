"""Line-level predicates on clean text: bylines, author notes, running heads,
column tags, captions, heading numbers, and where a paragraph ends."""
from __future__ import annotations

import re

from ..data.lexicon import lexicon
from ..document import HEADING, SUBHEADING
from ..punctuation import (CLAUSE_MARKS, CLOSERS, DASH_CHARS, DASH_OPENERS, ELLIPSIS, FOOTNOTE, HAN, HAN_NUMERALS, ITEM_NUMERALS, SECTION_NUMBER, SENTENCE_END,
                           SUBHEADING_NUMBER)


# ---- where a sentence / paragraph ends -------------------------------------
# A paragraph that ends with one of these is finished (no page break cut it).
FINAL = SENTENCE_END + ELLIPSIS + "；;：:."


_TRAILING_FOOTNOTES = re.compile(rf"(?:\s*{FOOTNOTE})+\s*$")


def without_trailing_footnotes(text: str) -> str:
    """`text` without the footnote markers at its end (…力量。⑵ → …力量。); only the last
    40 characters are looked at, so it costs the same on any length."""
    tail = text[-40:]
    m = _TRAILING_FOOTNOTES.search(tail)
    return text[:len(text) - len(tail) + m.start()] if m else text


def is_finished(text: str) -> bool:
    """Ends with final punctuation, optionally followed by closing quotes/brackets (and a
    footnote marker)."""
    t = without_trailing_footnotes(text.rstrip()).rstrip(CLOSERS)
    return bool(t) and t[-1] in FINAL


def open_quote_depth(text: str, depth: int = 0) -> int:
    """“…” nesting left open at the end of `text` read after `depth` open marks; a stray
    closing mark opens nothing."""
    if "“" not in text and "”" not in text:
        return depth
    for ch in text:
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
    return depth


def starts_by_closing_quote(text: str) -> bool:
    """The first quotation mark of `text` is a closing one (the rest of a quotation)."""
    m = re.search("[“”]", text)
    return bool(m) and m.group() == "”"


def has_inner_sentence_end(text: str) -> bool:
    return any(ch in SENTENCE_END for ch in text.rstrip(CLOSERS + SENTENCE_END))


# ---- bylines ---------------------------------------------------------------
SURNAMES = set(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
    "云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常"
    "乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞"
    "熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍"
    "虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁"
    "荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫"
    "宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
    "池乔阴郁胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农"
    "温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东"
    "欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红"
    "游竺权逯盖益桓公覃佘揭练邝区晋楚闫寿付过卿蔺庹钭粟栗银谌岳帅"
)
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "令狐", "夏侯", "端木", "独孤", "南宫", "西门", "百里", "呼延", "轩辕", "澹台",
}
_BYLINE_PREFIX = re.compile(
    r"^(?:文\s*[/／|｜丨]|(?:本报|[^\s《》]{2,6}?(?:日报|晚报|报社|社|网))?(?:特约)?记者|作者\s*[:：]?|撰文\s*[:：]?|□|■)\s*")
# A signer's position before the name, set apart by a space (中国工程院院士 张三, 某大学教授 李四)
_POSITION_PREFIX = re.compile(
    rf"^[{HAN}]{{2,20}}(?:院士|教授|研究员|主任|部长|局长|司长|书记|委员|主席|所长|院长|理事长|董事长|总经理|评论员|记者|通讯员)[ \u3000]+(?=[{HAN}])")
_COMMENTATOR = re.compile(r"^(?:本报|人民日报|光明日报|经济日报|新华社)?(?:特约)?评论员$")
# A collective author: a research or survey group, an editorial office's team, a party group
# (全国党建研究会调研组, 求是杂志社经济编辑部、…联合课题组, 中共某某部党组)
_COLLECTIVE = re.compile(rf"^[{HAN}、·（）()\s]{{2,36}}(?:课题组|调研组|研究组|写作组|理论学习中心组|党组)$")
_NAME = re.compile(rf"^[{HAN}]{{2,4}}$|^[{HAN}]{{1,6}}[·•][{HAN}]{{1,8}}$")
_NAME_SEP = re.compile(r"[\s、，,]+")


def _surname_ok(name: str) -> bool:
    return name[0] in SURNAMES or name[:2] in COMPOUND_SURNAMES or "·" in name or "•" in name


# A newspaper byline may carry the outlet and the issue after the names:
# 王一鸣《人民日报》（2025年02月06日第 09 版）
_ISSUE = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*日|第?\s*\d{1,3}\s*版")
_OUTLET_SUFFIX = re.compile(r"\s*《[^《》]{1,20}》\s*(?:[（(][^（）()]{0,40}[）)])?$")


def _pair_single_chars(names: list[str]) -> list[str]:
    """Two-character names are often set with a space between the characters so that
    they line up with three-character ones (杨  一, 焦  捷  陆  毅): two single Han
    characters in a row are one name."""
    out: list[str] = []
    k = 0
    while k < len(names):
        if k + 1 < len(names) and len(names[k]) == 1 and len(names[k + 1]) == 1:
            out.append(names[k] + names[k + 1])
            k += 2
        else:
            out.append(names[k])
            k += 1
    return out


def byline_names(text: str) -> list[str] | None:
    """The author names of a byline line (王一鸣 / 谢宝剑 黄丰斌 / 文/张三 /
    杨  一《人民日报》（…版）), else None."""
    t = text.strip()
    if not t or len(t) > 80:
        return None
    m = _OUTLET_SUFFIX.search(t)
    outlet = bool(m and m.start() > 0 and _ISSUE.search(m.group()))
    if m and m.start() > 0:
        t = t[:m.start()]
    if len(t) > 40:
        return None
    if _COMMENTATOR.match(t) or _COLLECTIVE.match(t):
        return [" ".join(t.split())]
    m = _BYLINE_PREFIX.match(t)
    prefixed = bool(m and m.group().strip())
    t = t[m.end():] if m else t
    if (m := _POSITION_PREFIX.match(t)):
        t = t[m.end():]   # (unprefixed, the names must still have a known surname: prefixed stays False)
    names = _pair_single_chars([n for n in _NAME_SEP.split(t) if n])
    if not 1 <= len(names) <= 4 or not all(_NAME.match(n) for n in names):
        if outlet and not has_inner_sentence_end(t) and not any(c in t for c in "，,。"):
            # the outlet and issue after it make it a byline, whoever signs (中共某某省委理论学习中心组)
            return [" ".join(t.split())]
        return None
    if not prefixed and not all(_surname_ok(n) for n in names):
        return None
    return names


# ---- metadata lines ----------------------------------------------------------
_AUTHOR_NOTE = re.compile(r"^[（(]\s*作者.{1,300}[）)]$", re.S)


def author_note(text: str) -> str | None:
    """（作者为…）→ 作者为…"""
    t = text.strip()
    if _AUTHOR_NOTE.match(t) and _wrapped_in_parens(t):
        return t[1:-1].strip()
    return None


def _wrapped_in_parens(t: str) -> bool:
    # the closing bracket at the end closes the opening one at the start
    depth = 0
    for i, ch in enumerate(t):
        depth += ch in "（("
        depth -= ch in "）)"
        if depth == 0 and i < len(t) - 1:
            return False
    return depth == 0


_COLUMN_LINE = re.compile(r"^【([^【】]{1,12})】$")
# (matched with .match(text, pos): no ^, so that they apply one after the other)
_TITLE_PREFIX_TAG = re.compile(r"【([^【】]{1,12})】\s*")
# A channel label before a bar: 时局 | …, 理论｜…
_TITLE_BAR_TAG = re.compile(r"([^\s|｜丨【】（）()]{1,8})\s*[|｜丨]\s*")   # (丨: the CJK stroke set as a bar)
# A news dateline heading a title: 新华社北京12月10日电题：… (the place may be absent;
# 题： or a space must follow, so that 3月2日电力… stays whole)
# A column's name and a colon: 壹时评：…, 人民锐评：… (lexicon [page] column_heads, a name before the
# head: a bare 观察：… names no column of its own)
_TITLE_COLON_COLUMN = re.compile(
    r"([^\s：:，。、“”《》【】（）()|｜]{1,8}?(?:" + "|".join(sorted(lexicon().page.column_heads, key=len, reverse=True))
    + r"))\s*[：:]\s*")
_TITLE_DATELINE = re.compile(
    r"[^\s，。：:“”]{0,16}?\d{1,2}月\d{1,2}日电\s*(?:[（(][^（）()]{0,20}[）)])?(?:\s*题\s*[:：]|\s+)\s*")


def column_line(text: str) -> str | None:
    m = _COLUMN_LINE.match(text.strip())
    return m.group(1).strip() if m else None


def _closing_paren_group(text: str, end: int) -> int | None:
    """Start of the balanced （…）/(…) group that ends at `end` (exclusive), or None."""
    depth = 0
    for k in range(end - 1, -1, -1):
        ch = text[k]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                return k
    return None


# A bilingual blog's title: the Chinese title, a space, its English rendering (two words or more)
_LATIN_GLOSS = re.compile(r"[ \u3000]+[A-Za-z][A-Za-z'’,.:;!?&\-]*(?:[ ][A-Za-z0-9'’,.:;!?&\-]+)+[ ]*$")
_HAN_RE = re.compile(rf"[{HAN}]")


def title_tag(text: str) -> tuple[int, int, str | None]:
    """(claim start, claim end, column) of a title line. Not part of the claim: a
    column tag 【…】, `label |` or a column's name and a colon (壹时评：) at the start, a news dateline (…12月10日电题：), any
    parenthesised series name at the end （人民要论）/（深入学习贯彻…专家谈）, and an English
    gloss after a Chinese title (读后感 My Thoughts after Reading)."""
    start, end, col = 0, len(text), None
    for pattern, is_column in ((_TITLE_PREFIX_TAG, True), (_TITLE_BAR_TAG, True), (_TITLE_COLON_COLUMN, True),
                               (_TITLE_DATELINE, False)):
        m = pattern.match(text, start)
        if m and m.end() < len(text):
            start = m.end()
            if is_column and col is None:
                col = m.group(1).strip()
    m = _LATIN_GLOSS.search(text, start)
    if m and _HAN_RE.search(text, start, m.start()):
        return start, m.start(), col   # a Chinese title with its English gloss: the gloss is no claim
    stripped = text.rstrip()
    if stripped.endswith(("）", ")")):
        k = _closing_paren_group(stripped, len(stripped))
        if k is not None and k > start and text[start:k].strip():
            end = len(text[:k].rstrip())
            col = col or stripped[k + 1:-1].strip() or None
    return start, end, col


_DROPPED = re.compile(
    r"^(?:图为|[（(]?\s*(?:图片来源|图片|摄影|图文|制图|绘图|图)\s*[:：/／]|[（(]?\s*(?:来源|稿件来源|文章来源|本文来源)\s*[:：]"
    # (a title picture's or cover image's credit: 题图标题：《…》 创作者：…, 封面图：…)
    r"|[（(]?\s*(?:题图|封面图|封面|头图|配图|插图)(?:标题|来源|说明|作者)?\s*[:：]"
    r"|[（(]?\s*(?:责任编辑|编辑|校对|审核|审校|终审|监制)\s*[:：])"
)
# The staff of a web page or a WeChat post, one or several to a line (编辑：李四 审核：王五)
_STAFF = re.compile(r"^[（(]?\s*(?:来源|稿件来源|文章来源|本文来源|责任编辑|值班编辑|编辑|责编|美编|校对|审核|"
                    r"审校|初审|复审|终审|编审|监制|排版|统筹|策划|主编)\s*[:：]")


# A web page's action line: follow, share, print, font size (关注我们, 分享到：微信 微博,
# 【字号 大 中 小】【打印】【关闭窗口】), with nothing else on it
# (a share pop-up's close button ×/x may trail the line)
_ACTION_SEP = r"[\s|｜/、:：·【】\[\]（）()x×+＋]*"   # (+关注: a follow button)
_PAGE_ACTION = re.compile(
    rf"^(?:{_ACTION_SEP}(?:(?:扫码|长按)?关注(?:我们|本号|公众号)?|扫一扫|分享到?|微信|微博|朋友圈|QQ空间"
    rf"|打印(?:本页)?|收藏(?:本文)?|返回顶部|关闭窗口|我要纠错|字号|[大中小]))+{_ACTION_SEP}$")
# A page's counters: 5人参与2评论, 阅读 1.2万, 3条评论 (figures and what they count, nothing else)
_STAT_WORDS = r"(?:人参与|人评论|条评论|评论|人阅读|次阅读|阅读|浏览|点赞|赞|收藏|转发|分享)"
_PAGE_STATS = re.compile(rf"^(?:\s*(?:\d[\d,.]*\s*[万千]?\s*{_STAT_WORDS}|{_STAT_WORDS}\s*[:：]?\s*\d[\d,.]*\s*[万千]?)\s*)+$")
_ACTION_WORD = re.compile(r"关注|扫一扫|分享|打印|收藏|返回顶部|关闭窗口|纠错|字号")
_SHARE_TARGET = re.compile(r"微信|微博|朋友圈|QQ空间")
# A share pop-up's how-to: 使用"扫一扫"即可将网页分享至朋友圈。 (a scan-to-share instruction)
_SHARE_HOWTO = re.compile(r"扫一扫.{0,20}?分享|分享.{0,12}?(?:朋友圈|微信|微博)")


def is_page_action_line(text: str) -> bool:
    """A line of a web page's follow, share or print buttons (关注我们, 分享到：微信 微博; the
    share targets alone when two or more: 微博微信), or a share pop-up's one-line how-to."""
    t = text.strip()
    if len(t) > 40:
        return False
    if _PAGE_STATS.match(t):
        return True
    if _PAGE_ACTION.match(t) and (_ACTION_WORD.search(t) or len(_SHARE_TARGET.findall(t)) >= 2):
        return True
    return "扫一扫" in t and bool(_SHARE_HOWTO.search(t))


# A crawler's page-title banner: 【标题】-网站名 / 标题 - 网站名 / 标题_网站名 (the title, then the
# site's name after a dash, underscore or bar)
_BANNER = re.compile(r"^[【\[［]?(?P<core>[^【】\[\]［］]{2,80}?)[】\]］]?\s*(?:[-–—_|｜]\s*)(?P<site>[^-–—_|｜\s]{2,24})$")


def banner_core(text: str) -> str | None:
    """The title inside a page-title banner (【标题】-网站名 → 标题), else None."""
    m = _BANNER.match(text.strip())
    if not m or has_inner_sentence_end(m.group("core")):
        return None
    return m.group("core").strip()


def is_staff_line(text: str) -> bool:
    """A source or staff line (来源：… 责任编辑：… 审核：…)."""
    t = text.strip()
    return len(t) <= 80 and bool(_STAFF.match(t))
_ORIGINAL_TITLE = re.compile(r"^[（(【\[]?\s*原(?:标)?题\s*[:：]\s*(.+?)\s*[）)】\]]?$")


def original_title(text: str) -> str | None:
    """原标题：… (a reposted article's headline at its first outlet) → the headline."""
    m = _ORIGINAL_TITLE.match(text.strip())
    return m.group(1) if m and len(text) <= 120 else None


# 编者按, and the editors' words that open a new column or series (开栏的话, 编者的话)
_EDITOR_NOTE = re.compile(r"^[【\[［]?\s*(?:编者按语|编者按|编者的话|开栏的话)\s*(?:[】\]］]\s*[:：]?\s*|[:：]\s*|\s+|$)")


# A paper's footer: 《 人民日报 》（ 2015年11月02日 07 版）
_PAPER_FOOTER = re.compile(r"^《\s*[^《》]{1,20}?\s*》\s*[（(][^（）()]{0,40}\d[^（）()]{0,40}[）)]$")


# A web page's info line: a date and a field such as 来源：… on one short line
_INFO_DATE = re.compile(r"\d{4}\s*[-年./]\s*\d{1,2}\s*[-月./]\s*\d{1,2}")
_INFO_FIELD = re.compile(r"(?:来源|稿源|编辑|发布(?:时间|日期)?|更新(?:时间|日期)|浏览|阅读|点击|字号)\s*[:：]")


# … or a date with a clock time (2024-03-01 08:00: when the page was posted)
_INFO_TIME = re.compile(r"\d{1,2}\s*[-月./]\s*\d{1,2}\s*日?\s+\d{1,2}:\d{2}(?!\d)")


def is_info_line(text: str) -> bool:
    """A web page's info line: a date with a field (来源：…) or a clock time, on a short
    line that holds no sentence."""
    t = text.strip()
    return (len(t) <= 80 and bool(_INFO_DATE.search(t))
            and (bool(_INFO_FIELD.search(t)) or bool(_INFO_TIME.search(t)))
            and not has_inner_sentence_end(t) and not t.endswith("。") and "，" not in t)


# A photo credit: …（新华社记者 张三摄） / 张三 摄
_PHOTO_CREDIT = re.compile(r"(?:[（(][^（）()]{0,30}摄[）)]|[\s\u3000][^\s\u3000，。]{2,4}\s*摄)$")


# An outlet credit on a line of its own, as a feed dump prints it under the title: two outlets or
# more joined by a dash or bar (人民网－人民日报, 光明网 | 光明日报), each ending in an outlet word.
_OUTLET = r"[\u4e00-\u9fffA-Za-z]{1,10}(?:网|报|社|台|刊|客户端|杂志|日报|晚报|周刊)"
_OUTLET_LINE = re.compile(rf"^{_OUTLET}(?:\s*[-－—–|｜/]\s*{_OUTLET})+$")


# A repost's provenance line: where the text was first published (原文来自「某公众号」：[原题](链接),
# 本文转自微信公众号：「…」, 转载自…, 本文首发于…, 选自《…》): a note on the copy, never its title or text.
_REPOST = re.compile(r"^[（(【\[]?\s*(?:(?:原文|本文|文章)(?:来自|转自|转载自|首发于|原载于?|选自|摘自)|转自|转载自|首发于|原载于?"
                     r"|选自|摘自)\s*(?:微信公众号|公众号|订阅号|微信|微博|网站)?\s*[：:「『《“\[【]")


def is_repost_line(text: str) -> bool:
    """A repost's provenance line (原文来自「…」：…, 本文转自微信公众号：「…」, 选自《…》)."""
    t = text.strip()
    return len(t) <= 160 and bool(_REPOST.match(t))


# An archive's or a repost's disclaimer: 自动备份，仅供查阅学习 / 仅供学习交流 / 如有侵权请联系删除
_DISCLAIMER = re.compile(r"(?:仅|只)供(?:个人)?(?:学习|参考|查阅|交流|研究|欣赏|阅读)|如有侵权|侵权(?:请)?(?:联系)?(?:删除|必删)|侵删")
# A rights notice: 个人转载…无需特别申请版权许可 / 未经授权，不得转载 / 版权所有 / 转载请注明出处
_RIGHTS = re.compile(r"(?:转载|转发|复制).{0,30}?(?:版权|授权|许可|注明|出处|联系)|(?:版权|授权|许可).{0,30}?(?:转载|转发)"
                     r"|版权所有|版权归.{0,30}?所有|all rights reserved|copyright\s*©?", re.I)


def is_disclaimer_line(text: str) -> bool:
    """A short line disclaiming the copy (自动备份，仅供查阅学习; 如有侵权请联系删除)."""
    t = text.strip()
    return len(t) <= 30 and bool(_DISCLAIMER.search(t))


def is_rights_line(text: str) -> bool:
    """A line about the rights to the text (转载…版权许可, 版权所有, 未经授权不得转载): after running
    text it closes the article, and what follows it is the page's or the account's furniture."""
    t = text.strip()
    return len(t) <= 120 and bool(_RIGHTS.search(t))


def is_dropped_line(text: str) -> bool:
    """Photo captions and credits, source lines, repost provenance lines, editorial staff lines,
    web info and action lines, outlet credits, paper footers, disclaimers and rights notices."""
    t = text.strip()
    return (bool(_DROPPED.match(t)) and (not t.startswith("图为") or len(t) <= 200)) or is_staff_line(t) \
        or is_repost_line(t) or is_disclaimer_line(t) or is_rights_line(t) \
        or (len(t) <= 40 and bool(_OUTLET_LINE.match(t))) \
        or bool(_PAPER_FOOTER.match(t)) or is_info_line(t) or is_page_action_line(t) \
        or (len(t) <= 80 and bool(_PHOTO_CREDIT.search(t)))


def is_editorial_aside(text: str) -> bool:
    """A short paragraph wholly in parentheses that is no author note: an editor's
    aside such as （完） or （本系列评论到此结束）. A bare heading number （一） is not."""
    t = text.strip()
    return (2 < len(t) <= 40 and t[0] in "（(" and _wrapped_in_parens(t)
            and numbered_kind(t) is None and author_note(t) is None)


_EDITOR_SIGNATURE = re.compile(r"[—－-]{1,2}\s*编\s*者(?:\s*按)?\s*$")


def signed_by_editor(text: str) -> str | None:
    """The note before an editor's signature ——编者 at the end of `text` ("" when the
    line is only the signature), else None."""
    m = _EDITOR_SIGNATURE.search(text)
    return text[:m.start()].strip() if m else None


def editor_note(text: str) -> str | None:
    m = _EDITOR_NOTE.match(text)
    return text[m.end():].strip() or text if m else None


_LATIN_RUNNING_HEAD = re.compile(r"^[A-Z]{1,12}(?:[ \u3000]+[A-Z]{1,12}){1,7}$")
_PAGE_NUMBER = re.compile(r"^(?:[-—–·]?\s*\d{1,4}\s*[-—–·]?|第\s*\d{1,4}\s*页)$")


def is_latin_running_head(text: str) -> bool:
    """Spaced Latin capitals, e.g. ZHUAN TI SHEN SI (a pinyin page head)."""
    t = text.strip()
    return bool(_LATIN_RUNNING_HEAD.match(t)) and sum(c.isalpha() for c in t) >= 6


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip()))


def is_short_han_label(text: str) -> bool:
    """A short all-Han line such as the Chinese running head 专题深思."""
    return bool(re.fullmatch(rf"[{HAN}]{{2,8}}", text.strip()))


# ---- heading numbers -----------------------------------------------------------
_SECTION_NUM = re.compile("^" + SECTION_NUMBER)
_SUB_NUM = re.compile("^" + SUBHEADING_NUMBER)


_BARE_HAN = re.compile(rf"^[{HAN_NUMERALS}]{{1,3}}$")
_BARE_ARABIC = re.compile(r"^\d{1,2}$")


def numbered_kind(text: str) -> str | None:
    """"heading" for 一、… / 第一部分… / 一 alone, "subheading" for （一）… / 1. … / 1 alone,
    when the line is short enough to be a heading; else None. (A bare Arabic number is
    also what a page number looks like: see section_numbers.)"""
    t = text.strip()
    if len(t) > 50 or has_inner_sentence_end(t):
        return None
    if _BARE_HAN.match(t):
        return HEADING
    if _BARE_ARABIC.match(t):
        return SUBHEADING
    if _SECTION_NUM.match(t):
        return HEADING
    if _SUB_NUM.match(t):
        return SUBHEADING
    return None


def section_numbers(texts: list[str]) -> set[int]:
    """Indexes of the bare Arabic numbers among `texts` (lines or paragraphs, in order) that
    number sections (1, 2, 3 … on lines of their own, SCHEME CLAIM 4) rather than pages: they
    count up from 1 one by one, at least two of them (a count may start again at 1, in the
    next article). Page numbers of a magazine spread start further on or skip."""
    found: set[int] = set()
    run: list[int] = []
    expect = 1

    def close() -> None:
        if len(run) >= 2:
            found.update(run)

    for k, t in enumerate(texts):
        t = t.strip()
        if not _BARE_ARABIC.match(t):
            continue
        n = int(t)
        if n == expect:
            run.append(k)
            expect += 1
        else:
            close()
            run, expect = ([k], 2) if n == 1 else ([], 1)
    close()
    return found


def is_short_plain(text: str, limit: int = 30) -> bool:
    """A short line with no final punctuation: a title or heading candidate."""
    t = text.strip()
    return (0 < len(t) <= limit and not is_finished(t) and not has_inner_sentence_end(t)
            and t[-1] not in "，,、")


TITLE_MAX = 50   # a title (or its part before a —— subtitle) set as a plain line


_DOUBLE_DASH = re.compile("|".join(re.escape(c * 2) for c in DASH_OPENERS if len(c) == 1))   # ——, ――, ──


def dash_subtitle_at(text: str, max_head: int = TITLE_MAX) -> int | None:
    """Where a —— subtitle starts after a short title on the same line (标题——论…), else None."""
    m = _DOUBLE_DASH.search(text)
    at = m.start() if m else -1
    if at < 2 or at > max_head or not text[at:].strip(DASH_CHARS + " \u3000"):
        return None
    head = text[:at].strip()
    if not head or has_inner_sentence_end(head) or head[-1] in CLAUSE_MARKS + "、":
        return None
    return at


def is_plain_title(text: str) -> bool:
    """A line that can be a title set as a plain paragraph: short (before any —— subtitle),
    ending no sentence (a comma inside is fine), not torn off at a clause mark, no number."""
    t = text.strip()
    head = t[:dash_subtitle_at(t) or len(t)].strip()
    return (0 < len(head) <= TITLE_MAX and len(t) <= 2 * TITLE_MAX and not has_inner_sentence_end(t)
            and t.rstrip(CLOSERS)[-1:] not in SENTENCE_END + ELLIPSIS and t[-1] not in CLAUSE_MARKS + "、"
            and not t.startswith(DASH_OPENERS) and numbered_kind(t) is None)


BARE_HEADING_MAX = 30
# A bare line with a clause mark reads as the start of a sentence cut by a page break; an
# attribution line (——摘自…) or a line that opens a quotation is no heading either.
_NOT_HEADING_OPENERS = (*DASH_OPENERS, "“", "「", "‘")


INDENTED_HEADING_MAX = 40


def is_bare_heading_text(text: str, own_paragraph: bool = False) -> bool:
    """Could be a heading set with no markup: short, no final punctuation, no clause mark,
    not an attribution or a quotation. A line known to be a paragraph of its own (it and
    the paragraph under it open with an indent, so no page break cut it) may be longer and
    carry a comma (坚定文化自信，建设文化强国)."""
    t = text.strip()
    if own_paragraph:
        return (is_short_plain(t, INDENTED_HEADING_MAX) and not any(c in t for c in "；;：:")
                and not t.startswith(_NOT_HEADING_OPENERS))
    return (is_short_plain(t, BARE_HEADING_MAX) and not any(c in t for c in CLAUSE_MARKS)
            and not t.startswith(_NOT_HEADING_OPENERS))


def is_standalone_line(text: str) -> bool:
    """A line that is a block of its own even inside a soft-wrapped paragraph:
    metadata lines and byline-like lines. (Splitting a torn paragraph here is
    harmless: the page-break join puts it back together.)"""
    t = text.strip().strip("*_").strip()
    return bool(t) and (is_latin_running_head(t) or is_page_number(t) or author_note(t) is not None
                        or is_salutation(t) or drafting_line(t) is not None or is_date_line(t)
                        or is_notes_heading(t)
                        or original_title(t) is not None
                        or column_line(t) is not None or is_dropped_line(t)
                        or editor_note(t) is not None or byline_names(t) is not None)


# ---- SCHEME v1.3: more lines that are not article text --------------------------------
# A speech's salutation standing alone (同志们： / 女士们、先生们： / 大家好！ / 各位代表：): every
# addressee is a group (…们), a 各位… or 尊敬的/亲爱的…, or the greeting is 大家好.
_ADDRESSEE = rf"(?:(?:尊敬的|亲爱的)?(?:各位)?(?![我你他她它咱]们)[{HAN}]{{1,8}}们|(?:尊敬的|亲爱的)?各位[{HAN}]{{1,8}}|(?:尊敬的|亲爱的)[{HAN}]{{1,10}})"
_SALUTATION = re.compile(rf"^(?:{_ADDRESSEE}(?:[、，,]\s*{_ADDRESSEE})*|(?:[{HAN}]{{0,6}}们)?大家好|[{HAN}]{{1,6}}们好)\s*[：:！!]$")


def is_salutation(text: str) -> bool:
    t = text.strip()
    return len(t) <= 40 and bool(_SALUTATION.match(t))


# A drafting line (执笔：张三 李四 / （执笔人：…） / 撰稿：…), at the end of a report or commentary.
_DRAFTING = re.compile(r"^[（(【\[]?\s*(?:执笔|执笔人|撰稿|撰稿人|整理|课题组成员)\s*[:：]\s*(.{1,60}?)\s*[）)】\]]?$")


def drafting_line(text: str) -> str | None:
    m = _DRAFTING.match(text.strip())
    return m.group(1) if m else None


# A date line under a title or under a letter (1945年4月24日 / 一九四五年四月二十四日 /
# （二〇一八年五月二日） / 2018年5月2日于北京): a date and at most a short place after it.
_HAN_DIGITS = "〇零○" + ITEM_NUMERALS   # a date's digits in Han (二〇一八年: 〇, ○ or 零)
_DATE_LINE = re.compile(
    rf"^[（(]?\s*(?:\d{{4}}|[{_HAN_DIGITS}]{{4}})\s*年\s*(?:\d{{1,2}}|[{_HAN_DIGITS}]{{1,3}})\s*月"
    rf"(?:\s*(?:\d{{1,2}}|[{_HAN_DIGITS}]{{1,3}})\s*日)?(?:\s*[于在]?[{HAN}]{{0,8}})?\s*[）)]?$")


# … or a numeric date as web pages and feeds print it (2020-01-01, 2020/1/1 08:30, 2020.01.01 星期三)
_NUMERIC_DATE_LINE = re.compile(
    r"^[（(]?\s*\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
    rf"(?:\s*(?:星期|周)[{ITEM_NUMERALS}日天])?\s*[）)]?$")


def is_date_line(text: str) -> bool:
    t = text.strip()
    return bool(_DATE_LINE.match(t) or _NUMERIC_DATE_LINE.match(t))


# A summary box an editor puts above the body: 内容提要：… / 【核心提示】… / 编前语 / 摘要：…
# (a label may be letter-spaced, as typesetters set short labels: 【导  读】)
_SUMMARY_LABELS = ("内容提要", "内容摘要", "提要", "摘要", "核心提示", "编前语", "编前话", "导读", "题解")
_SUMMARY_LABEL = re.compile(
    r"^[【\[［]?\s*(?:" + "|".join(r"\s*".join(label) for label in _SUMMARY_LABELS)
    + r")\s*[】\]］]?\s*[:：]?\s*")


def summary_box(text: str) -> str | None:
    """The box's text after its label ("" when the line is the label alone), else None."""
    m = _SUMMARY_LABEL.match(text.strip())
    if not m or (m.end() < len(text.strip()) and not re.search(r"[】\]］:：]\s*$", m.group())):
        return None   # 摘要说明… runs on as a sentence: a label needs its bracket or colon
    return text.strip()[m.end():]


# The notes at the end of a text: a line 注释 / 注 释 / 【注释】 / 注解 / 参考文献 opens them.
_NOTES_HEADING = re.compile(r"^[【\[［]?\s*(?:注\s*释|注\s*解|尾\s*注|参考文献|注)\s*[】\]］]?\s*[:：]?$")


def is_notes_heading(text: str) -> bool:
    return bool(_NOTES_HEADING.match(text.strip()))


# An editor's headnote about the text itself (这是毛泽东在…上的讲话。 / 本文是作者为…写的序言。),
# or one labelled 题注/按语.
# (the occasion or addressee — 在…上, 为…, 给…, 致… — must come before the kind of text, so that a
# body sentence such as 这是一篇好文章 is no headnote)
_HEADNOTE = re.compile(r"^[（(]?\s*(?:这是|本文是|此文是|本篇是|这篇文章是|这篇是)[^。]{0,40}?(?:在|为|给|致|对)[^。]{1,60}?"
                       r"(?:讲话|演说|演讲|报告|文章|讲稿|发言|序言|前言|后记|按语|批语|书信|信|指示|题词|结论|提纲|"
                       r"通知|谈话|总结|决议|社论)(?:的(?:一部分|节选|摘要|要点))?[。）)]")


def is_headnote(text: str) -> bool:
    t = text.strip()
    return len(t) <= 400 and bool(_HEADNOTE.match(t))


# ---- page furniture below the article ------------------------------------------
_FURNITURE_MARKS = re.compile(r"[\s【】\[\]［］#*：:|｜>»›·•\-—_]+")
FURNITURE_MAX = 16   # a furniture heading is a label, not a sentence


def is_furniture_heading(text: str) -> bool:
    """A heading of the furniture a web page puts below its article (相关文章, 作者简介,
    订阅我们的通讯, 发表评论; annotate/data/lexicon.toml [page])."""
    t = _FURNITURE_MARKS.sub("", text)
    if not t or len(t) > FURNITURE_MAX or is_finished(text):
        return False
    page = lexicon().page
    return t in page.furniture_headings_set or bool(page.furniture_prefix.match(t))


# ---- a plain-text file's header block (标题：… / 来源：… / 发布日期：…) -----------------------
_FIELD = re.compile(rf"^\s*([{HAN}A-Za-z][{HAN}A-Za-z ]{{0,9}}?)\s*[:：]\s*(\S.{{0,199}})$")
# a label line wholly in brackets around a header or the text under it (【来源】, 【正文】)
_BRACKET_LABEL = re.compile(r"^\s*[【\[［][^【】\[\]［］\n]{1,40}[】\]］]\s*$")


def field_line(text: str) -> tuple[str, str] | None:
    """(label, value) of a `label：value` line whose value holds no sentence, else None."""
    m = _FIELD.match(text)
    if not m or has_inner_sentence_end(m.group(2)) or m.group(2).rstrip().rstrip(CLOSERS)[-1:] in SENTENCE_END:
        return None
    return m.group(1).strip(), m.group(2).strip()


def is_known_field(label: str) -> bool:
    return label in lexicon().page.header_fields_set


def is_title_field(label: str) -> bool:
    return label in lexicon().page.title_fields_set


def is_bracket_label(text: str) -> bool:
    return bool(_BRACKET_LABEL.match(text))


def matches_at_least(pattern: re.Pattern, text: str, n: int) -> bool:
    """`pattern` matches `text` n times or more (the search stops at the n-th match)."""
    found = 0
    for _ in pattern.finditer(text):
        found += 1
        if found >= n:
            return True
    return False
