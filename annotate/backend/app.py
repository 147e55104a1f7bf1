"""The ML backend's HTTP side: FastAPI routes for Label Studio's ML backend protocol.

    GET  /health   {"status": "UP", "model_class": "RulesModel", "model_version": …}
    POST /setup    {"project": "12.1700000000", "schema": "<View>…", …} → {"model_version": …}
    POST /predict  {"tasks": [{"id": 1, "data": {"text": …}}, …], "label_config": "<View>…", …}
                   → {"results": [{"result": […], "score": 0.87, "model_version": …,
                                   "calibration": "12@…"}, …]}
                   (one prediction per task, in order, scored with the project's calibration;
                   Label Studio 1.23 ml/models.py reads result, score and model_version)
    POST /webhook  {"action": "ANNOTATION_CREATED", "project": {"id": 12, …}, …} → recalibrates (and, with
                   ANNOTATE_LEARN=MODEL_DIR, retrains the model beside the rules and swaps it in)
                   (needs the X-Annotate-Webhook-Secret header `studio connect` registers)
    GET  /versions {"versions": [model_version]}

Every refusal is a 4xx with one line of JSON, {"error": "…"}; the server goes on;
a bug is a 500 whose body says nothing but that (the details go to the log).
Guard checks every request before a route sees it: Host and Origin, auth, JSON
content type, and the body's size, read time and the memory all bodies in flight
may hold. With ANNOTATE_BACKEND_USER and ANNOTATE_BACKEND_PASSWORD set, every
route asks for HTTP basic auth (what Label Studio sends when the backend is
registered with auth_method BASIC_AUTH).
"""
from __future__ import annotations

import asyncio
import base64
import binascii
import ipaddress
import json
import logging
import os
import re
import secrets
import threading
import time
from typing import Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from annotate.labelstudio.backends import WEBHOOK_HEADER, WEBHOOK_SECRET_ENV
from annotate.nlp import MODEL_ENV

from .model import BadRequest, RulesModel, read_config

log = logging.getLogger("annotate.backend")

MAX_BODY_BYTES = 64 * 1024 * 1024  # a batch of 100 long articles fits many times over
# Bodies being read or handled at once may hold this much in all; a request that would go
# beyond waits for nothing: it gets 503 at once (Label Studio retries a prediction later).
BODY_BUDGET_BYTES = 2 * MAX_BODY_BYTES
READ_TIMEOUT_ENV = "ANNOTATE_BACKEND_READ_TIMEOUT"
READ_IDLE_TIMEOUT = 10.0   # seconds a client may send nothing while its body is unfinished …
READ_TOTAL_FACTOR = 12     # … and the whole body must arrive within this many times that
MAX_CONNECTIONS = 32       # uvicorn's limit_concurrency: beyond it, 503
MAX_WATCHED = 1024         # projects whose calibration file is watched at once
USER_ENV, PASSWORD_ENV = "ANNOTATE_BACKEND_USER", "ANNOTATE_BACKEND_PASSWORD"
CALIBRATING_ACTIONS = {"ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED", "ANNOTATIONS_DELETED"}
INTERNAL_ERROR = "internal error — the backend's log has the details"
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def _credential_problem(name: str, value: str, user: bool) -> str | None:
    if not value.isascii() or not value.isprintable():
        return (f"{name} holds characters HTTP basic auth cannot carry the same way in every client "
                f"(only printable ASCII works)")
    if user and ":" in value:
        return f"{name} holds a colon, which HTTP basic auth cannot carry in a user name"
    return None


def basic_auth_from_env() -> tuple[str, str] | None:
    """(user, password) from the environment, or None; BadRequest when they cannot work (a
    non-ASCII password would be accepted here and then refused on every request)."""
    user, password = os.environ.get(USER_ENV, ""), os.environ.get(PASSWORD_ENV, "")
    if not (user and password):
        return None
    problem = _credential_problem(USER_ENV, user, True) or _credential_problem(PASSWORD_ENV, password, False)
    if problem:
        raise BadRequest(problem)
    return user, password


def read_timeout() -> float:
    try:
        value = float(os.environ.get(READ_TIMEOUT_ENV) or READ_IDLE_TIMEOUT)
    except ValueError:
        value = READ_IDLE_TIMEOUT
    return value if value > 0 else READ_IDLE_TIMEOUT


def _first_lone_surrogate(value: object) -> str | None:
    """Where a string in the parsed body holds a lone surrogate (a \\ud800 escape: JSON, not
    Unicode text), as a path such as tasks[0].data.text; None when there is none. Iterative:
    any depth, linear in the body."""
    stack = [(value, "body")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where
        elif isinstance(item, dict):
            for key, v in item.items():
                name = f"{where}.{key}" if isinstance(key, str) and key.isidentifier() else f"{where}[…]"
                stack.append((key, f"{where} (a key)"))
                stack.append((v, name))
        elif isinstance(item, list):
            stack.extend((v, f"{where}[{i}]") for i, v in enumerate(item))
    return None


async def read_json(request: Request) -> dict:
    """The request body (already read, within its limits, by Guard) as a JSON object;
    BadRequest (one line) for anything else."""
    raw = await request.body()
    try:
        text = raw.decode("utf-8")  # strict: json.loads(bytes) would let encoded surrogates through
    except UnicodeDecodeError as e:
        raise BadRequest(f"the request body is not UTF-8 (byte {e.start})") from None
    try:
        body = json.loads(text)
    except RecursionError:
        raise BadRequest("the request body is nested too deeply") from None
    except (ValueError, UnicodeDecodeError) as e:
        raise BadRequest(f"the request body is not JSON: {e}") from None
    if not isinstance(body, dict):
        raise BadRequest("the request body must be a JSON object")
    if _SURROGATE_ESCAPE.search(raw):  # only a \\udXXX escape can make a lone surrogate
        where = _first_lone_surrogate(body)
        if where:
            raise BadRequest(f"{where} holds a lone surrogate escape (\\ud800–\\udfff): not Unicode text", 422)
    return body


def _header_host(value: str) -> str:
    value = value.strip()
    if value.startswith("["):
        return value[1:value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _is_loopback_name(host: str) -> bool:
    host = host.lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Guard:
    """The checks every request passes before a route sees it (pure ASGI, so nothing is read
    that a refusal would not need):

    * on a loopback address, the Host header must name this machine (a web page cannot reach
      the backend by DNS rebinding), and no request may carry a foreign Origin (a page in the
      annotator's browser posting to localhost);
    * HTTP basic auth when configured; /webhook without it needs the webhook secret header;
    * POST bodies must be application/json (a browser cannot send that cross-site without a
      CORS preflight, which this server never grants);
    * the body is read here, up to MAX_BODY_BYTES, with a deadline (READ_IDLE_TIMEOUT without a
      byte, READ_TOTAL_FACTOR times that in all: 408), and all bodies in flight share
      BODY_BUDGET_BYTES (503 beyond), so stalled clients hold neither memory nor the server.

    Every refusal is one line of JSON and closes the connection."""

    def __init__(self, app, *, auth: tuple[str, str] | None, loopback_only: bool,
                 webhook_secret: Callable[[], str | None] | None, idle_timeout: float | None = None,
                 max_body: int = MAX_BODY_BYTES, budget: int = BODY_BUDGET_BYTES):
        self.app, self.auth, self.loopback_only = app, auth, loopback_only
        self.webhook_secret = webhook_secret
        self.idle = idle_timeout or read_timeout()
        self.max_body, self.budget = max_body, budget
        self.in_flight = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers: dict[str, str] = {}
        for k, v in scope.get("headers") or ():
            headers[k.decode("latin-1").lower()] = v.decode("latin-1")
        refusal = self.refusal(scope, headers)
        if refusal is not None:
            return await _refuse(send, *refusal)
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        await self.read_then_call(scope, receive, send, headers)

    def refusal(self, scope, headers) -> tuple | None:
        host = headers.get("host", "")
        if self.loopback_only and host and not _is_loopback_name(_header_host(host)):
            return 403, f"Host {host[:100]!r} is not this machine's loopback address"
        origin = headers.get("origin")
        if origin is not None:
            netloc = origin.split("://", 1)[-1].rstrip("/")
            if origin == "null" or netloc.lower() != host.lower():
                return 403, "requests from web pages (another Origin) are refused"
        if self.auth is not None and not self.authorized(headers.get("authorization", "")):
            return 401, "HTTP basic auth required (user and password of the backend)", \
                [(b"www-authenticate", b'Basic realm="annotate"')]
        path = scope.get("path", "")
        if path.rstrip("/") == "/webhook" and self.auth is None:
            expected = self.webhook_secret() if self.webhook_secret else None
            given = headers.get(WEBHOOK_HEADER.lower(), "")
            if not expected:
                return 403, (f"webhooks are refused: no webhook secret here (set {WEBHOOK_SECRET_ENV}, or the "
                             f"Label Studio token the backend calibrates with)")
            if not secrets.compare_digest(given.encode("latin-1"), expected.encode("latin-1")):
                return 403, (f"webhook without the right {WEBHOOK_HEADER} header — run `annotate studio connect` "
                             f"again to register it")
        if scope["method"] in ("POST", "PUT", "PATCH"):
            media = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if media != "application/json":
                return 415, f"the body must be application/json, not {media or 'untyped'}"
            size = headers.get("content-length", "")
            if size.isdigit() and int(size) > self.max_body:
                return 413, f"request body of {int(size):,} bytes; the limit is {self.max_body:,}"
        return None

    def authorized(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, sep, password = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, ValueError):
            return False
        ok_user = secrets.compare_digest(user.encode(), self.auth[0].encode())
        ok_password = secrets.compare_digest(password.encode(), self.auth[1].encode())
        return bool(sep) and ok_user and ok_password

    async def read_then_call(self, scope, receive, send, headers) -> None:
        size = headers.get("content-length", "")
        reserved = int(size) if size.isdigit() else 0
        if self.in_flight + reserved > self.budget:
            return await _refuse(send, 503, "busy: too many large requests at once; try again",
                                 [(b"retry-after", b"5")])
        self.in_flight += reserved
        try:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.idle * READ_TOTAL_FACTOR
            buf = bytearray()
            while True:
                wait = min(self.idle, deadline - loop.time())
                try:
                    if wait <= 0:
                        raise asyncio.TimeoutError
                    message = await asyncio.wait_for(receive(), wait)
                except asyncio.TimeoutError:
                    log.info("%s %s: body not received in time (%d bytes so far)", scope["method"],
                             scope.get("path"), len(buf))
                    return await _refuse(send, 408, "the request body did not arrive in time")
                if message["type"] == "http.disconnect":
                    return
                chunk = message.get("body", b"")
                if len(buf) + len(chunk) > self.max_body:
                    return await _refuse(send, 413, f"request body over {self.max_body:,} bytes")
                grow = len(buf) + len(chunk) - reserved
                if grow > 0:  # a body without Content-Length (or longer than it said)
                    if self.in_flight + grow > self.budget:
                        return await _refuse(send, 503, "busy: too many large requests at once; try again",
                                             [(b"retry-after", b"5")])
                    self.in_flight += grow
                    reserved += grow
                buf += chunk
                if not message.get("more_body"):
                    break
            body = bytes(buf)
            del buf
            delivered = False

            async def replay():
                nonlocal delivered
                if not delivered:
                    delivered = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
        finally:
            self.in_flight -= reserved


async def _refuse(send, status: int, message: str, headers=()) -> None:
    payload = json.dumps({"error": " ".join(message.split())}, ensure_ascii=False).encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": payload})


def project_id_of(body: dict) -> int | None:
    """The project a /predict request is for: Label Studio sends "project": "<id>.<created
    timestamp>" and each task's "project": <id>."""
    value = body.get("project")
    if isinstance(value, str) and re.fullmatch(r"\d{1,12}(\.\d+)?", value.strip()):
        return int(value.strip().split(".")[0])
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    tasks = body.get("tasks")
    if isinstance(tasks, list) and tasks and isinstance(tasks[0], dict):
        value = tasks[0].get("project")
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return None


class ProjectCalibrations:
    """Each project's calibration file (annotate.calibration.project_file), watched: a changed
    file is read at the next request; a corrupt one is refused once, in the log, and the
    project's last good calibration stays in use."""

    def __init__(self, folder: Callable[[], object]):
        self.folder = folder
        self.watched: dict = {}
        self.lock = threading.Lock()

    def __call__(self, project_id: int | None):
        from pathlib import Path

        from annotate.calibration import Watched

        if project_id is None:
            return None
        with self.lock:
            w = self.watched.get(project_id)
            if w is None:
                if len(self.watched) >= MAX_WATCHED:  # any client may name any project id
                    self.watched.pop(next(iter(self.watched)))
                try:
                    folder = self.folder()
                except Exception as e:  # noqa: BLE001 — no calibration rather than no prediction
                    log.warning("no calibration folder: %s", " ".join(str(e).split()))
                    return None
                w = self.watched[project_id] = Watched(
                    Path(folder) / f"{project_id}.json",
                    on_refused=lambda reason: log.error("calibration refused (the project's last good one, if "
                                                        "any, stays in use): %s", reason))
        return w.current()


def _default_webhook_secret() -> str | None:
    from annotate.labelstudio.backends import webhook_secret

    return webhook_secret()


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
# Articles with gold to train on besides the project's tasks (os.pathsep-separated): gold files, and
# the articles or folders they annotate (`studio connect --learn DIR --learn-gold G --learn-with PATH`)
LEARN_GOLD_ENV = "ANNOTATE_LEARN_GOLD"
LEARN_WITH_ENV = "ANNOTATE_LEARN_WITH"
LEARN_QUIET = 5.0             # seconds after the last annotation webhook before retraining


def _env_list(name: str) -> list[str]:
    return [p for p in os.environ.get(name, "").split(os.pathsep) if p]


def _retrain_from_studio(model: RulesModel, out: str) -> Callable[[int], object]:
    base: list = []   # the base articles, read once (the first retraining), then reused

    def run(project_id: int) -> None:
        from pathlib import Path

        from annotate.labelstudio.client import connect
        from annotate.learn.studio import base_samples, retrain_project

        gold, paths = _env_list(LEARN_GOLD_ENV), _env_list(LEARN_WITH_ENV)
        if (gold or paths) and not base:
            base.extend(base_samples(model.nlp, gold, paths, lock=model.lock))
        meta = retrain_project(connect(), project_id, Path(out), model.nlp, lock=model.lock, base=base)
        version = model.use_model(out)  # swapped in under the model's lock: the next prediction uses it
        log.info("retrained on project %s (%d articles) → %s", project_id, meta["data"]["articles"], version)

    return run


def create_app(model: RulesModel, auth: tuple[str, str] | None = None,
               recalibrate: Callable[[int], object] | None = _calibrate_from_studio,
               calibrations: Callable[[int | None], object] | None = None, loopback_only: bool = False,
               webhook_secret: Callable[[], str | None] | None = _default_webhook_secret,
               idle_timeout: float | None = None,
               retrain: Callable[[int], object] | None = None, learn_quiet: float = LEARN_QUIET) -> FastAPI:
    """The app. `calibrations(project_id)` gives the calibration for a /predict request's project
    (None: catalogue confidences); `loopback_only`: the Host header must be a loopback name;
    `retrain(project_id)`: retrain the model beside the rules after annotation events."""
    app = FastAPI(title="annotate ML backend", docs_url=None, redoc_url=None, openapi_url=None)
    app.add_middleware(Guard, auth=auth, loopback_only=loopback_only, webhook_secret=webhook_secret,
                       idle_timeout=idle_timeout)
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
        # The details (exception text, paths) go to the log only, never to the client.
        log.exception("%s %s failed", request.method, request.url.path)
        return JSONResponse({"error": INTERNAL_ERROR}, status_code=500)

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
        calibration = calibrations(project_id_of(body)) if calibrations else None
        results = await run_in_threadpool(model.predict, body.get("tasks"), body.get("label_config"), calibration)
        return {"results": results, "model_version": model.model_version}

    @app.post("/webhook")
    async def webhook(request: Request):
        body = await read_json(request)
        action = body.get("action")
        project = body.get("project")
        project_id = project.get("id") if isinstance(project, dict) else project
        if not isinstance(action, str) or action not in CALIBRATING_ACTIONS:
            return {"status": "ignored", "action": action if isinstance(action, str) else None}
        if not isinstance(project_id, int) or isinstance(project_id, bool) or project_id <= 0:
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


def serve(host: str, port: int, log_level: str = "info", disabled=()) -> None:
    """Load the model once (`disabled` rule ids off), then serve until interrupted (uvicorn, one process)."""
    import uvicorn

    from annotate.labelstudio.calibrate import calibration_dir

    from .process import is_loopback

    auth = basic_auth_from_env()
    if not is_loopback(host) and auth is None:
        raise BadRequest(f"--host {host} opens the backend beyond this machine: set {USER_ENV} and "
                         f"{PASSWORD_ENV} (HTTP basic auth) first")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    learn = os.environ.get(LEARN_ENV)
    if learn and not os.environ.get(MODEL_ENV) and os.path.isfile(os.path.join(learn, "meta.json")):
        os.environ[MODEL_ENV] = learn  # the model an earlier run learned
    if disabled:
        from annotate.nlp import load_nlp

        model = RulesModel(load_nlp(disabled))
    else:
        model = RulesModel()
    log.info("model %s loaded; serving on http://%s:%d%s%s", model.model_version, host, port,
             " with basic auth" if auth else "", f"; learning into {learn}" if learn else "")
    app = create_app(model, auth, calibrations=ProjectCalibrations(calibration_dir),
                     loopback_only=is_loopback(host), retrain=_retrain_from_studio(model, learn) if learn else None)
    uvicorn.run(app, host=host, port=port, log_level=log_level, timeout_graceful_shutdown=5,
                limit_concurrency=MAX_CONNECTIONS, timeout_keep_alive=5)
