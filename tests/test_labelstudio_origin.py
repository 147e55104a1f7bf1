"""Origin of annotated regions against the prediction (no server needed)."""
from annotate.labelstudio.regions import (ACCEPTED, ADDED, MODIFIED, Region, classify, match,
                                          parse_result)


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
