"""Character classes of Chinese text shared by the readers and the rules.

One place for what ends a sentence or a clause, what may close it, what counts
as a Han character and how headings are numbered, so that where a reader says a
paragraph ends and where a rule says a sentence ends cannot drift apart.
"""

# Han characters: CJK Unified Ideographs, Extension A, Compatibility, and the
# supplementary planes (Extension B and later: 𠮷 …), as a regex class body.
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"

# A sentence ends with one of these (…… counts too) …
SENTENCE_END = "。！？!?"
ELLIPSIS = "…"
# … plus any closing quotation mark or bracket right after it.
CLOSERS = "”’」』）)]】》〉\"'"

# Footnote markers (SCHEME v1.3: not annotated): ⑴…⒇, 〔1〕, [1], superscript digits. They stay
# in the text, as printed, but no span starts or ends with one and no sentence or paragraph
# ends at one: "…力量。⑵" is finished, and the next sentence starts after the marker.
FOOTNOTE = r"(?:[\u2474-\u2487\u00b9\u00b2\u00b3\u2070-\u2079]+|〔\d{1,3}〕|\[\d{1,3}\])"

# Marks that end a clause inside a sentence (a semicolon does not end a sentence).
CLAUSE_MARKS = "，,；;：:"
# Dashes a line may open with (a —— subtitle, a ——摘自 attribution): the em dash and the look-alikes
# typesetters use for it (horizontal bar ―, box-drawing ─, two hyphens).
DASH_OPENERS = ("—", "―", "─", "--")
DASH_CHARS = "—―─–-"

# ---- heading numbers -------------------------------------------------------------------
HAN_NUMERALS = "一二三四五六七八九十百零〇"
ITEM_NUMERALS = "一二三四五六七八九十"   # 一 … 十: items, sub-points, numbers glued to a paragraph

# Heading numbers, one pattern per use (no anchor: anchor or .match them where used). They
# differ (numerals, Arabic numbers in parentheses, 第…节, what may follow) and each is kept as
# it was: merging them would change the outline, and so the spans, of some texts.
# - the readers' (annotate.sources.patterns.numbered_kind), at the start of a heading line:
SECTION_NUMBER = rf"(?:[{HAN_NUMERALS}]+(?:、|[.．](?![\d{HAN_NUMERALS}]))|第[{HAN_NUMERALS}\d]+(?:章|部分|篇|编)(?:\s|$|[、：:，,])?)"
SUBHEADING_NUMBER = rf"(?:[（(][{HAN_NUMERALS}]+[)）]|[（(]\d{{1,2}}[)）]|\d{{1,2}}[.．、](?!\d)|第[{HAN_NUMERALS}\d]+节)"
# - a line of a bare string with no reader's outline (annotate.rules.layout.layout_from_text):
#   narrower than the readers' (no （1）, no 第…节), as it always was: it decides the outline the
#   ML backend guesses for plain text;
GUESSED_SUBHEADING_NUMBER = rf"(?:[（(][{ITEM_NUMERALS}]+[）)]|\d{{1,2}}[.．、]\s*\S)"
# - a top-level number glued to its paragraph (一、…; not 一、二、三 items in a sentence);
INLINE_SECTION_NUMBER = rf"[{ITEM_NUMERALS}]{{1,3}}、(?![{ITEM_NUMERALS}]、)"
# - a second-level number run into its paragraph, named by its style (a series keeps one style);
RUN_IN_NUMBER = (rf"(?:(?P<paren_han>[（(][{ITEM_NUMERALS}]{{1,3}}[)）])|(?P<paren_num>[（(]\d{{1,2}}[)）])"
                 r"|(?P<num>\d{1,2}[.．、])(?!\d))")
# - a heading that is only its number, of either level (一 / 1 / （一） / 第一部分 / 一、).
HEADING_NUMBER = rf"(?:[（(][{HAN_NUMERALS}\d]+[）)]|第?[{HAN_NUMERALS}\d]+(?:部分|章|节|篇)?[、.．]?)"
