"""The ML backend's HTTP side: FastAPI routes for Label Studio's ML backend protocol.

    GET  /health   {"status": "UP", "model_class": "RulesModel", "model_version": …}
    POST /setup    {"project": "12.1700000000", "schema": "<View>…", …} → {"model_version": …}
    POST /predict  {"tasks": [{"id": 1, "data": {"text": …}}, …], "label_config": "<View>…", …}
                   → {"results": [{"result": […], "score": 0.87, "model_version": …}, …]}
                   (one prediction per task, in order; Label Studio 1.23 ml/models.py)
    POST /webhook  {"action": "ANNOTATION_CREATED", "project": {"id": 12, …}, …} → recalibrates (and, with
                   ANNOTATE_LEARN=MODEL_DIR, retrains the model beside the rules and swaps it in)
    GET  /versions {"versions": [model_version]}

Every refusal is a 4xx with one line of JSON, {"error": "…"}; the server goes on.
With ANNOTATE_BACKEND_USER and ANNOTATE_BACKEND_PASSWORD set, every route asks
for HTTP basic auth (what Label Studio sends when the backend is registered
with auth_method BASIC_AUTH).
"""
from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time
from typing import Callable

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .model import BadRequest, RulesModel, read_config

log = logging.getLogger("annotate.backend")

MAX_BODY_BYTES = 64 * 1024 * 1024  # a batch of 100 long articles fits many times over
USER_ENV, PASSWORD_ENV = "ANNOTATE_BACKEND_USER", "ANNOTATE_BACKEND_PASSWORD"
CALIBRATING_ACTIONS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED", "ANNOTATIONS_DELETED"}


def basic_auth_from_env() -> tuple[str, str] | None:
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    return (user, password) if user and password else None


async def read_json(request: Request) -> dict:
    """The request body as a JSON object; BadRequest (one line) for anything else."""
    size = request.headers.get("content-length")
    if size and size.isdigit() and int(size) > MAX_BODY_BYTES:
        raise BadRequest(f"request body of {int(size):,} bytes; the limit is {MAX_BODY_BYTES:,}", 413)
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > MAX_BODY_BYTES:
            raise BadRequest(f"request body over {MAX_BODY_BYTES:,} bytes", 413)
        chunks.append(chunk)
    try:
        body = json.loads(b"".join(chunks))
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"the request body is not JSON: {e}") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    return body


class Recalibrator:
    """Recalibrates after annotations change, in one background thread: a burst of webhooks
    (an annotator saving task after task) gives one calibration after `quiet` seconds."""

    def __init__(self, run: Callable[[int], object], quiet: float = 2.0, what: str = "calibration"):
        self.run, self.quiet, self.what = run, quiet, what
        self.pending: dict[int, float] = {}
        self.cond = threading.Condition()
        self.runs = 0
        self.last_error: str | None = None
        threading.Thread(target=self._loop, name=what, daemon=True).start()

    def schedule(self, project_id: int) -> None:
        with self.cond:
            self.pending[project_id] = time.monotonic() + self.quiet
            self.cond.notify()

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.pending:
                    self.cond.wait()
                project_id, due = min(self.pending.items(), key=lambda kv: kv[1])
                wait = due - time.monotonic()
                if wait > 0:
                    self.cond.wait(wait)
                    continue
                del self.pending[project_id]
            try:
                self.run(project_id)
                self.last_error = None
            except Exception as e:  # noqa: BLE001 — the backend keeps serving; the log says why
                self.last_error = " ".join(f"{type(e).__name__}: {e}".split())
                log.warning("%s of project %s failed: %s", self.what, project_id, self.last_error)
            self.runs += 1


def _calibrate_from_studio(project_id: int) -> None:
    from annotate.labelstudio.calibrate import calibrate_project
    from annotate.labelstudio.client import connect

    doc, path = calibrate_project(connect(), project_id)
    log.info("calibrated %d rules on project %s → %s", len(doc["rules"]), project_id, path)


LEARN_ENV = "ANNOTATE_LEARN"  # a model directory: retrain it from the project's corrections (annotate.learn)
LEARN_QUIET = 5.0             # seconds after the last annotation webhook before retraining


def _retrain_from_studio(model: RulesModel, out: str) -> Callable[[int], object]:
    def run(project_id: int) -> None:
        from pathlib import Path

        from annotate.labelstudio.client import connect
        from annotate.learn.studio import retrain_project

        meta = retrain_project(connect(), project_id, Path(out), model.nlp, lock=model.lock)
        version = model.use_model(out)  # swapped in under the model's lock: the next prediction uses it
        log.info("retrained on project %s (%d articles) → %s", project_id, meta["data"]["articles"], version)

    return run


def create_app(model: RulesModel, auth: tuple[str, str] | None = None,
               recalibrate: Callable[[int], object] | None = _calibrate_from_studio,
               retrain: Callable[[int], object] | None = None, learn_quiet: float = LEARN_QUIET) -> FastAPI:
    basic = HTTPBasic(auto_error=False)

    def check_auth(credentials: HTTPBasicCredentials | None = Depends(basic)) -> None:
        if auth is None:
            return
        ok = credentials is not None and \
            secrets.compare_digest(credentials.username.encode(), auth[0].encode()) & \
            secrets.compare_digest(credentials.password.encode(), auth[1].encode())
        if not ok:
            raise HTTPException(401, "HTTP basic auth required (user and password of the backend)",
                                headers={"WWW-Authenticate": 'Basic realm="annotate"'})

    app = FastAPI(title="annotate ML backend", docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(check_auth)])
    app.state.model = model
    recalibrator = Recalibrator(recalibrate) if recalibrate else None
    app.state.recalibrator = recalibrator
    retrainer = Recalibrator(retrain, learn_quiet, "retraining") if retrain else None
    app.state.retrainer = retrainer

    @app.exception_handler(BadRequest)
    async def _bad_request(request: Request, exc: BadRequest):
        log.info("%s %s refused (%d): %s", request.method, request.url.path, exc.status, exc)
        return JSONResponse({"error": str(exc)}, status_code=exc.status)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        return JSONResponse({"error": " ".join(str(exc.detail).split())}, status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        return JSONResponse({"error": "invalid request"}, status_code=422)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception):
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"error": " ".join(f"internal error: {type(exc).__name__}: {exc}".split())[:500]},
                            status_code=500)

    @app.get("/health")
    @app.get("/")
    def health():
        out = {"status": "UP", "model_class": "RulesModel", "model_version": model.model_version}
        if retrainer is not None:  # learning on: how many retrainings ran, why the last one kept the old model
            out["learn"] = {"runs": retrainer.runs, "last_error": retrainer.last_error}
        return out

    @app.post("/setup")
    async def setup(request: Request):
        body = await read_json(request)
        read_config(body.get("schema") or body.get("label_config"), model.scheme)
        return {"model_version": model.model_version}

    @app.post("/predict")
    async def predict(request: Request):
        body = await read_json(request)
        results = await run_in_threadpool(model.predict, body.get("tasks"), body.get("label_config"))
        return {"results": results, "model_version": model.model_version}

    @app.post("/webhook")
    async def webhook(request: Request):
        body = await read_json(request)
        action = body.get("action")
        project = body.get("project")
        project_id = project.get("id") if isinstance(project, dict) else project
        if action not in CALIBRATING_ACTIONS:
            return {"status": "ignored", "action": action}
        if not isinstance(project_id, int) or isinstance(project_id, bool):
            raise BadRequest(f"webhook {action} without a project id")
        if retrainer is not None:
            retrainer.schedule(project_id)
        if recalibrator is None:
            return {"status": "retraining scheduled" if retrainer else "ignored", "action": action}
        recalibrator.schedule(project_id)
        return {"status": "calibration scheduled", "action": action, "project": project_id,
                **({"retraining": "scheduled"} if retrainer else {})}

    @app.get("/versions")
    def versions():
        return {"versions": [model.model_version]}

    return app


def serve(host: str, port: int, log_level: str = "info") -> None:
    """Load the model once, then serve until interrupted (uvicorn, one process)."""
    import uvicorn

    from .process import is_loopback

    auth = basic_auth_from_env()
    if not is_loopback(host) and auth is None:
        raise BadRequest(f"--host {host} opens the backend beyond this machine: set {USER_ENV} and "
                         f"{PASSWORD_ENV} (HTTP basic auth) first")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    learn = os.environ.get(LEARN_ENV)
    if learn and not os.environ.get("ANNOTATE_MODEL") and os.path.isfile(os.path.join(learn, "meta.json")):
        os.environ["ANNOTATE_MODEL"] = learn  # the model an earlier run learned
    model = RulesModel()
    log.info("model %s loaded; serving on http://%s:%d%s%s", model.model_version, host, port,
             " with basic auth" if auth else "", f"; learning into {learn}" if learn else "")
    app = create_app(model, auth, retrain=_retrain_from_studio(model, learn) if learn else None)
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5)
