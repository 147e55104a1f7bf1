"""The Label Studio result codec (annotate.labelstudio.codec): one owner of the result
format, the labeling config read through LabelInterface, one prf and one matcher."""
from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest

from annotate.labelstudio.codec import (ConfigError, Controls, Prediction, Region, Relation, decode_prediction,
                                        decode_result, encode_prediction, encode_result, read_config, same_config,
                                        validate_result)
from annotate.labelstudio.config import label_config
from annotate.scheme import Label, load_scheme

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "tasks_small.json"


def round_trip(prediction: dict) -> dict:
    return encode_prediction(decode_prediction(prediction), Controls.of_scheme())


def test_encode_decode_encode_of_the_fixture_tasks_is_byte_identical():
    tasks = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for t in tasks:
        for p in t["predictions"]:
            encoded = round_trip(p)  # hand-made: an empty speaker field, which the encoder leaves out
            assert json.dumps(round_trip(encoded), ensure_ascii=False) == json.dumps(encoded, ensure_ascii=False)
            assert validate_result(encoded["result"], t["data"]["text"]) == []
            assert [x for x in p["result"] if x["type"] != "textarea"] == \
                [x for x in encoded["result"] if x["type"] != "textarea"]


@pytest.mark.model
def test_round_trip_of_every_corpus_task_is_byte_identical(nlp):
    from annotate.prelabel import prelabel

    errors = []
    tasks = list(prelabel([REPO / "corpus"], nlp, lambda path, reason: errors.append(path)))
    assert tasks and not errors
    bad = [t["data"]["doc_id"] for t in tasks
           if json.dumps(round_trip(t["predictions"][0]), ensure_ascii=False)
           != json.dumps(t["predictions"][0], ensure_ascii=False)]
    assert not bad, f"{len(bad)} of {len(tasks)} tasks change in a round trip, e.g. {bad[:3]}"
    assert any(r.speaker for t in tasks for r in decode_prediction(t["predictions"][0]).regions)
    assert any(decode_prediction(t["predictions"][0]).relations for t in tasks)


def test_decode_joins_the_speaker_and_rule_and_turns_a_left_relation_round():
    result = [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 2, "text": "ab", "labels": ["QUOTE"]},
         "meta": {"text": ["rule: quote.attributed", "model: changed"]}, "score": 0.7},
        {"id": "a", "from_name": "speaker", "to_name": "text", "type": "textarea",
         "value": {"start": 0, "end": 2, "text": [" 某人 "]}},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 3, "end": 5, "text": "cd", "labels": ["CLAIM"]}},
        {"type": "relation", "from_id": "b", "to_id": "a", "direction": "left", "labels": []},
    ]
    decoded = decode_result(result)
    a, b = decoded.regions
    assert (a.rule_id, a.speaker, a.score, a.notes) == ("quote.attributed", "某人", 0.7, ("model: changed",))
    assert (b.rule_id, b.speaker, b.score) == (None, None, None)
    # drawn right to left: the arrow starts at to_id; no label picked: the scheme's one relation type
    assert decoded.relations == [Relation("a", "b", "supports", "right")]


def test_decode_counts_regions_whose_offsets_are_not_integers():
    result = [{"id": "a", "from_name": "label", "type": "labels", "value": {"start": "0", "end": 2, "labels": ["CLAIM"]}}]
    decoded = decode_result(result)
    assert decoded.regions == [] and decoded.unreadable == 1


def test_encoding_names_the_projects_controls_and_leaves_out_what_it_has_no_control_for():
    items = [Region("r1", "QUOTE", 0, 2, "ab", "某人", "quote.attributed", 0.9), Region("r2", "CLAIM", 3, 5, "cd"),
             Relation("r2", "r1", "supports")]
    full = encode_result(items, Controls.of_scheme())
    assert [(x["type"], x.get("from_name")) for x in full] == [
        ("labels", "label"), ("textarea", "speaker"), ("labels", "label"), ("relation", None)]
    project = Controls("body", "content", "arg", None, relations=False)
    bare = encode_result(items, project)
    assert [(x["type"], x["from_name"], x["to_name"]) for x in bare] == [("labels", "arg", "body")] * 2
    assert bare[0]["value"] == {"start": 0, "end": 2, "text": "ab", "labels": ["QUOTE"]}


def test_validate_rejects_a_label_outside_the_scheme_with_a_clear_message():
    text = "𠮷标题论点"
    good = encode_result([Region("r1", "CLAIM", 1, 5, text[1:5], rule_id="claim.title", score=0.9)],
                         Controls.of_scheme())
    assert validate_result(good, text) == []  # near miss: the same region with a label of the scheme
    bad = json.loads(json.dumps(good))
    bad[0]["value"]["labels"] = ["THESIS"]
    assert validate_result(bad, text) == ["region r1: label 'THESIS' is not in the scheme"]
    shifted = json.loads(json.dumps(good))
    shifted[0]["value"].update(start=2, end=6)  # UTF-16 offsets: one too far after the astral character
    problems = validate_result(shifted, text)
    assert len(problems) == 1 and problems[0].startswith("region r1: offsets 2..6 outside 0..5")


def test_the_scheme_config_is_read_through_label_interface():
    from label_studio_sdk.label_interface import LabelInterface

    LabelInterface(label_config()).validate()  # the SDK's own checks of the config
    assert read_config(label_config()) == Controls("text", "text", "label", "speaker", True)


def test_the_config_tree_comes_from_the_sdks_public_parse():
    """<Relations> and the layout are read off the tree LabelInterface.parse returns (public in
    label-studio-sdk 2.x), never off its private `_tree`: if the SDK changes parse, this says so."""
    from importlib.metadata import version

    from lxml import etree

    from annotate.labelstudio.codec import config_tree, interface

    li = interface(label_config())
    parsed = li.parse(li.config)
    assert isinstance(parsed, tuple) and len(parsed) == 4 and isinstance(parsed[3], etree._Element), (
        f"label-studio-sdk {version('label-studio-sdk')}: LabelInterface.parse(config) no longer returns "
        f"(controls, objects, labels, xml_tree); adapt annotate.labelstudio.codec.config_tree")
    tree = config_tree(li)
    assert [el.get("value") for el in tree.iter("Relation")] == [r.name for r in load_scheme().relations]
    assert tree.tag == "View" and config_tree(interface(label_config())) is tree  # parsed once per config
    codec = (REPO / "annotate" / "labelstudio" / "codec.py").read_text(encoding="utf-8")
    assert "._tree" not in codec


def test_a_config_with_other_control_names_is_read_with_them():
    s = load_scheme()
    other = dataclasses.replace(s, labels_name="arg", text_name="body", speaker_name="who")
    assert read_config(label_config(other), s) == Controls("body", "body", "arg", "who", True)


@pytest.mark.parametrize("xml, words", [
    (None, "no labeling config"),
    ("<View", "not valid XML"),
    ('<!DOCTYPE v [<!ENTITY e SYSTEM "file:///etc/passwd">]><View><Text name="t" value="&e;"/></View>', "DTD"),
    ('<!DOCTYPE v [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><View>&b;</View>', "DTD"),
    ('<View><Text name="t" value="$t"/><Labels name="l" toName="t"><Label value="PER"/></Labels></View>',
     "no <Labels>"),
    ('<View><Text name="t" value="t"/><Labels name="l" toName="t">'
     + "".join(f'<Label value="{lab}"/>' for lab in load_scheme().label_names) + "</Labels></View>",
     "expected a data field"),
])
def test_a_config_without_the_schemes_controls_is_one_clear_error(xml, words):
    with pytest.raises(ConfigError, match=words) as e:
        read_config(xml)
    assert "\n" not in str(e.value)


def test_configs_are_compared_by_structure_not_text():
    xml = label_config()
    reformatted = xml.replace("\n", " ").replace("<View>", "<View><!-- the scheme's -->", 1)
    assert same_config(xml, reformatted)
    swapped = xml.replace('name="text" value="$text" granularity="symbol"', 'granularity="symbol" value="$text" name="text"')
    assert swapped != xml and same_config(xml, swapped)
    # near misses: a colour, a relation type, a style rule
    assert not same_config(xml, xml.replace(load_scheme().labels[0].color, "#000000"))
    assert not same_config(xml, xml.replace('<Relation value="supports"/>', '<Relation value="attacks"/>'))
    assert not same_config(xml, xml.replace("line-height: 1.9", "line-height: 2"))
    assert not same_config(xml, "<View")
    s = load_scheme()
    more = dataclasses.replace(s, labels=(*s.labels, Label("EXTRA", "多", "9", "#123456", "sentence", "d")))
    assert not same_config(xml, label_config(more))


def test_prf_on_empty_sets_is_one_definition():
    import annotate.evaluate
    import annotate.labelstudio.report
    from annotate.scoring import NO_RULE, prf

    assert prf(0, 0, 0) == (1.0, 1.0, 1.0)                  # the score tool's: nothing to find, nothing found
    assert prf(0, 0, 0, empty=None) == (None, None, None)   # the report's: no data for the label
    assert prf(0, 3, 0) == prf(0, 3, 0, empty=None) == (0.0, 0.0, 0.0)
    assert prf(0, 0, 2) == (0.0, 0.0, 0.0)
    assert prf(1, 2, 2) == (0.5, 0.5, 0.5)
    assert annotate.evaluate.prf is prf and annotate.labelstudio.report.prf is prf
    assert annotate.evaluate.NO_RULE is NO_RULE and annotate.labelstudio.report.NO_RULE is NO_RULE


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            module = node.module if node.level == 0 else "annotate." + path.parent.name + "." + node.module
            out.append((module, [a.name for a in node.names]))
    return out


def test_only_the_codec_writes_control_names_and_servers_share_no_private_helpers():
    package = REPO / "annotate"
    writers = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py")
                     if '"from_name"' in p.read_text(encoding="utf-8"))
    assert writers == ["labelstudio/codec.py"]
    for folder, other in (("labelstudio", "annotate.backend"), ("backend", "annotate.labelstudio")):
        for path in (package / folder).glob("*.py"):
            private = [(m, n) for m, names in _imports(path) for n in names
                       if m.startswith(other) and n.startswith("_")]
            assert not private, f"{path.name} borrows {private}"
    # nothing imports upward: the task encoding knows nothing of validation, servers or exports
    tasks_imports = {m for m, _ in _imports(package / "tasks.py")}
    assert not any(m.startswith(("annotate.validate", "annotate.tables", "annotate.backend"))
                   or m.startswith("annotate.labelstudio.") and m != "annotate.labelstudio.codec"
                   for m in tasks_imports)
    codec_imports = {m for m, _ in _imports(package / "labelstudio" / "codec.py")}
    assert codec_imports <= {"__future__", "dataclasses", "functools", "typing", "annotate.scheme",
                             "label_studio_sdk.label_interface"}
