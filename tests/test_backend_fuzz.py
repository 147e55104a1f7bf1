"""Fuzz the ML backend (issue 18): hypothesis over JSON shapes for /predict, /setup and /webhook,
strings with lone surrogates, and outlines both plausible and malformed. Whatever comes in,
the answer is never a 5xx, and a refusal is one line of JSON."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from annotate.backend.app import create_app
from annotate.backend.model import RulesModel
from annotate.document import BLOCK_KINDS
from annotate.labelstudio.config import label_config

pytestmark = pytest.mark.model

SECRET = "fuzz-secret"

# Any code point, lone surrogates included (sent as \udXXX escapes, as JSON allows).
ANY_CHAR = st.characters(codec=None, categories=None)
HAN = st.sampled_from(list("新质生产力的关键在创新我们必须要坚持发展习近平总书记指出“”：。，！？；、\n\n 　*#"))
TEXT = st.one_of(st.text(HAN, max_size=80), st.text(ANY_CHAR, max_size=40),
                 st.text(st.one_of(HAN, ANY_CHAR), max_size=60))
SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False), TEXT)
JSON = st.recursive(SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                    st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
INT = st.one_of(st.integers(-5, 90), st.integers(-2**40, 2**40), st.booleans(), st.text(max_size=3), st.none())


@st.composite
def plausible_outline(draw, n: int):
    """Blocks that cut the text in order (what a reader writes), with bold runs and claims
    drawn anywhere near them: reaches the rules, not only the checks."""
    cuts = sorted(draw(st.lists(st.integers(0, max(n, 0)), max_size=8)))
    blocks = []
    for a, b in zip(cuts, cuts[1:]):
        bold = draw(st.lists(st.tuples(st.integers(a - 2, b + 2), st.integers(a - 2, b + 2)).map(list), max_size=2))
        claim = draw(st.one_of(st.none(), st.tuples(st.integers(a - 1, b + 1), st.integers(a - 1, b + 1))
                                .map(list)))
        blocks.append([draw(st.sampled_from(BLOCK_KINDS)), a, b, bold, claim])
    return blocks


@st.composite
def task_data(draw):
    text = draw(TEXT)
    data = {"text": text}
    outline = draw(st.one_of(st.none(), plausible_outline(len(text)),
                             st.lists(st.lists(st.one_of(INT, st.sampled_from(BLOCK_KINDS), JSON), max_size=6),
                                      max_size=4),
                             JSON))
    if outline is not None:
        data["outline"] = outline
    for key in draw(st.lists(st.sampled_from(["authors", "title", "source", "path", "index", "kind", "column",
                                              "author_note", "line_map", "doc_id", "$undefined$"]),
                             max_size=4, unique=True)):
        data[key] = draw(JSON)
    return data


TASK = st.one_of(st.fixed_dictionaries({"id": st.one_of(st.integers(), JSON), "data": task_data()}),
                 st.fixed_dictionaries({"data": task_data(), "project": INT}), JSON)
CONFIG = st.one_of(st.just(label_config()), st.just(label_config()).map(lambda c: c.replace("$text", "$body")),
                   TEXT, JSON)


def _send(client, path: str, body) -> None:
    raw = json.dumps(body)  # ensure_ascii: a lone surrogate goes out as its \udXXX escape
    variants = [raw.encode()]
    if "\\ud" in raw:  # … and as the three bytes UTF-8 would give it (not UTF-8 any more)
        variants.append(json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    for content in variants:
        r = client.post(path, content=content, headers={"content-type": "application/json",
                                                        "X-Annotate-Webhook-Secret": SECRET})
        assert r.status_code < 500, (path, content[:500], r.text[:300])
        event(f"{path} {r.status_code}")  # --hypothesis-show-statistics: how many reached the rules (200)
        if r.status_code >= 400:
            answer = r.json()
            assert list(answer) == ["error"] and "\n" not in answer["error"], answer


@pytest.fixture(scope="module")
def client(nlp):
    from fastapi.testclient import TestClient

    return TestClient(create_app(RulesModel(nlp), recalibrate=None, webhook_secret=lambda: SECRET),
                      raise_server_exceptions=False)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.data_too_large])


@FUZZ
@given(tasks=st.one_of(st.lists(TASK, min_size=1, max_size=3), JSON), config=CONFIG,
       project=st.one_of(st.none(), INT, st.just("7.1764400000")), extra=st.dictionaries(TEXT, JSON, max_size=2))
def test_predict_never_answers_5xx(client, tasks, config, project, extra):
    _send(client, "/predict", {**extra, "tasks": tasks, "label_config": config, "project": project})


@st.composite
def near_valid_data(draw):
    """What a pushed task looks like, with text that may hold surrogates and an outline that
    may be slightly off: most of these reach the rules."""
    text = draw(TEXT)
    data = {"text": text, "outline": draw(st.one_of(st.none(), plausible_outline(len(text)))),
            "authors": draw(st.one_of(TEXT, st.lists(TEXT, max_size=3))), "title": draw(TEXT),
            "source": draw(TEXT), "kind": draw(st.sampled_from(["article", "fragment", "x"])),
            "line_map": draw(st.lists(st.tuples(st.integers(0, 99), st.integers(1, 99)).map(list), max_size=3))}
    return data


@FUZZ
@given(data=st.lists(near_valid_data(), min_size=1, max_size=3), project=st.sampled_from(["7.1764400000", None]))
def test_near_valid_predict_requests_never_answer_5xx(client, data, project):
    tasks = [{"id": n, "data": d, "project": 7} for n, d in enumerate(data)]
    _send(client, "/predict", {"tasks": tasks, "label_config": label_config(), "project": project})


@FUZZ
@given(body=st.one_of(st.fixed_dictionaries({"schema": CONFIG, "project": st.one_of(TEXT, INT)}), JSON))
def test_setup_never_answers_5xx(client, body):
    _send(client, "/setup", body)


@FUZZ
@given(body=st.one_of(st.fixed_dictionaries({"action": st.one_of(st.sampled_from(["ANNOTATION_CREATED",
                                                                                  "ANNOTATION_UPDATED",
                                                                                  "ANNOTATIONS_DELETED"]), JSON),
                                             "project": st.one_of(INT, JSON,
                                                                  st.fixed_dictionaries({"id": INT}))}), JSON))
def test_webhook_never_answers_5xx(client, body):
    _send(client, "/webhook", body)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), st.text(ANY_CHAR, max_size=100).map(lambda s: s.encode("utf-8",
                                                                                                       "surrogatepass"))))
def test_bytes_that_are_not_json_never_answer_5xx(client, raw):
    for path in ("/predict", "/setup", "/webhook"):
        r = client.post(path, content=raw, headers={"content-type": "application/json",
                                                    "X-Annotate-Webhook-Secret": SECRET})
        assert r.status_code < 500, (path, raw, r.text[:300])
