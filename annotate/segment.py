"""pkuseg's word segmentation, the same words faster: `fast_cut(seg)(text)`.

spacy-pkuseg builds about 130 feature strings per character and looks each up
in its model (a Cython loop over Python strings): four fifths of its time. Here
the same feature ids come out in the same order, so the CRF's scores, its
Viterbi path and the words are the same by construction:

* a character's and a pair of characters' features are looked up once (cached);
* "is text[s:s+l] a dictionary word" (l = 2..6) is asked once per start and
  length, not four times per character;
* the word features (w-1, w1, and the ww pairs of a word ending before a
  character and one starting at it) are looked up only for real words: the
  model has no feature for "no word" or for the empty string past the ends of
  the text (checked once when the model is loaded, `_only_words`), so pkuseg's
  other 40 look-ups per character can find nothing.

Everything else (user dictionary, Viterbi, post-processing) is pkuseg's own
code. `fast_cut` checks the configuration and model this was written for
(spacy-pkuseg 1.0's features) and otherwise returns pkuseg's own `cut`.
tests/test_segment.py compares the feature ids and the words with pkuseg's on
the gold sets and on generated text.
"""
from __future__ import annotations

from typing import Callable

_LENGTHS = (6, 5, 4, 3, 2)  # pkuseg's wordMax down to wordMin
_CACHE_LIMIT = 200_000      # entries per cache (≤ ≈50 MB); all cleared when one is full


def fast_cut(seg) -> Callable[[str], list[str]]:
    """A drop-in for `seg.cut` (a spacy_pkuseg.pkuseg): the same words for any text.
    Made once per segmenter (the model check takes ≈0.2 s)."""
    cut = getattr(seg, "_annotate_fast_cut", None)
    if cut is None:
        cut = _FastCut(seg).cut if _supported(seg) else seg.cut
        try:
            seg._annotate_fast_cut = cut
        except AttributeError:  # a segmenter with __slots__: made again next time
            pass
    return cut


def _supported(seg) -> bool:
    try:
        from spacy_pkuseg.config import config
        from spacy_pkuseg.inference import decodeViterbi_fast  # noqa: F401
    except ImportError:
        return False
    fe = getattr(seg, "feature_extractor", None)
    return (fe is not None and getattr(seg, "postag", True) is False and config.wordFeature
            and config.numLetterNorm and (config.wordMax, config.wordMin) == (6, 2)
            and all(hasattr(seg, a) for a in ("preprocesser", "postprocesser", "model", "idx_to_tag"))
            and all(hasattr(fe, a) for a in ("feature_to_idx", "unigram", "keywords_translate_table", "num", "letter"))
            and _only_words(fe.feature_to_idx))


def _only_words(feature_to_idx: dict) -> bool:
    """No word feature of the model names "no word" or the empty string: no `w-1.`/`w1.`
    feature of "", no `ww.` feature with `**noWord` or an empty side. (A word never holds
    "*" but in pkuseg's **Num/**Letter nodes: pkuseg renames "*" before it builds features.)"""
    if "w-1." in feature_to_idx or "w1." in feature_to_idx:
        return False
    for k in feature_to_idx:
        if k.startswith("ww.") and ("**noWord" in k or k.endswith("*")
                                    or (k[5:6] == "*" and not k.startswith(("**Num", "**Letter"), 5))):
            return False
    return True


class _FastCut:
    def __init__(self, seg):
        from spacy_pkuseg import inference

        self.seg = seg
        self.fe = seg.feature_extractor
        self.fti = self.fe.feature_to_idx
        self.unigram = self.fe.unigram
        self.decode = inference.decodeViterbi_fast
        # tags that start a word ("B" in the tag's name, as pkuseg decides)
        self.starts = frozenset(i for i, tag in seg.idx_to_tag.items() if "B" in tag)
        self.classes = {**{c: "**Letter" for c in self.fe.letter}, **{c: "**Num" for c in self.fe.num}}
        self.char_ids: dict = {}     # a character → its unigram feature ids (None: no such feature)
        self.bigram_ids: dict = {}   # two characters → their bigram feature ids
        self.word_ids: dict = {}     # a dictionary word → its w-1 and w1 feature ids

    def cut(self, txt: str) -> list[str]:
        """pkuseg.cut (without POS tags): split at spaces, the user dictionary's words
        whole, the rest through the CRF and the post-processor."""
        seg = self.seg
        ret: list[str] = []
        txt = txt.strip()
        if not txt:
            return ret
        for w0 in txt.split():
            lst, isword, _ = seg.preprocesser.solve(w0)
            for w, isw in zip(lst, isword):
                if isw:
                    ret.append(w)
                else:
                    ret.extend(seg.postprocesser(self._cut(w)))
        return ret

    def features(self, nodes: list[str]) -> list[list[int]]:
        """For every position, the feature ids pkuseg's get_node_features_idx gives, in its order."""
        n = len(nodes)
        unigram = self.unigram
        caches = (self.char_ids, self.bigram_ids, self.word_ids)
        if max(map(len, caches)) > _CACHE_LIMIT:
            for cache in caches:
                cache.clear()

        # character features: per character (c., c-1., c1., c-2., c2. with it as that character)
        # and per pair of neighbours (c-1c., cc1., c-2c-1.)
        char_ids, bigram_ids = self.char_ids, self.bigram_ids
        uni = []
        for c in nodes:
            ids = char_ids.get(c)
            if ids is None:
                ids = char_ids[c] = self._char(c)
            uni.append(ids)
        bi = []
        for j in range(n - 1):
            key = (nodes[j], nodes[j + 1])
            ids = bigram_ids.get(key)
            if ids is None:
                ids = bigram_ids[key] = self._bigram(*key)
            bi.append(ids)

        # the dictionary words starting at each position (text[s:s+l], l = 6..2) and ending at
        # each position, longest first as pkuseg lists them ("" outside the text and "no word"
        # have no word feature in the model: see _only_words)
        single = all(len(c) == 1 for c in nodes)
        flat = "".join(nodes) if single else None
        starting: list[list[str]] = []
        ending: list[list[str]] = [[] for _ in range(n + 1)]  # ending[i + 1]: the words ending at i
        for s in range(n):
            here = []
            for l in _LENGTHS:
                if s + l <= n:
                    w = flat[s:s + l] if single else "".join(nodes[s:s + l])
                    if w in unigram:
                        here.append(w)
                        ending[s + l].append(w)  # (s ascending: the longest first)
            starting.append(here)
        starting.append([])
        word_ids = self.word_ids
        get = self.fti.get

        out = []
        for i in range(n):
            flist = [0]
            f = uni[i][0]                      # c.
            if f is not None:
                flist.append(f)
            if i > 0:
                f = uni[i - 1][1]              # c-1.
                if f is not None:
                    flist.append(f)
                f = bi[i - 1][0]               # c-1c.
                if f is not None:
                    flist.append(f)
            if i + 1 < n:
                f = uni[i + 1][2]              # c1.
                if f is not None:
                    flist.append(f)
                f = bi[i][1]                   # cc1.
                if f is not None:
                    flist.append(f)
            if i > 1:
                f = uni[i - 2][3]              # c-2.
                if f is not None:
                    flist.append(f)
                f = bi[i - 2][2]               # c-2c-1.
                if f is not None:
                    flist.append(f)
            if i + 2 < n:
                f = uni[i + 2][4]              # c2.
                if f is not None:
                    flist.append(f)
            # w-1: the words ending at i; w1: starting at i
            end_here, start_here = ending[i + 1], starting[i]
            for w in end_here:
                ids = word_ids.get(w)
                if ids is None:
                    ids = word_ids[w] = (get("w-1." + w), get("w1." + w))
                if ids[0] is not None:
                    flist.append(ids[0])
            for w in start_here:
                ids = word_ids.get(w)
                if ids is None:
                    ids = word_ids[w] = (get("w-1." + w), get("w1." + w))
                if ids[1] is not None:
                    flist.append(ids[1])
            # ww.l: a word ending at i-1 and one starting at i; ww.r: ending at i, starting at i+1
            for pre in ending[i]:
                for post in start_here:
                    f = get("ww.l." + pre + "*" + post)
                    if f is not None:
                        flist.append(f)
            for pre in end_here:
                for post in starting[i + 1]:
                    f = get("ww.r." + pre + "*" + post)
                    if f is not None:
                        flist.append(f)
            out.append(flist)
        return out

    def _char(self, c: str) -> tuple:
        get = self.fti.get
        return tuple(get(p + c) for p in ("c.", "c-1.", "c1.", "c-2.", "c2."))

    def _bigram(self, a: str, b: str) -> tuple:
        get = self.fti.get
        return tuple(get(p + a + "." + b) for p in ("c-1c.", "cc1.", "c-2c-1."))

    def _cut(self, text: str) -> list[str]:
        """pkuseg._cut: normalise, features, Viterbi, words from the tags."""
        # (FeatureExtractor.normalize_text: "*" and the like renamed, digits and letters as classes)
        nodes = [self.classes.get(c, c) for c in text.translate(self.fe.keywords_translate_table)]
        _, tags = self.decode(self.features(nodes), self.seg.model)
        words: list[str] = []
        starts = self.starts
        begin = 0
        for i in range(1, len(text)):
            if tags[i] in starts:
                words.append(text[begin:i])
                begin = i
        if text:
            words.append(text[begin:])
        return words
