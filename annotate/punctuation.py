"""Character classes of Chinese text shared by the readers and the rules.

One place for what ends a sentence, what may close it, and what counts as a
Han character, so that where a reader says a paragraph ends and where a rule
says a sentence ends cannot drift apart.
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
