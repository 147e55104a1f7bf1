"""Register the ML backend with a project (`annotate studio connect`).

Creates the project (with the scheme's labeling config) if it is missing,
registers the backend through the SDK (ml.create, or ml.update when the same
URL is registered already; Label Studio itself checks /health and /setup),
and turns on automatic prediction in the project's settings (Label Studio
1.23.2):

* show_collab_predictions = true — annotators see predictions; opening a task
  that has none asks the backend (tasks/api.py);
* evaluate_predictions_automatically = true — Data Manager asks the backend for
  tasks shown without predictions ("retrieve predictions automatically");
* model_version = the backend's model_version — the prediction shown in the
  labeling interface is the one of this version. Label Studio accepts there only
  a backend's title or a version that has predictions already, so the backend is
  registered with its model_version as its title (and renamed when the rules
  change and `connect` runs again).

Data Manager's "Retrieve Predictions" action (retrieve_tasks_predictions) then
fills a selection; interactive pre-annotation is on (is_interactive).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

import httpx

from .client import Connection, Target
from .errors import StudioError
from .projects import Project, find_or_create_project

PREDICT_TIMEOUT = 100.0  # seconds Label Studio waits for a /predict answer


@dataclass
class Connected:
    project: Project
    backend_id: int
    url: str
    model_version: str
    created: bool


WEBHOOK_HEADER = "X-Annotate-Webhook-Secret"
WEBHOOK_SECRET_ENV = "ANNOTATE_WEBHOOK_SECRET"


def webhook_secret(target: Target | None = None) -> str | None:
    """The secret the backend's webhook must carry (header X-Annotate-Webhook-Secret):
    ANNOTATE_WEBHOOK_SECRET if set, else derived from the Label Studio token (an HMAC, so the
    token itself is never stored in the webhook). `studio connect` and `serve` compute it alike:
    same token (the local studio's, or LABEL_STUDIO_API_KEY), same secret. None when there is
    neither (then the backend cannot recalibrate anyway)."""
    explicit = os.environ.get(WEBHOOK_SECRET_ENV, "").strip()
    if explicit:
        return explicit
    if target is None:
        from .client import resolve_target
        from .errors import StudioError

        try:
            target = resolve_target()
        except StudioError:
            return None
    return hmac.new(target.token.encode("utf-8"), b"annotate ML backend webhook", hashlib.sha256).hexdigest()


def _ensure_webhook(conn: Connection, project_id: int, url: str, auth: tuple[str, str] | None) -> None:
    """The backend's /webhook on the project's annotation events (Label Studio creates it with the
    backend, without headers): the backend's basic auth, if any, and the webhook secret are added
    here; the backend refuses webhooks without them."""
    import base64

    from .errors import register_secret

    hook_url = url + "/webhook"
    secret = webhook_secret(conn.target)
    register_secret(secret)
    headers = {WEBHOOK_HEADER: secret}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    actions = ["ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_DELETED"]
    hooks = conn.call("listing webhooks", conn.sdk.webhooks.list, project=str(project_id))
    mine = [h for h in hooks if (h.url or "").rstrip("/") == hook_url and getattr(h, "project", None) == project_id]
    if mine:
        conn.call("updating the backend's webhook", conn.sdk.webhooks.update, mine[0].id, url=hook_url,
                  send_payload=True, send_for_all_actions=False, actions=actions, headers=headers, is_active=True)
    else:
        conn.call("adding the backend's webhook", conn.sdk.webhooks.create, project=project_id, url=hook_url,
                  send_payload=True, send_for_all_actions=False, actions=actions, headers=headers,
                  idempotent=False)


# The probe is the client's side of the ML backend protocol (what Label Studio itself asks), so it
# lives here and the backend imports it, not the other way round.
def backend_health(url: str, auth: tuple[str, str] | None = None, timeout: float = 3.0) -> dict | None:
    """The backend's /health answer, or None when it does not answer as an ML backend."""
    try:
        r = httpx.get(url.rstrip("/") + "/health", auth=auth, timeout=timeout)
        body = r.json()
    except (httpx.HTTPError, ValueError):
        return None
    return body if r.status_code == 200 and isinstance(body, dict) and body.get("status") == "UP" else None


def connect_backend(conn: Connection, title: str, url: str,
                    auth: tuple[str, str] | None = None) -> Connected:
    url = url.rstrip("/")
    health = backend_health(url, auth)
    if health is None:
        raise StudioError(f"the ML backend at {url} does not answer /health — start it with `annotate serve` "
                          f"(or leave out --url to start the local one), and check "
                          f"ANNOTATE_BACKEND_USER/ANNOTATE_BACKEND_PASSWORD if it asks for a password")
    version = str(health.get("model_version") or "annotate rules")
    project = find_or_create_project(conn, title)
    auth_fields = ({"auth_method": "BASIC_AUTH", "basic_auth_user": auth[0], "basic_auth_pass": auth[1]}
                   if auth else {"auth_method": "NONE"})
    known = conn.call("listing the project's ML backends", conn.sdk.ml.list, project=project.id)
    same = [b for b in known if (b.url or "").rstrip("/") == url]
    if same:
        backend = conn.call("updating the ML backend", conn.sdk.ml.update, same[0].id, url=url, project=project.id,
                            title=version, is_interactive=True, timeout=PREDICT_TIMEOUT, **auth_fields)
    else:
        backend = conn.call("registering the ML backend", conn.sdk.ml.create, project=project.id, url=url,
                            title=version, is_interactive=True, timeout=PREDICT_TIMEOUT,
                            idempotent=False, **auth_fields)
    backend = conn.call("reading the ML backend", conn.sdk.ml.get, backend.id)
    if backend.state != "CO" or not backend.model_version:
        why = " ".join(str(backend.error_message or backend.readable_state or backend.state).split())
        raise StudioError(f"Label Studio at {conn.url} could not use the ML backend at {url} ({why}) — "
                          f"is the URL reachable from the Label Studio server?")
    _ensure_webhook(conn, project.id, url, auth)
    conn.call("turning on automatic prediction", conn.sdk.projects.update, project.id,
              show_collab_predictions=True, evaluate_predictions_automatically=True,
              model_version=backend.model_version)
    return Connected(project, backend.id, url, backend.model_version, created=not same)
