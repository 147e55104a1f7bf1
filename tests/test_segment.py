"""annotate.segment: pkuseg's words computed faster must be pkuseg's words, everywhere.

The fast segmenter recomputes pkuseg's CRF features; any difference in a feature id
or its order could change a word, and with it a DIRECTIVE. So: the feature ids of
every position equal pkuseg's own (get_node_features_idx), and the words equal
pkuseg's cut, on every gold article (corpus/, dev2, dev3, the fixtures) and on a
large generated set that mixes marker characters, digits, Latin and full-width
letters, pkuseg's renamed symbols (*, ., -, …) and spaces.
"""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotate.segment import _FastCut, _only_words, fast_cut

pytestmark = pytest.mark.model

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seg(nlp):
    return nlp.tokenizer.pkuseg_seg


def gold_texts() -> list[str]:
    from annotate.sources import read_file

    texts = []
    for folder in (ROOT / "corpus", ROOT / "tests" / "fixtures"):
        for f in sorted(folder.rglob("*")):
            if f.is_file() and f.suffix in (".md", ".html", ".txt"):
                try:
                    texts += [d.text for d in read_file(f)]
                except Exception:  # noqa: BLE001 — a fixture that is meant to fail
                    pass
    return texts


def generated(n: int, seed: int = 16) -> list[str]:
    rng = random.Random(seed)
    common = ("我们要必须坚持发展新质生产力的重要是不能得可应当需要务必让决绝莫勿亟忌宜须"
              "中国人民高质量和在了年")
    other = "0123456789.%％１２ＡＢｃ/／-－・*:|,_ABCxyz二〇十万亿几　 \t“”，。、；：！？《》（）𠮷"
    alphabet = common * 4 + other
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60))) for _ in range(n)]


def test_the_model_has_no_feature_for_no_word(seg):
    # the fast path relies on it; if a model had such features, fast_cut falls back to pkuseg
    assert _only_words(seg.feature_extractor.feature_to_idx)
    assert not _only_words({"ww.l.**noWord*中国": 1})
    assert not _only_words({"ww.r.中国*": 1})
    assert not _only_words({"ww.l.*中国": 1})
    assert not _only_words({"w-1.": 1})
    assert _only_words({"ww.l.**Num年*中国": 1})  # a word made of a digit class is a word


def test_fast_cut_is_used_and_made_once(seg):
    cut = fast_cut(seg)
    assert getattr(cut, "__self__", None).__class__ is _FastCut
    assert fast_cut(seg) is cut


def test_feature_ids_equal_pkusegs_at_every_position(seg):
    fast = _FastCut(seg)
    fe = seg.feature_extractor
    texts = [p for t in gold_texts() for p in t.split("\n") if p.strip()][:400] + generated(1500)
    for text in texts:
        for piece in text.split():
            nodes = [fast.classes.get(c, c) for c in piece.translate(fe.keywords_translate_table)]
            assert nodes == list(fe.normalize_text(piece))
            assert fast.features(nodes) == [fe.get_node_features_idx(i, nodes) for i in range(len(nodes))], piece


def test_words_equal_pkusegs_on_the_gold_sets(seg):
    cut = fast_cut(seg)
    texts = gold_texts()
    assert len(texts) > 40
    for text in texts:
        for paragraph in text.split("\n"):
            assert cut(paragraph) == seg.cut(paragraph), paragraph[:60]


def test_words_equal_pkusegs_on_generated_text(seg):
    cut = fast_cut(seg)
    for text in generated(6000, seed=1):
        assert cut(text) == seg.cut(text), text


def test_the_user_dictionary_still_decides(seg):
    cut = fast_cut(seg)
    assert "新质生产力" in cut("我们要发展新质生产力，推动高质量发展")
    assert cut("") == [] and cut("   ") == []
