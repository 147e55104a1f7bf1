"""Origin of annotated regions against the prediction (no server needed)."""
from annotate.labelstudio.codec import Region
from annotate.labelstudio.regions import ACCEPTED, ADDED, MODIFIED, classify, match, parse_result


def R(id, label, start, end, speaker=None, rule=None):
    return Region(id, label, start, end, None, speaker, rule)


def origins(annotated, predicted):
    rows, deleted = classify(annotated, predicted)
    return [(r.id, origin, p.id if p else None) for r, origin, p in rows], [p.id for p in deleted]


def test_identical_is_accepted_even_with_a_new_id():
    assert origins([R("x", "CLAIM", 0, 10)], [R("p", "CLAIM", 0, 10)]) == ([("x", ACCEPTED, "p")], [])


def test_same_id_with_other_bounds_or_label_is_modified():
    pred = [R("p", "SUPPORT", 10, 20)]
    assert origins([R("p", "SUPPORT", 10, 19)], pred) == ([("p", MODIFIED, "p")], [])
    assert origins([R("p", "CLAIM", 10, 20)], pred) == ([("p", MODIFIED, "p")], [])
    # even without any overlap, the same id means the annotator moved that region
    assert origins([R("p", "SUPPORT", 50, 60)], pred) == ([("p", MODIFIED, "p")], [])


def test_speaker_change_is_a_modification():
    pred = [R("q", "QUOTE", 5, 15, speaker="习近平总书记")]
    assert origins([R("q", "QUOTE", 5, 15, speaker="总书记")], pred) == ([("q", MODIFIED, "q")], [])
    assert origins([R("q", "QUOTE", 5, 15, speaker="习近平总书记")], pred) == ([("q", ACCEPTED, "q")], [])
    # empty speaker and no speaker are the same
    assert origins([R("q", "QUOTE", 5, 15, speaker="")], [R("q", "QUOTE", 5, 15)]) == ([("q", ACCEPTED, "q")], [])


def test_overlap_of_half_the_longer_span_is_modified_below_is_added():
    pred = [R("p", "DIRECTIVE", 0, 10)]
    assert origins([R("a", "DIRECTIVE", 5, 10)], pred) == ([("a", MODIFIED, "p")], [])   # 5 of 10
    assert origins([R("a", "DIRECTIVE", 6, 10)], pred) == ([("a", ADDED, None)], ["p"])  # 4 of 10
    assert origins([R("a", "CLAIM", 0, 12)], pred) == ([("a", MODIFIED, "p")], [])       # label changed too


def test_one_to_one_and_deleted():
    pred = [R("p1", "CLAIM", 0, 10), R("p2", "CLAIM", 20, 30), R("p3", "QUOTE", 40, 50)]
    ann = [R("a", "CLAIM", 0, 10), R("b", "CLAIM", 1, 10), R("p2", "CLAIM", 20, 30)]
    rows, deleted = origins(ann, pred)
    assert rows == [("a", ACCEPTED, "p1"), ("b", ADDED, None), ("p2", ACCEPTED, "p2")]
    assert deleted == ["p3"]


def test_greedy_matching_like_the_scorer():
    gold = [R("g1", "CLAIM", 0, 10), R("g2", "CLAIM", 8, 20)]
    pred = [R("p1", "CLAIM", 2, 12), R("p2", "CLAIM", 9, 20)]
    lenient = {(g.id, p.id) for g, p in match(gold, pred, strict=False)}
    assert lenient == {("g1", "p1"), ("g2", "p2")}
    assert match(gold, pred, strict=True) == []


def test_parse_result_joins_speaker_and_rule_and_normalises_relations():
    result = [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 2, "text": "ab", "labels": ["QUOTE"]}, "meta": {"text": ["rule: quote.x"]}},
        {"id": "a", "from_name": "speaker", "to_name": "text", "type": "textarea",
         "value": {"start": 0, "end": 2, "text": [" 某人 "]}},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 3, "end": 5, "text": "cd", "labels": ["CLAIM"]}},
        {"type": "relation", "from_id": "b", "to_id": "a", "direction": "left", "labels": []},
    ]
    regions, relations = parse_result(result)
    assert regions == [Region("a", "QUOTE", 0, 2, "ab", "某人", "quote.x"), Region("b", "CLAIM", 3, 5, "cd")]
    assert [(r.from_id, r.to_id, r.type) for r in relations] == [("a", "b", "supports")]


def test_region_ok():
    from annotate.labelstudio.codec import region_ok

    text = "abcdef"
    assert region_ok(Region("a", "CLAIM", 0, 6, "abcdef"), text)
    assert region_ok(Region("a", "CLAIM", 2, 4), text)            # no stored text: bounds only
    assert not region_ok(Region("a", "CLAIM", 2, 4, "xy"), text)  # stored text differs
    assert not region_ok(Region("a", "CLAIM", 4, 4), text)        # empty
    assert not region_ok(Region("a", "CLAIM", 5, 7), text)        # past the end
    assert not region_ok(Region("a", "CLAIM", -1, 2), text)


def test_line_lookup_parses_once_and_agrees_with_source_line():
    from annotate.document import line_lookup
    from annotate.labelstudio.regions import source_line

    line_map = [[0, 1], [6, 3], [20, 9]]
    line = line_lookup(line_map)
    for o in (0, 5, 6, 19, 20, 99):
        assert line(o) == source_line(line_map, o)
    assert [line(o) for o in (0, 5, 6, 20)] == [1, 1, 3, 9]
    assert line_lookup(None)(3) is None and line_lookup([["x", 1]])(3) is None


def _task(ann_results, pred_result, text="0123456789abcdefghij"):
    def lab(id, label, start, end, txt=None):
        return {"id": id, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": text[start:end] if txt is None else txt,
                          "labels": [label]}}

    return {"id": 1, "data": {"text": text, "doc_id": "d"},
            "predictions": [{"id": 7, "result": [lab(*r) for r in pred_result]}],
            "annotations": [{"id": 100 + i, "parent_prediction": 7, "result": [lab(*r) for r in res]}
                            for i, res in enumerate(ann_results)]}


def test_compare_task_scores_scheme_labels_with_good_offsets_and_parses_a_prediction_once(monkeypatch):
    import annotate.labelstudio.regions as regions

    task = _task([[("p1", "CLAIM", 0, 5), ("x", "THESIS", 6, 9), ("b", "QUOTE", 10, 12, "??")],
                  [("p1", "CLAIM", 0, 5)]],
                 [("p1", "CLAIM", 0, 5), ("p2", "QUOTE", 14, 30)])
    parsed = []
    real = regions.parse_result
    monkeypatch.setattr(regions, "parse_result", lambda result, s=None: parsed.append(result) or real(result, s))
    comps = list(regions.compare_task(task))
    assert len(parsed) == 3  # two annotations, the shared prediction once
    c = comps[0]
    assert [r.id for r in c.regions] == ["p1", "x", "b"]          # all, as parsed
    assert [r.id for r in c.scored] == ["p1"]                     # not THESIS, not the bad QUOTE
    assert [r.id for r in c.bad] == ["b"] and [r.id for r in c.bad_predicted] == ["p2"]
    assert [(r.id, o, p.id) for r, o, p in c.rows] == [("p1", ACCEPTED, "p1")]
    assert c.deleted == [] and [r.id for r in c.scored_predicted] == ["p1"]


def test_export_and_report_agree_on_what_is_compared():
    from annotate.labelstudio.export import tables_from_snapshot
    from annotate.labelstudio.report import compute_report

    task = _task([[("p1", "THESIS", 0, 5), ("b", "CLAIM", 10, 12, "??"), ("p3", "QUOTE", 6, 9)]],
                 [("p1", "CLAIM", 0, 5), ("p2", "CLAIM", 14, 30), ("p3", "QUOTE", 6, 9)])
    t = tables_from_snapshot([task])
    ann = t.spans[t.spans["annotation_id"] == 100]
    # every region keeps its row; the ones not compared (label outside the scheme, bad offsets) are "added"
    assert list(zip(ann["label"], ann["origin"], ann["offset_ok"])) == [
        ("THESIS", ADDED, True), ("CLAIM", ADDED, False), ("QUOTE", ACCEPTED, True)]
    labels = compute_report([task]).labels.set_index("label")
    assert labels.loc["ALL", ["predicted", "accepted", "deleted", "added", "annotated", "bad_offsets"]].tolist() \
        == [2, 1, 1, 0, 1, 2]  # p2 (outside the text) and b left out; p1 deleted (THESIS not scored)


def test_export_parses_each_line_map_once(monkeypatch):
    import annotate.labelstudio.export as export
    import annotate.tables as tables
    from test_labelstudio_report import snapshot

    calls = []
    real = tables.line_lookup  # the builder export uses lives in annotate.tables
    monkeypatch.setattr(tables, "line_lookup", lambda m: calls.append(m) or real(m))
    t = export.tables_from_snapshot(snapshot())
    assert len(calls) == 2 and len(t.spans) == 14  # one per task, not one per span
