"""The Label Studio labeling config, generated from the scheme (guidelines/scheme.toml).

Nothing here names a label: labels, colours, hotkeys and the control names come
from `annotate.scheme.load_scheme()`, so the project, the rules and the manual
cannot drift apart.
"""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from annotate.scheme import Scheme, load_scheme

# Data fields shown above the text (task data keys written by `annotate prelabel`).
# The source file is shown as $path: Label Studio's frontend resolves "$source" to
# the raw task JSON (a task attribute of its own), not to data.source.
HEADER_FIELDS = ("title", "authors", "path")


def _attrs(**attrs: object) -> str:
    out = []
    for key, value in attrs.items():
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        out.append(f"{key}={quoteattr(str(value))}")
    return " ".join(out)


def label_config(scheme: Scheme | None = None) -> str:
    """The XML labeling config for the argument scheme."""
    s = scheme or load_scheme()
    text = s.text_name
    lines = ["<View>"]
    # Keep the article's line breaks and give CJK text some air. Label Studio draws a
    # relation between regions on consecutive lines as a loop out to the left of the
    # text with its label centred on it: the left padding keeps "supports" inside
    # the panel (without it the label is clipped to "ports"). Header's own style
    # attribute loses to Label Studio's typography classes, so the source line is
    # styled through a class of its own (checked in a browser: tests/studio/test_labeling_ui.py).
    lines.append("  <Style>")
    lines.append("    .lsf-htx-richtext, .htx-richtext { white-space: pre-wrap; line-height: 1.9; }")
    lines.append("    .lsf-richtext { padding-left: 48px; }")
    # Relations: Label Studio 1.23 puts each one's tag at the middle of its arrow — in the
    # left margin over the first characters of wrapped lines, or above the upper region,
    # over the line before it — and a dense article stacks them over the text. With the
    # arrows drawn light, the tag is shown only for the relation hovered in the Relations
    # panel (the panel lists every relation with its type). (No ">" in selectors: Label
    # Studio escapes it in <Style>.)
    item = '.relations-overlay [class*="relationItem"]'
    lines.append(f"    {item} g {{ display: none; }}")
    lines.append(f'    {item}[class*="_highlighted"] g {{ display: inline; }}')
    lines.append(f'    {item} path[stroke-width="2"] {{ opacity: 0.35; }}')
    lines.append(f'    {item}[class*="_highlighted"] path[stroke-width="2"] {{ opacity: 1; }}')
    lines.append("    .annotate-source, .annotate-source * { color: #888 !important; font-size: 12px !important;"
                 " font-weight: 400 !important; line-height: 1.4 !important; margin: 2px 0 !important; }")
    lines.append("  </Style>")
    lines.append(f'  <View style="padding: 0 0 8px 0; border-bottom: 1px solid #ddd">')
    lines.append(f"    <Header {_attrs(value='$title', size='3')}/>")
    lines.append(f"    <Header {_attrs(value='$authors', size='6')}/>")
    lines.append(f"    <View {_attrs(className='annotate-source')}>")
    lines.append(f"      <Header {_attrs(value='$path', size='6')}/>")
    lines.append("    </View>")
    lines.append("  </View>")
    lines.append(f"  <Labels {_attrs(name=s.labels_name, toName=text, showInline=True)}>")
    for label in s.labels:
        lines.append("    <Label " + _attrs(value=label.name, alias=None, background=label.color,
                                           hotkey=label.hotkey, hint=f"{label.zh}: {label.definition}") + "/>")
    lines.append("  </Labels>")
    # The speaker of a QUOTE: a per-region text field, shown only while a QUOTE
    # region is selected, above the text so that it needs no scrolling (View visibleWhen + the control's own whenLabelValue,
    # both supported by Label Studio 1.23).
    lines.append("  " + "<View " + _attrs(visibleWhen="region-selected", whenTagName=s.labels_name,
                                           whenLabelValue=s.speaker_label) + ">")
    lines.append(f"    <Header {_attrs(value='说话人 speaker (' + s.speaker_label + ')', size='6')}/>")
    lines.append("    <TextArea " + _attrs(name=s.speaker_name, toName=text, perRegion=True,
                                             whenLabelValue=s.speaker_label, editable=True,
                                             maxSubmissions=1, rows=1,
                                             placeholder=s.speaker_definition) + "/>")
    lines.append("  </View>")
    lines.append(f"  <Text {_attrs(name=text, value='$' + text, granularity='symbol')}/>")
    if s.relations:
        lines.append(f"  <Relations>")
        for rel in s.relations:
            lines.append(f"    <Relation {_attrs(value=rel.name)}/>")
        lines.append("  </Relations>")
    lines.append("</View>")
    return "\n".join(lines) + "\n"
