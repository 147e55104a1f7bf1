"""The rules as a Label Studio ML backend model: label config in, predictions out.

Label Studio sends its project's labeling config with every /setup and
/predict. `read_config` finds there the Text object (its name and the data
field in its value="$field"), the Labels control on it with the scheme's
labels, the per-region TextArea for the speaker and whether Relations are
declared. `RulesModel.predict` builds each task's Document from its data
(annotate.tasks.document_from_data; a task without the reader's outline is read as a
file of its text would be: annotate.backend.plain), annotates it with the pipeline loaded once,
encodes it with annotate.tasks.to_task and checks it with annotate.validate —
the same regions, rule ids, speakers, relations, scores and model_version as
`annotate prelabel` — then names the controls as the project's config does.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from xml.etree import ElementTree

from annotate.scheme import Scheme, load_scheme

MAX_TEXT_CHARS = 1_000_000   # a long article is ~30k characters; beyond this is a mistake
MAX_TASKS = 1000             # per request (Label Studio sends up to 100 at a time)
# Where Label Studio puts a line of an uploaded .txt file ("list of tasks") before it
# knows the data field; its labeling interface shows it in the config's Text.
UNDEFINED_FIELD = "$undefined$"


class BadRequest(ValueError):
    """A request the backend refuses: one line, and the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(" ".join(str(message).split()))
        self.status = status


@dataclass(frozen=True)
class Controls:
    """Names read from a project's labeling config."""

    text_name: str        # <Text name=…>
    text_field: str       # the data field in <Text value="$…">
    labels_name: str      # <Labels name=… toName=text>
    speaker_name: str | None  # <TextArea perRegion="true" toName=text>, if any
    relations: bool       # <Relations> declared


def read_config(xml: object, scheme: Scheme | None = None) -> Controls:
    """The controls of a labeling config that carries the scheme's labels; BadRequest otherwise."""
    s = scheme or load_scheme()
    if not isinstance(xml, str) or not xml.strip():
        raise BadRequest("no labeling config in the request (label_config/schema)")
    try:
        root = ElementTree.fromstring(xml)
    except ElementTree.ParseError as e:
        raise BadRequest(f"the labeling config is not valid XML: {e}") from None
    texts = {el.get("name"): el.get("value", "") for el in root.iter("Text") if el.get("name")}
    candidates = []
    for el in root.iter("Labels"):
        target = el.get("toName")
        values = {lab.get("value") for lab in el.iter("Label")}
        if target in texts and set(s.label_names) <= values:
            candidates.append((el.get("name"), target))
    if not candidates:
        missing = ", ".join(s.label_names)
        raise BadRequest(f"the labeling config has no <Labels> on a <Text> with the labels {missing} — "
                         f"use `annotate studio config`")
    labels_name, text_name = candidates[0]
    value = texts[text_name]
    if not value.startswith("$") or len(value) < 2:
        raise BadRequest(f"<Text name={text_name!r}> has value {value!r}; expected a data field such as $text")
    speaker = next((el.get("name") for el in root.iter("TextArea")
                    if el.get("toName") == text_name and el.get("perRegion", "").lower() == "true"), None)
    has_relations = any(True for _ in root.iter("Relations"))
    return Controls(text_name, value[1:], labels_name, speaker, has_relations)


def rename_controls(result: list[dict], controls: Controls, scheme: Scheme) -> list[dict]:
    """The result with from_name/to_name as the project's config names them (the regions
    themselves are untouched); speakers and relations dropped where the config has no
    control for them."""
    out = []
    for item in result:
        kind = item.get("type")
        if kind == "relation":
            if controls.relations:
                out.append(item)
            continue
        if kind == "textarea":
            if controls.speaker_name is None:
                continue
            item = {**item, "from_name": controls.speaker_name, "to_name": controls.text_name}
        elif kind == "labels":
            item = {**item, "from_name": controls.labels_name, "to_name": controls.text_name}
        out.append(item)
    return out


def text_key(data: dict, controls: Controls) -> str:
    """The data field holding the task's text: the one the config names, else Label Studio's
    placeholder for an uploaded text file."""
    if controls.text_field not in data and isinstance(data.get(UNDEFINED_FIELD), str):
        return UNDEFINED_FIELD
    return controls.text_field


def task_name(task: object, n: int | None = None) -> str:
    """`task 12` (its id) or `task #3` (its place) for messages: never the echo of a huge value."""
    tid = task.get("id") if isinstance(task, dict) else None
    if isinstance(tid, int) and not isinstance(tid, bool) or isinstance(tid, str) and len(tid) <= 40 \
            and tid.isprintable():
        return f"task {tid}"
    return f"task #{n}" if n is not None else "task ?"


class RulesModel:
    """The pipeline, loaded once; predictions one task at a time under a lock (spaCy
    pipelines are not meant to be shared between threads)."""

    def __init__(self, nlp=None, scheme: Scheme | None = None):
        if nlp is None:
            from annotate.pipeline import load_nlp

            nlp = load_nlp()
        self.nlp = nlp
        self.scheme = scheme or load_scheme()
        self.lock = threading.Lock()

    def use_model(self, path) -> str:
        """Swap in the trained model in `path` (loaded first, then put in place under the lock, so a
        prediction sees the old model or the new one, never half of either); the new model_version."""
        from annotate.learn.component import ArgumentLearned, Learned, ModelError, add_learned
        from annotate.pipeline import pipeline_disabled

        learned = Learned.load(path)
        if learned.rules_disabled != pipeline_disabled(self.nlp):
            raise ModelError(f"{path}: trained beside other rules ({', '.join(learned.rules_disabled) or 'all on'})")
        with self.lock:
            pipes = [p for _, p in self.nlp.pipeline if isinstance(p, ArgumentLearned)]
            if pipes:
                pipes[0].learned = learned
            else:
                add_learned(self.nlp, path)
        return self.model_version

    @property
    def model_version(self) -> str:
        from annotate.learn.component import pipeline_model
        from annotate.pipeline import pipeline_disabled
        from annotate.tasks import model_version

        return model_version(pipeline_disabled(self.nlp), pipeline_model(self.nlp))

    def check_tasks(self, tasks: object, controls: Controls) -> list[dict]:
        """The tasks of a /predict request, or BadRequest naming the first bad one."""
        if not isinstance(tasks, list) or not tasks:
            raise BadRequest("no tasks in the request (expected \"tasks\": [{\"data\": {…}}, …])")
        if len(tasks) > MAX_TASKS:
            raise BadRequest(f"{len(tasks)} tasks in one request; at most {MAX_TASKS}", 413)
        for n, task in enumerate(tasks):
            where = task_name(task, n)
            data = task.get("data") if isinstance(task, dict) else None
            if not isinstance(data, dict):
                raise BadRequest(f"{where}: no data object")
            text = data.get(text_key(data, controls))
            if not isinstance(text, str):
                raise BadRequest(f"{where}: no text in data.{controls.text_field} (the field the labeling "
                                 f"config's <Text name={controls.text_name!r}> shows)", 422)
            if len(text) > MAX_TEXT_CHARS:
                raise BadRequest(f"{where}: data.{controls.text_field} has {len(text):,} characters; the limit is "
                                 f"{MAX_TEXT_CHARS:,}", 413)
        return tasks

    def predict_task(self, task: dict, controls: Controls, calibration=None) -> dict:
        """One prediction {result, score, model_version[, calibration]} for one task."""
        from annotate.pipeline import annotate_document
        from annotate.tasks import document_from_data, guessed_blocks, to_task
        from annotate.validate import validate_task

        data = task["data"]
        where = task_name(task)
        key = text_key(data, controls)
        try:  # every field checked, whichever way the text is read below; an outline guessed only if needed
            document = document_from_data(data, key, guess_outline=False)
        except ValueError as e:
            raise BadRequest(f"{where}: {e}", 422) from None
        if not data.get("outline"):
            prediction = self._predict_as_read(data[key], str(data.get("source") or ""), calibration)
            if prediction is not None:
                return {**prediction, "result": rename_controls(prediction["result"], controls, self.scheme)}
            document.blocks = guessed_blocks(document.text)  # no article found by the readers
        with self.lock:
            doc = annotate_document(self.nlp, document)
        encoded = to_task(document, doc, calibration)
        problems = validate_task(encoded, self.scheme)
        if problems:  # a bug of the rules, not of the request: never send an invalid region
            raise RuntimeError(f"{where}: invalid prediction: {problems[0]}")
        prediction = encoded["predictions"][0]
        return {"result": rename_controls(prediction["result"], controls, self.scheme),
                **{k: v for k, v in prediction.items() if k != "result"}}

    def _predict_as_read(self, text: str, name: str, calibration=None) -> dict | None:
        """A task without an outline, read as `annotate prelabel` reads a file of that text
        (annotate.backend.plain); None when the readers find no article in it."""
        from annotate.backend.plain import prediction_on_text, read_documents
        from annotate.pipeline import annotate_document
        from annotate.validate import validate_result

        placed = read_documents(text, name)
        if placed is None:
            return None
        with self.lock:
            docs = [annotate_document(self.nlp, document) for document, _ in placed]
        prediction = prediction_on_text(placed, docs, text, calibration)
        problems = validate_result(prediction["result"], text, self.scheme)
        if problems:  # a bug of the rules or the alignment: never send an invalid region
            raise RuntimeError(f"invalid prediction: {problems[0]}")
        return prediction

    def predict(self, tasks: object, label_config: object, calibration=None) -> list[dict]:
        """Predictions for the tasks of one request, all scored with the same `calibration`
        (the request's project's, read once for the request)."""
        controls = read_config(label_config, self.scheme)
        return [self.predict_task(t, controls, calibration) for t in self.check_tasks(tasks, controls)]
