"""The labeling config is generated from the scheme (no server needed)."""
import dataclasses
import xml.etree.ElementTree as ET

from annotate.labelstudio.config import label_config
from annotate.scheme import Label, load_scheme


def parse(xml):
    return ET.fromstring(xml)


def test_every_label_colour_and_hotkey_of_the_scheme():
    scheme = load_scheme()
    root = parse(label_config())
    labels = root.find(f".//Labels[@name='{scheme.labels_name}']")
    assert labels is not None and labels.get("toName") == scheme.text_name
    got = [(e.get("value"), e.get("background"), e.get("hotkey")) for e in labels.findall("Label")]
    assert got == [(lab.name, lab.color, lab.hotkey) for lab in scheme.labels]
    xml = label_config()
    for lab in scheme.labels:
        assert lab.name in xml and lab.color in xml


def test_text_relations_speaker_and_header():
    s = load_scheme()
    root = parse(label_config())
    text = root.find(f".//Text[@name='{s.text_name}']")
    assert text.get("value") == "$" + s.text_name and text.get("granularity") == "symbol"
    assert [r.get("value") for r in root.findall(".//Relations/Relation")] == [r.name for r in s.relations]
    ta = root.find(f".//TextArea[@name='{s.speaker_name}']")
    assert ta.get("toName") == s.text_name and ta.get("perRegion") == "true"
    assert ta.get("whenLabelValue") == s.speaker_label
    # shown only while a QUOTE region is selected
    view = next(v for v in root.iter("View") if v.find(f"TextArea[@name='{s.speaker_name}']") is not None)
    assert view.get("visibleWhen") == "region-selected"
    assert view.get("whenTagName") == s.labels_name and view.get("whenLabelValue") == s.speaker_label
    headers = [h.get("value") for h in root.iter("Header")]
    for field in ("$title", "$authors", "$path"):
        assert field in headers
    # Label Studio's frontend resolves "$source" to the raw task JSON, never data.source
    assert not any("$source" in (h or "") for h in headers)
    # the metadata stands above the text
    order = [e.get("value") for e in root.iter() if e.tag in ("Header", "Text")]
    assert order.index("$title") < order.index("$text")


def test_nothing_is_hard_coded():
    s = load_scheme()
    other = dataclasses.replace(
        s, labels_name="arg", text_name="body", speaker_name="who", speaker_label="CITE",
        labels=(Label("THESIS", "论", "q", "#123456", "sentence", "d"),
                Label("CITE", "引", "w", "#abcdef", "inner", "d & <b>")))
    root = parse(label_config(other))
    assert [e.get("value") for e in root.findall(".//Labels[@name='arg']/Label")] == ["THESIS", "CITE"]
    assert root.find(".//Text[@name='body']").get("value") == "$body"
    assert root.find(".//TextArea[@name='who']").get("whenLabelValue") == "CITE"
    assert "CLAIM" not in label_config(other)


def test_studio_config_command_prints_it():
    from typer.testing import CliRunner

    from annotate.labelstudio.cli import make_app

    res = CliRunner().invoke(make_app(), ["studio", "config"])
    assert res.exit_code == 0 and res.stdout == label_config()
