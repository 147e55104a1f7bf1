"""The Label Studio result format, in one place: typed regions and relations, their
JSON (encode/decode), their check against the scheme, and the labeling config read
through label-studio-sdk's LabelInterface.

A prediction or annotation's `result` is a list of items; for a region with a
speaker, the region's item and then its speaker's:

    {"id": RID, "from_name": <Labels>, "to_name": <Text>, "type": "labels", "origin": "prediction",
     "value": {"start": S, "end": E, "text": TEXT[S:E], "labels": [LABEL]},
     "meta": {"text": ["rule: <rule id>", <notes>…]}, "score": P}
    {"id": RID, "from_name": <TextArea>, "to_name": <Text>, "type": "textarea", "origin": "prediction",
     "value": {"start": S, "end": E, "text": [SPEAKER]}}
    {"type": "relation", "from_id": RID1, "to_id": RID2, "direction": "right", "labels": [TYPE]}

(Label Studio ML backend examples and label-studio-sdk's `validate_prediction` use
the same item shapes.) The control names come from the scheme (guidelines/scheme.toml)
or, for the ML backend, from the project's own config (`read_config`). Offsets are
code points into data.text. Nothing here reads a Doc or a source: the encoder's input
is a `Prediction` (annotate.tasks builds it from a Doc).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Union

from annotate.scheme import Scheme, load_scheme

RULE_PREFIX = "rule:"     # meta.text line that names the rule of a region
PREDICTION = "prediction"  # a region's origin in what the rules send


@dataclass(frozen=True)
class Controls:
    """The control names a result uses: the scheme's, or those of a project's config."""

    text_name: str             # <Text name=…>
    text_field: str            # the data field in <Text value="$…">
    labels_name: str           # <Labels name=… toName=text>
    speaker_name: str | None   # per-region <TextArea toName=text>, if any
    relations: bool = True     # <Relations> declared

    @classmethod
    def of_scheme(cls, scheme: Scheme | None = None) -> "Controls":
        s = scheme or load_scheme()
        return cls(s.text_name, s.text_name, s.labels_name, s.speaker_name, bool(s.relations))


@dataclass(frozen=True)
class Region:
    id: str
    label: str
    start: int
    end: int
    text: str | None = None      # value.text as stored
    speaker: str | None = None   # from the per-region speaker textarea
    rule_id: str | None = None   # "rule: <id>" in meta.text
    score: float | None = None   # a predicted region's score
    notes: tuple[str, ...] = ()  # meta.text lines after the rule's (the trained model's note)

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class Relation:
    from_id: str
    to_id: str
    type: str
    direction: str = "right"


Item = Union[Region, Relation]


@dataclass
class Result:
    """The regions and relations of one result, in the order of its items."""

    items: list[Item] = field(default_factory=list)
    unreadable: int = 0  # region items of the Labels control left out: start/end not integers

    @property
    def regions(self) -> list[Region]:
        return [x for x in self.items if isinstance(x, Region)]

    @property
    def relations(self) -> list[Relation]:
        return [x for x in self.items if isinstance(x, Relation)]


@dataclass
class Prediction(Result):
    model_version: str | None = None
    score: float | None = None
    extra: dict = field(default_factory=dict)  # further keys kept as they are (e.g. "calibration")


@dataclass
class Annotation(Result):
    id: object = None


def region_ok(region: Region, text: str) -> bool:
    """Do the region's offsets fit the text (0 <= start < end <= len) and, if the
    region stores its text, is that text what the offsets point at?"""
    return (0 <= region.start < region.end <= len(text)
            and (region.text is None or text[region.start:region.end] == region.text))


# -- encode -------------------------------------------------------------------

def encode_region(region: Region, controls: Controls) -> list[dict]:
    """The region's item, and its speaker's when it has one and the config a control for it."""
    value = {"start": region.start, "end": region.end, "text": region.text, "labels": [region.label]}
    item = {"id": region.id, "from_name": controls.labels_name, "to_name": controls.text_name,
            "type": "labels", "origin": PREDICTION, "value": value}
    meta = ([f"{RULE_PREFIX} {region.rule_id}"] if region.rule_id else []) + list(region.notes)
    if meta:
        item["meta"] = {"text": meta}
    if region.score is not None:
        item["score"] = region.score
    out = [item]
    if region.speaker and controls.speaker_name:
        out.append({"id": region.id, "from_name": controls.speaker_name, "to_name": controls.text_name,
                    "type": "textarea", "origin": PREDICTION,
                    "value": {"start": region.start, "end": region.end, "text": [region.speaker]}})
    return out


def encode_relation(relation: Relation) -> dict:
    return {"type": "relation", "from_id": relation.from_id, "to_id": relation.to_id,
            "direction": relation.direction, "labels": [relation.type]}


def encode_result(items: Iterable[Item], controls: Controls) -> list[dict]:
    """The result list of regions and relations, in their order (relations left out when
    the config declares none)."""
    out: list[dict] = []
    for x in items:
        if isinstance(x, Region):
            out += encode_region(x, controls)
        elif controls.relations:
            out.append(encode_relation(x))
    return out


def encode_prediction(prediction: Prediction, controls: Controls) -> dict:
    """{model_version, score, result, …extra}: a prediction as Label Studio imports it."""
    return {"model_version": prediction.model_version, "score": prediction.score,
            "result": encode_result(prediction.items, controls), **prediction.extra}


# -- decode -------------------------------------------------------------------

def _texts(value: object) -> list:
    return [value] if isinstance(value, str) else value if isinstance(value, list) else []


def rule_of(item: dict) -> str | None:
    """The rule id in a region item's meta ("rule: <id>"), None without one."""
    for t in _texts((item.get("meta") or {}).get("text")):
        if isinstance(t, str) and t.strip().startswith(RULE_PREFIX):
            return t.strip()[len(RULE_PREFIX):].strip() or None
    return None


def _notes(item: dict) -> tuple[str, ...]:
    return tuple(t for t in _texts((item.get("meta") or {}).get("text"))
                 if isinstance(t, str) and not t.strip().startswith(RULE_PREFIX))


def speaker_text(value: dict) -> str | None:
    """A speaker textarea's text: its non-blank lines, stripped and joined."""
    parts = [t.strip() for t in _texts(value.get("text")) if isinstance(t, str) and t.strip()]
    return " ".join(parts) or None


def default_relation(scheme: Scheme) -> str:
    """A relation drawn in the UI has no label until one is picked: with one relation
    type in the scheme it is that type."""
    return scheme.relations[0].name if scheme.relations else ""


def decode_result(result: object, scheme: Scheme | None = None, controls: Controls | None = None) -> Result:
    """Regions (labels items, with their speaker) and relations of one result, in order.

    Lenient: items that are not regions of the Labels control are left out, a region
    without integer offsets or a label too; a relation drawn right-to-left ("left") is
    turned round (from_id is then its arrow's start). `validate_result` is the strict check."""
    s = scheme or load_scheme()
    c = controls or Controls.of_scheme(s)
    speakers: dict[str, str | None] = {}
    kept: list[dict | Relation] = []
    for item in result if isinstance(result, list) else []:
        if not isinstance(item, dict):
            continue
        kind = item.get("type")
        if kind == "relation":
            labels = item.get("labels") or []
            a, b = str(item.get("from_id")), str(item.get("to_id"))
            direction = item.get("direction") or "right"
            if direction == "left":  # the arrow points from to_id to from_id
                a, b, direction = b, a, "right"
            kept.append(Relation(a, b, labels[0] if labels else default_relation(s), direction))
        elif kind == "textarea" and item.get("from_name") == c.speaker_name:
            speakers[str(item.get("id"))] = speaker_text(item.get("value") or {})
        elif kind == "labels" and item.get("from_name", c.labels_name) == c.labels_name:
            kept.append(item)
    items: list[Item] = []
    unreadable = 0
    for item in kept:
        if isinstance(item, Relation):
            items.append(item)
            continue
        value = item.get("value") or {}
        labels = value.get("labels") or []
        start, end = value.get("start"), value.get("end")
        if not isinstance(start, int) or not isinstance(end, int):
            unreadable += 1
            continue
        if not labels:
            continue
        rid = str(item.get("id"))
        score = item.get("score")
        items.append(Region(rid, labels[0], start, end, value.get("text"), speakers.get(rid), rule_of(item),
                            score if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
                            _notes(item)))
    return Result(items, unreadable)


def decode_prediction(prediction: dict, scheme: Scheme | None = None, controls: Controls | None = None
                      ) -> Prediction:
    r = decode_result(prediction.get("result"), scheme, controls)
    extra = {k: v for k, v in prediction.items() if k not in ("model_version", "score", "result")}
    return Prediction(r.items, r.unreadable, model_version=prediction.get("model_version"),
                      score=prediction.get("score"), extra=extra)


def decode_annotation(annotation: dict, scheme: Scheme | None = None, controls: Controls | None = None
                      ) -> Annotation:
    r = decode_result(annotation.get("result"), scheme, controls)
    return Annotation(r.items, r.unreadable, id=annotation.get("id"))


def label_spans(result: object, text: str, labels_name: str | None = None) -> list[tuple[int, int, str]]:
    """(start, end, label) of the labels items whose offsets fit `text` (a region of another
    Labels control than `labels_name`, when given, is left out)."""
    out = []
    for r in result if isinstance(result, list) else []:
        if not isinstance(r, dict) or r.get("type") != "labels":
            continue
        if labels_name and r.get("from_name") not in (None, labels_name):
            continue
        v = r.get("value") or {}
        s, e, labs = v.get("start"), v.get("end"), v.get("labels") or []
        if isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= len(text) and labs:
            out.append((s, e, labs[0]))
    return out


def count_result(result: object) -> tuple[dict[str, int], int]:
    """(regions per label, relations) of a result."""
    spans: dict[str, int] = {}
    relations = 0
    for item in result if isinstance(result, list) else []:
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "relation":
            relations += 1
        elif kind == "labels":
            for label in (item.get("value") or {}).get("labels") or []:
                spans[label] = spans.get(label, 0) + 1
    return spans, relations


# -- validate -----------------------------------------------------------------

def validate_result(result: object, text: str, scheme: Scheme | None = None) -> list[str]:
    """Problems of one prediction result against its text and the scheme (empty list = fine):
    the scheme's control names and labels, one label per region, integer offsets inside the
    text with value.text == text[start:end], speakers on the speaker label's regions with
    their region's offsets, relation ends that exist and relation types of the scheme."""
    s = scheme or load_scheme()
    problems: list[str] = []
    if not isinstance(result, list):
        return ["result is not a list"]
    labels = set(s.label_names)
    relation_names = {r.name for r in s.relations}
    regions: dict[str, dict] = {}
    for n, item in enumerate(result):
        if not isinstance(item, dict):
            problems.append(f"result[{n}] is not an object")
            continue
        kind = item.get("type")
        if kind == "labels":
            rid = item.get("id")
            value = item.get("value") or {}
            where = f"region {rid}"
            if not rid:
                problems.append(f"result[{n}]: a region without an id")
            elif rid in regions:
                problems.append(f"{where}: duplicate region id")
            if item.get("from_name") != s.labels_name or item.get("to_name") != s.text_name:
                problems.append(f"{where}: from_name/to_name must be {s.labels_name!r}/{s.text_name!r}")
            region_labels = value.get("labels")
            if not isinstance(region_labels, list) or len(region_labels) != 1:
                problems.append(f"{where}: needs exactly one label")
            elif region_labels[0] not in labels:
                problems.append(f"{where}: label {region_labels[0]!r} is not in the scheme")
            start, end = value.get("start"), value.get("end")
            if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) \
                    or isinstance(end, bool):
                problems.append(f"{where}: start/end must be integers")
            elif not 0 <= start < end <= len(text):
                problems.append(f"{where}: offsets {start}..{end} outside 0..{len(text)}")
            elif value.get("text") != text[start:end]:
                problems.append(f"{where}: value.text {str(value.get('text'))[:20]!r} != "
                                f"text[{start}:{end}] {text[start:end][:20]!r}")
            if rid:
                regions[rid] = item
        elif kind == "textarea":
            if item.get("from_name") != s.speaker_name:
                problems.append(f"result[{n}]: textarea from_name must be {s.speaker_name!r}")
                continue
            rid = item.get("id")
            texts = (item.get("value") or {}).get("text")
            if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
                problems.append(f"speaker {rid}: value.text must be a list of strings")
        elif kind == "relation":
            pass
        else:
            problems.append(f"result[{n}]: unknown type {kind!r}")
    for item in result:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "textarea" and item.get("from_name") == s.speaker_name:
            rid = item.get("id")
            region = regions.get(rid)
            if region is None:
                problems.append(f"speaker {rid}: no region with that id")
            elif (region.get("value") or {}).get("labels") != [s.speaker_label]:
                problems.append(f"speaker {rid}: its region is not a {s.speaker_label}")
            else:
                rv, sv = region.get("value") or {}, item.get("value") or {}
                if (sv.get("start"), sv.get("end")) != (rv.get("start"), rv.get("end")):
                    problems.append(f"speaker {rid}: start/end differ from its region's")
        elif item.get("type") == "relation":
            a, b = item.get("from_id"), item.get("to_id")
            for end in (a, b):
                if end not in regions:
                    problems.append(f"relation {a}->{b}: no region {end}")
            rl = item.get("labels") or []
            if any(r not in relation_names for r in rl):
                problems.append(f"relation {a}->{b}: type {rl} is not in the scheme")
    return problems


# -- the labeling config ------------------------------------------------------

class ConfigError(ValueError):
    """A labeling config that cannot be read, or that lacks the scheme's controls (one line)."""


@lru_cache(maxsize=16)  # the ML backend gets the same config with every request
def _interface(xml: str):
    from label_studio_sdk.label_interface import LabelInterface

    try:
        return LabelInterface(xml)
    except Exception as e:  # noqa: BLE001 — lxml, the SDK's own checks: all mean "cannot read it"
        raise ConfigError(f"the labeling config is not valid XML: {' '.join(str(e).split())}") from None


def interface(xml: object):
    """The config as label-studio-sdk's LabelInterface (ConfigError when it cannot be read)."""
    if not isinstance(xml, str) or not xml.strip():
        raise ConfigError("no labeling config in the request (label_config/schema)")
    if "<!doctype" in xml.lower() or "<!entity" in xml.lower():
        # A config never needs a DTD; its entities are how a request would make the XML parser
        # read local files or expand a few bytes into gigabytes (the backend reads configs from requests).
        raise ConfigError("the labeling config declares a DTD or entities; a Label Studio config has none")
    return _interface(xml)


@lru_cache(maxsize=16)
def _parsed_tree(xml: str):
    return _interface(xml).parse(xml)[3]


def config_tree(li):
    """The XML tree of a config that LabelInterface read. <Relations> has no name, so the interface
    lists it with neither controls nor labels, and the layout around the controls is in no list:
    both are read off this tree. label-studio-sdk 2.x keeps its tree private (`_tree`); its public
    `LabelInterface.parse(config)` returns it as the fourth item (tests/test_labelstudio_codec.py
    fails in one line if the SDK changes that)."""
    return _parsed_tree(li.config)


def _relation_types(li) -> tuple[str, ...]:
    return tuple(el.get("value") for rels in config_tree(li).iter("Relations") for el in rels.iter("Relation"))


def has_relations(li) -> bool:
    return any(True for _ in config_tree(li).iter("Relations"))


def read_config(xml: object, scheme: Scheme | None = None) -> Controls:
    """The controls of a labeling config that carries the scheme's labels: the first Labels
    control on a Text with all of them, that Text's data field, the per-region TextArea on it
    (the speaker) and whether Relations are declared. ConfigError otherwise."""
    s = scheme or load_scheme()
    li = interface(xml)
    texts = {o.name: o.value or "" for o in li.objects if o.tag == "Text" and o.name}
    candidates = [(c.name, c.to_name[0]) for c in li.controls
                  if c.tag == "Labels" and c.to_name and c.to_name[0] in texts
                  and set(s.label_names) <= set(c.labels)]
    if not candidates:
        raise ConfigError(f"the labeling config has no <Labels> on a <Text> with the labels "
                          f"{', '.join(s.label_names)} — use `annotate studio config`")
    labels_name, text_name = candidates[0]
    value = texts[text_name]
    if not value.startswith("$") or len(value) < 2:
        raise ConfigError(f"<Text name={text_name!r}> has value {value!r}; expected a data field such as $text")
    speaker = next((c.name for c in li.controls if c.tag == "TextArea" and text_name in c.to_name
                    and str(c.attr.get("perRegion", "")).lower() == "true"), None)
    return Controls(text_name, value[1:], labels_name, speaker, has_relations(li))


def _layout(li) -> tuple:
    # The other elements (View, Header, Style…), in order: what the annotator sees around the
    # controls. Whitespace, attribute order, quoting and comments do not count.
    named = {"Labels", "Label", "TextArea", "Text", "Relations", "Relation"}
    return tuple((el.tag, tuple(sorted(el.attrib.items())), " ".join((el.text or "").split()))
                 for el in config_tree(li).iter() if isinstance(el.tag, str) and el.tag not in named)


def config_shape(xml: str) -> dict:
    """A labeling config as LabelInterface reads it: each control (tag, attributes, its labels
    with theirs), each object (tag, attributes), the relation types and the layout around
    them; formatting (whitespace, attribute order, quoting, comments) is not part of it."""
    li = interface(xml)
    return {
        "layout": _layout(li),
        "controls": {c.name: (c.tag, tuple(sorted(c.attr.items())),
                              tuple((v, tuple(sorted(lab.attr.items())))
                                    for v, lab in (c.labels_attrs or {}).items()))
                     for c in li.controls},
        "objects": {o.name: (o.tag, tuple(sorted(o.attr.items()))) for o in li.objects},
        "relations": _relation_types(li),
    }


def same_config(a: str, b: str) -> bool:
    """Do two labeling configs ask the same of an annotator (`config_shape`)? A config that
    cannot be read is the same as no other."""
    try:
        return config_shape(a) == config_shape(b)
    except ConfigError:
        return False
