"""The rules as a Label Studio ML backend model: label config in, predictions out.

Label Studio sends its project's labeling config with every /setup and
/predict. `read_config` (annotate.labelstudio.codec, through LabelInterface) finds
there the Text object (its name and the data field in its value="$field"), the
Labels control on it with the scheme's labels, the per-region TextArea for the
speaker and whether Relations are declared. `RulesModel.predict` builds each task's
Document from its data (annotate.tasks.document_from_data; a task without the reader's
outline is read as a file of its text would be: annotate.backend.plain), annotates it
with the pipeline loaded once, makes its prediction with annotate.tasks.prediction_of
and checks it with the codec — the same regions, rule ids, speakers, relations, scores
and model_version as `annotate prelabel` — then encodes it with the controls named as
the project's config names them (a speaker or relation without a control is left out).
"""
from __future__ import annotations

import threading

from annotate.labelstudio.codec import (ConfigError, Controls, Prediction, encode_prediction, encode_result,
                                        validate_result)
from annotate.labelstudio.codec import read_config as codec_read_config
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


def read_config(xml: object, scheme: Scheme | None = None) -> Controls:
    """The controls of a labeling config that carries the scheme's labels (read through
    LabelInterface: annotate.labelstudio.codec.read_config); BadRequest otherwise."""
    try:
        return codec_read_config(xml, scheme)
    except ConfigError as e:
        raise BadRequest(str(e)) from None


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
            from annotate.nlp import load_nlp

            nlp = load_nlp()
        self.nlp = nlp
        self.scheme = scheme or load_scheme()
        self.lock = threading.Lock()
        # The configs are read through label-studio-sdk's LabelInterface: imported here, with the
        # model (~2 s), not during the first request.
        import label_studio_sdk.label_interface  # noqa: F401

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
        """One prediction {model_version, score, result[, calibration]} for one task, its
        controls named as the project's config names them."""
        from annotate.pipeline import annotate_document
        from annotate.tasks import document_from_data, guessed_blocks, prediction_of

        data = task["data"]
        where = task_name(task)
        key = text_key(data, controls)
        try:  # every field checked, whichever way the text is read below; an outline guessed only if needed
            document = document_from_data(data, key, guess_outline=False)
        except ValueError as e:
            raise BadRequest(f"{where}: {e}", 422) from None
        prediction = None if data.get("outline") else self._predict_as_read(data[key], str(data.get("source") or ""),
                                                                             calibration)
        if prediction is None:
            if not data.get("outline"):
                document.blocks = guessed_blocks(document.text)  # no article found by the readers
            with self.lock:
                doc = annotate_document(self.nlp, document)
            prediction = prediction_of(document, doc, calibration)
        # checked on the scheme's controls: a bug of the rules or the alignment, not of the
        # request, must never send an invalid region
        problems = validate_result(encode_result(prediction.items, Controls.of_scheme(self.scheme)),
                                   document.text, self.scheme)
        if problems:
            raise RuntimeError(f"{where}: invalid prediction: {problems[0]}")
        return encode_prediction(prediction, controls)

    def _predict_as_read(self, text: str, name: str, calibration=None) -> Prediction | None:
        """A task without an outline, read as `annotate prelabel` reads a file of that text
        (annotate.backend.plain); None when the readers find no article in it."""
        from annotate.backend.plain import prediction_on_text, read_documents
        from annotate.pipeline import annotate_document

        placed = read_documents(text, name)
        if placed is None:
            return None
        with self.lock:
            docs = [annotate_document(self.nlp, document) for document, _ in placed]
        return prediction_on_text(placed, docs, text, calibration)

    def predict(self, tasks: object, label_config: object, calibration=None) -> list[dict]:
        """Predictions for the tasks of one request, all scored with the same `calibration`
        (the request's project's, read once for the request)."""
        controls = read_config(label_config, self.scheme)
        return [self.predict_task(t, controls, calibration) for t in self.check_tasks(tasks, controls)]
