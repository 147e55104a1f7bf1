"""The SDK client, where it points, bounded retries and error translation.

Where: LABEL_STUDIO_URL + LABEL_STUDIO_API_KEY (the SDK's own variables) for a
team's server; otherwise the local studio's saved URL and token
(`annotate studio up`).

Retries: the SDK's own retries are switched off (it would also retry POSTs that
may already have been applied). `Connection.call` retries a connection error
(the request never reached the server) for any call, and a dropped connection
or a 5xx only for idempotent calls, with exponential back-off, 3 attempts.

Errors: every HTTP/SDK failure becomes a `StudioError` with one line naming
the problem and the fix; secrets are redacted from it.
"""
from __future__ import annotations

import base64
import json
import os
import random
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar
from urllib.parse import unquote, urlsplit

import httpx

from .errors import StudioError, register_secret

T = TypeVar("T")

ATTEMPTS = 3
BACKOFF = 0.5  # seconds, doubled each attempt


def default_timeout() -> float:
    try:
        return float(os.environ.get("ANNOTATE_STUDIO_TIMEOUT") or 60)
    except ValueError:
        return 60.0


@dataclass
class Target:
    url: str
    token: str = field(repr=False)
    source: str  # "env" (LABEL_STUDIO_URL/LABEL_STUDIO_API_KEY) or "studio" (the local one)

    def __post_init__(self):
        self.url = self.url.rstrip("/")
        register_secret(self.token)


def register_url_secrets(url: str) -> None:
    """A password in the URL (http://user:password@host) is a secret: redacted wherever it appears."""
    try:
        password = urlsplit(url).password
    except ValueError:
        return
    if password:
        register_secret(password)
        register_secret(unquote(password))


def resolve_target() -> Target:
    url = os.environ.get("LABEL_STUDIO_URL", "").strip()
    key = os.environ.get("LABEL_STUDIO_API_KEY", "").strip()
    register_url_secrets(url)
    if url and key:
        return Target(url, key, "env")
    if url and not key:
        raise StudioError("LABEL_STUDIO_URL is set but LABEL_STUDIO_API_KEY is not — set both for a team server "
                          "(the key is your Personal Access Token), or unset LABEL_STUDIO_URL to use the local studio")
    if key and not url:
        raise StudioError("LABEL_STUDIO_API_KEY is set but LABEL_STUDIO_URL is not — set both for a team server, "
                          "or unset LABEL_STUDIO_API_KEY to use the local studio")
    from .server import Studio

    studio = Studio.from_env()
    url, token = studio.url, studio.token()
    if not url or not token:
        raise StudioError("no Label Studio configured — run `annotate studio up` for a local server, or set "
                          "LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY for a team server")
    return Target(url, token, "studio")


def _hint(target: Target) -> str:
    if target.source == "studio":
        return "is it running? try `annotate studio up`"
    return "check LABEL_STUDIO_URL and that the server is running"


def _detail(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("validation_errors", "detail", "message", "error"):
            if body.get(key):
                value = body[key]
                return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return json.dumps(body, ensure_ascii=False)[:300]
    if isinstance(body, str):
        text = body.strip()
        if text.startswith("<"):
            return "an HTML page"
        return text[:300]
    return str(body)[:300]


def translate(exc: BaseException, target: Target, what: str = "") -> StudioError:
    """The one-line StudioError for an exception raised while talking to Label Studio."""
    from label_studio_sdk.core.api_error import ApiError

    url = target.url
    doing = f" while {what}" if what else ""
    if isinstance(exc, StudioError):
        return exc
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return StudioError(f"cannot reach Label Studio at {url} — {_hint(target)}")
    if isinstance(exc, httpx.TimeoutException):
        return StudioError(f"Label Studio at {url} did not answer within {default_timeout():g} s{doing} — "
                           f"it may be overloaded; try again, or raise ANNOTATE_STUDIO_TIMEOUT", ambiguous=True)
    if isinstance(exc, httpx.UnsupportedProtocol) or isinstance(exc, httpx.InvalidURL):
        return StudioError(f"{url} is not a valid http(s) URL — check LABEL_STUDIO_URL")
    if isinstance(exc, httpx.HTTPError):
        return StudioError(f"the connection to Label Studio at {url} failed{doing} ({type(exc).__name__}) — "
                           f"{_hint(target)}", ambiguous=True)
    if isinstance(exc, ApiError):
        status = exc.status_code
        detail = _detail(exc.body)
        if status in (401, 403):
            fix = ("run `annotate studio up` to renew the local token" if target.source == "studio"
                   else "check LABEL_STUDIO_API_KEY (a Personal Access Token from Account & Settings)")
            if status == 403 and "permission" in detail.lower():
                return StudioError(f"Label Studio at {url} refused access{doing} (403: {detail}) — "
                                   f"ask an admin for access to the project", status=status)
            state = jwt_state(target.token)
            if state == "valid":  # not expired, yet refused: forged, revoked, or another server's
                return StudioError(f"the API token is invalid: Label Studio at {url} rejected it ({status}), and "
                                   f"it is still within its validity (forged, revoked or from another server) "
                                   f"— {fix}", status=status)
            expired = state == "expired" or (state is None and "expired" in detail.lower())
            why = "has expired" if expired else "was rejected"
            return StudioError(f"the API token {why} by Label Studio at {url} ({status}) — {fix}", status=status)
        if status == 404:
            return StudioError(f"Label Studio at {url} answered 404 (not found){doing} — check LABEL_STUDIO_URL "
                               f"(the server's root, e.g. http://host:8080, no /api suffix)", status=status)
        if status is not None and status >= 500:
            return StudioError(f"Label Studio at {url} failed{doing} (HTTP {status}) — see the server's log "
                               f"(`.studio/server.log` for the local one) and try again", status=status,
                               ambiguous=True)
        return StudioError(f"Label Studio at {url} refused the request{doing} (HTTP {status}: {detail})",
                           status=status)
    if isinstance(exc, (json.JSONDecodeError, ValueError)) and "Expecting value" in str(exc):
        return StudioError(f"{url} does not look like a Label Studio server (it did not answer in JSON) — "
                           f"check LABEL_STUDIO_URL")
    return StudioError(f"talking to Label Studio at {url} failed{doing}: {type(exc).__name__}: {exc}")


def jwt_state(token: str) -> str | None:
    """"expired" or "valid" by the `exp` claim of a JWT (read, not verified: only the server can
    verify it), None for a token that is not a JWT (a legacy token) or has no `exp`. The server
    answers "invalid or expired" for both, so this tells the user which."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
        exp = float(payload["exp"])
    except (ValueError, TypeError, KeyError):
        return None
    return "expired" if exp <= time.time() else "valid"


def _retryable(exc: BaseException, idempotent: bool) -> bool:
    from label_studio_sdk.core.api_error import ApiError

    if isinstance(exc, httpx.ConnectError):
        return True  # never reached the server
    if not idempotent:
        return False
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return True
    if isinstance(exc, ApiError) and exc.status_code is not None and exc.status_code >= 500:
        return True
    return False


class Connection:
    """The SDK client plus retries and error translation."""

    def __init__(self, target: Target | None = None, timeout: float | None = None,
                 attempts: int = ATTEMPTS, backoff: float = BACKOFF):
        from label_studio_sdk import LabelStudio

        self.target = target or resolve_target()
        self.timeout = timeout or default_timeout()
        self.attempts = max(1, attempts)
        self.backoff = backoff
        try:
            self.sdk = LabelStudio(base_url=self.target.url, api_key=self.target.token,
                                   timeout=self.timeout, max_retries=0)
        except Exception as e:  # an expired or malformed JWT fails right here
            raise translate(e, self.target, "checking the API token") from None

    @property
    def url(self) -> str:
        return self.target.url

    def call(self, what: str, fn: Callable[..., T], *args, idempotent: bool = True, **kwargs) -> T:
        delay = self.backoff
        for attempt in range(1, self.attempts + 1):
            try:
                return fn(*args, **kwargs)
            except StudioError:
                raise
            except Exception as e:
                if attempt < self.attempts and _retryable(e, idempotent):
                    time.sleep(delay * (0.75 + random.random() / 2))
                    delay *= 2
                    continue
                raise translate(e, self.target, what) from None
        raise AssertionError("unreachable")

    def request(self, what: str, method: str, path: str, *, params: dict | None = None,
                json_body: Any = None, idempotent: bool | None = None) -> Any:
        """A raw API request through the SDK's HTTP client (auth + token refresh); the decoded JSON."""
        from label_studio_sdk.core.api_error import ApiError

        http = self.sdk._client_wrapper.httpx_client  # the SDK's authenticated HTTP client

        def go():
            r = http.request(path, method=method, params=params, json=json_body,
                             request_options={"max_retries": 0, "timeout_in_seconds": self.timeout})
            if r.status_code >= 400:
                try:
                    body = r.json()
                except ValueError:
                    body = r.text
                raise ApiError(status_code=r.status_code, headers={}, body=body)
            if r.status_code == 204 or not r.content:
                return None
            return r.json()

        if idempotent is None:
            idempotent = method.upper() in ("GET", "HEAD", "PUT", "DELETE")
        return self.call(what, go, idempotent=idempotent)


def connect(timeout: float | None = None) -> Connection:
    return Connection(resolve_target(), timeout=timeout)
