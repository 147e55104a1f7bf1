"""The local studio's admin credentials and personal access token.

Label Studio 1.23 disables legacy tokens on a fresh server; a personal access
token (a JWT *refresh* token) is obtained by logging in with the admin's
credentials (GET /user/login/ for the CSRF cookie, POST the form) and
POST /api/token/. The server hands a token out only once (a second POST answers
409 until the first is revoked), so it is stored on first use in a 0600 file.
The SDK exchanges it for short-lived access tokens itself.

Nothing here prints or logs a secret; `errors.register_secret` makes sure an
error message that quotes one is redacted.
"""
from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx

from annotate.atomic import atomic_write

from .errors import StudioError, register_secret

DEFAULT_USERNAME = "admin@annotate.local"


def write_secret(path: Path, text: str) -> None:
    """Write `text` to `path` atomically with mode 0600 (never readable by others, not even briefly)."""
    atomic_write(path, text, mode=0o600)


def read_secret(path: Path) -> str | None:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if value:
        register_secret(value)
    return value or None


@dataclass
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never show the password
        return f"Credentials(username={self.username!r}, password=***)"


def load_or_create_credentials(path: Path) -> Credentials:
    """The admin user of the local studio.

    LABEL_STUDIO_USERNAME / LABEL_STUDIO_PASSWORD win when set; otherwise the
    saved pair; otherwise a generated password for DEFAULT_USERNAME. Saved 0600.
    """
    saved: dict = {}
    raw = read_secret(path)
    if raw:
        with contextlib.suppress(ValueError):
            saved = json.loads(raw)
    username = os.environ.get("LABEL_STUDIO_USERNAME") or saved.get("username") or DEFAULT_USERNAME
    password = os.environ.get("LABEL_STUDIO_PASSWORD") or saved.get("password") or secrets.token_urlsafe(18)
    register_secret(password)
    if saved.get("username") != username or saved.get("password") != password:
        write_secret(path, json.dumps({"username": username, "password": password}))
    return Credentials(username, password)


class TokenAlreadyIssued(StudioError):
    """The server already handed out this user's token (409) and we do not have it."""


def request_token(url: str, creds: Credentials, timeout: float = 30.0) -> str:
    """Log in through the web form and create the user's personal access token."""
    base = url.rstrip("/")
    try:
        with httpx.Client(base_url=base, timeout=timeout, follow_redirects=False) as c:
            c.get("/user/login/")
            csrf = c.cookies.get("csrftoken")
            if not csrf:
                raise StudioError(f"{base} did not hand out a CSRF cookie on /user/login/ — is this Label Studio?")
            r = c.post("/user/login/", data={"email": creds.username, "password": creds.password,
                                             "csrfmiddlewaretoken": csrf},
                       headers={"Referer": f"{base}/user/login/"})
            if r.status_code != 302 or "sessionid" not in c.cookies:
                raise StudioError(
                    f"could not log in to {base} as {creds.username} — the saved password does not match the "
                    f"server's user; set LABEL_STUDIO_PASSWORD to the right one, or remove the studio folder "
                    f"to start afresh")
            headers = {"X-CSRFToken": c.cookies.get("csrftoken") or csrf, "Referer": f"{base}/"}
            r = c.post("/api/token/", headers=headers)
            if r.status_code == 409:
                raise TokenAlreadyIssued(f"{base} already issued a token for {creds.username}")
            if r.status_code not in (200, 201):
                raise StudioError(f"{base} refused to create an API token (HTTP {r.status_code})")
            token = r.json().get("token")
    except httpx.HTTPError as e:
        raise StudioError(f"cannot reach Label Studio at {base} to log in ({type(e).__name__})") from None
    if not token:
        raise StudioError(f"{base} answered /api/token/ without a token")
    register_secret(token)
    return token
