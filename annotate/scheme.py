"""The annotation scheme, loaded from guidelines/scheme.toml (one source of truth).

The rules, the Label Studio labeling config and the manual all read the scheme
from here, so they cannot drift apart silently.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Label:
    name: str
    zh: str
    hotkey: str
    color: str
    kind: str  # "sentence" (whole sentence or heading) or "inner" (inside a sentence)
    definition: str


@dataclass(frozen=True)
class Relation:
    name: str
    from_labels: tuple[str, ...]
    to_labels: tuple[str, ...]
    definition: str


@dataclass(frozen=True)
class Scheme:
    version: str
    name: str
    text_name: str
    labels_name: str
    speaker_name: str
    relations_name: str
    precedence: tuple[str, ...]
    labels: tuple[Label, ...]
    relations: tuple[Relation, ...]
    speaker_label: str
    speaker_definition: str

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    def label(self, name: str) -> Label:
        for label in self.labels:
            if label.name == name:
                return label
        raise KeyError(name)


def parse_scheme(data: dict) -> Scheme:
    return Scheme(
        version=str(data["version"]),
        name=data["name"],
        text_name=data["text_name"],
        labels_name=data["labels_name"],
        speaker_name=data["speaker_name"],
        relations_name=data["relations_name"],
        precedence=tuple(data["precedence"]),
        labels=tuple(Label(**item) for item in data["labels"]),
        relations=tuple(
            Relation(r["name"], tuple(r["from"]), tuple(r["to"]), r["definition"])
            for r in data["relations"]
        ),
        speaker_label=data["speaker"]["label"],
        speaker_definition=data["speaker"]["definition"],
    )


def scheme_text() -> str:
    """The raw TOML (packaged copy of guidelines/scheme.toml)."""
    return resources.files("annotate").joinpath("data/scheme.toml").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_scheme() -> Scheme:
    return parse_scheme(tomllib.loads(scheme_text()))
