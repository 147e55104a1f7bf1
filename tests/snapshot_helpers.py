"""A Label Studio export snapshot made by hand (two tasks, a prediction, three annotators): shared
by the export, report and calibration tests."""

TEXT = "标题论点\n\n一是加强研究。他指出：“创新是第一动力。”我们必须坚持。"
MV = "mv1"
T0 = "2026-01-01T00:00:00Z"


def span(id, label, start, end, text=None, rule=None):
    item = {"id": id, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": TEXT[start:end] if text is None else text,
                      "labels": [label]}}
    if rule:
        item["meta"] = {"text": [f"rule: {rule}"]}
    return item


def speaker(id, start, end, who):
    return {"id": id, "from_name": "speaker", "to_name": "text", "type": "textarea",
            "value": {"start": start, "end": end, "text": [who]}}


def rel(a, b):
    return {"type": "relation", "from_id": a, "to_id": b, "direction": "right", "labels": ["supports"]}


def snapshot():
    prediction = {"id": 10, "model_version": MV, "created_at": T0, "updated_at": T0, "score": 0.8, "result": [
        span("p1", "CLAIM", 0, 4, rule="claim.title"),
        span("p2", "SUPPORT", 6, 13, rule="support.enumerated"),
        span("p3", "QUOTE", 18, 26, rule="quote.attributed"), speaker("p3", 18, 26, "他"),
        span("p4", "DIRECTIVE", 27, 34, rule="directive.modal"),
        rel("p2", "p1")]}
    ann100 = {"id": 100, "completed_by": {"id": 1, "email": "a@x"}, "was_cancelled": False,
              "created_at": "2026-01-02T00:00:00Z", "updated_at": "2026-01-02T01:00:00Z", "lead_time": 30.5,
              "parent_prediction": 10, "result": [
                  span("p1", "CLAIM", 0, 4, rule="claim.title"),
                  span("p2", "SUPPORT", 6, 12, rule="support.enumerated"),
                  span("p3", "QUOTE", 18, 26), speaker("p3", 18, 26, "习近平"),
                  span("n1", "CLAIM", 13, 17),
                  rel("p2", "p1"), rel("n1", "p1")]}
    ann101 = {"id": 101, "completed_by": {"id": 2, "email": "b@x"}, "was_cancelled": False,
              "created_at": "2026-01-03T00:00:00Z", "updated_at": "2026-01-03T00:00:00Z", "lead_time": 12.0,
              "parent_prediction": None, "result": [
                  span("q1", "CLAIM", 0, 4), span("q2", "SUPPORT", 6, 13),
                  span("q3", "QUOTE", 18, 25), speaker("q3", 18, 25, "他"),
                  span("p4", "DIRECTIVE", 27, 34)]}
    ann102 = {"id": 102, "completed_by": {"id": 3, "email": "c@x"}, "was_cancelled": True,
              "created_at": "2026-01-04T00:00:00Z", "updated_at": "2026-01-04T00:00:00Z", "lead_time": 1.0,
              "result": []}
    task1 = {"id": 1, "data": {"text": TEXT, "doc_id": "doc1", "source": "a.txt", "path": "corpus/a.md",
                               "index": 0, "kind": "article", "title": "标题论点", "authors": "王一鸣",
                               "line_map": [[0, 1], [6, 3]]},
             "predictions": [prediction], "annotations": [ann100, ann101, ann102]}
    ann103 = {"id": 103, "completed_by": {"id": 1, "email": "a@x"}, "was_cancelled": False,
              "created_at": "2026-01-05T00:00:00Z", "updated_at": "2026-01-05T00:00:00Z", "lead_time": 5.0,
              "result": [
                  {"id": "m1", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 0, "end": 3, "text": "第二篇", "labels": ["DIRECTIVE"]}},
                  {"id": "m2", "from_name": "label", "to_name": "text", "type": "labels",
                   "value": {"start": 0, "end": 1, "text": "错", "labels": ["CLAIM"]}}]}
    task2 = {"id": 2, "data": {"text": "第二篇。", "doc_id": "doc2", "source": "b.txt", "path": "corpus/b.md",
                               "index": 0, "kind": "fragment", "title": "", "authors": "", "line_map": [[0, 1]]},
             "predictions": [], "annotations": [ann103]}
    return [task1, task2]
