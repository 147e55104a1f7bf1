"""model_version: the name of what the annotator does, not of its source text.

    argrules-r<RULES_REVISION>-<hash of the data files and the libraries>[-off:<ids>][+model:<name>-<hash>]

- RULES_REVISION is declared by hand: bump it whenever the tasks `annotate prelabel` makes
  change (spans, relations, scores, task data). tests/test_behaviour_lock.py holds the
  developer to it: tests/data/behaviour.lock.json records the revision with a fingerprint of
  the tasks made for corpus/ and a generated set of layouts; `make lock` rewrites it.
- The hash covers what decides the output but lives outside the code a developer edits:
  the files of annotate/data/ (word lists, scheme, user dictionary — a user may edit them
  in an installed copy) and the versions of the libraries that decide the text and the
  words (trafilatura reads web pages, spacy-pkuseg and spaCy cut the words).
- The suffixes say how one run differs from the rules as shipped: rules switched off
  (--disable-rule), a trained model beside them (annotate.learn).

So a pure refactor keeps model_version byte-identical (and Label Studio keeps the
predictions it has), while any change of behaviour gives a new one. The revision lives
here, beside the one function that builds the version, and not in annotate/rules: it
covers the readers, the outline and the task encoding as much as the rules.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata, resources

RULES_REVISION = 38  # bump when outputs change, then `make lock` (docs/rules.md, "Provenance")

# The distributions whose version decides the text read (web pages, SQL dumps, reStructuredText, PDFs, Word
# documents) and the words cut.
LIBRARIES = ("trafilatura", "spacy-pkuseg", "spacy", "sqlglot", "docutils", "pypdf", "python-docx")


def library_versions() -> dict[str, str]:
    out = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def data_files() -> list[tuple[str, bytes]]:
    """(name, bytes) of every data file in annotate/data/, sorted by name (its Python loader
    modules are code, not data: a refactor of them is covered by the lock, not the hash)."""
    root = resources.files("annotate").joinpath("data")
    return sorted((f.name, f.read_bytes()) for f in root.iterdir()
                  if f.is_file() and not f.name.endswith((".py", ".pyc")))


def behaviour_hash(files: list[tuple[str, bytes]] | None = None, libraries: dict[str, str] | None = None) -> str:
    """8 hex digits of sha256 over the data files and the library versions."""
    h = hashlib.sha256()
    for name, data in data_files() if files is None else files:
        h.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    for name, version in sorted((library_versions() if libraries is None else libraries).items()):
        h.update(f"{name}=={version}\0".encode())
    return h.hexdigest()[:8]


@lru_cache(maxsize=1)
def base_version() -> str:
    return f"argrules-r{RULES_REVISION}-{behaviour_hash()}"


def model_version(disabled=(), model: str | None = None) -> str:
    """The rules' version; with rules switched off (--disable-rule), a suffix naming them
    (sorted, so the same set always gives the same version): their spans differ, so must it.
    With a trained model beside the rules (annotate.learn), `+model:<name>-<hash of its files>`."""
    off = sorted(set(disabled or ()))
    return base_version() + (f"-off:{','.join(off)}" if off else "") + (f"+model:{model}" if model else "")
