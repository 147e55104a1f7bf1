"""One-line errors for the Label Studio commands, and the redaction of secrets.

Every failure the user can meet (server down, wrong URL, bad token, duplicate
project title, timeout, bad input) ends as a `StudioError` whose message is one
line naming the problem and the fix. The CLI prints it and exits non-zero.
"""
from __future__ import annotations

import re

# Exit codes of the commands.
EXIT_FAULT = 1       # the job could not be done (server, network, configuration)
EXIT_BAD_INPUT = 2   # the job was done, but some input was bad and skipped (reported)
EXIT_INTERRUPTED = 130

_secrets: set[str] = set()

# JWTs and long opaque tokens that may slip into a server's error text.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]+)?")
# The password of a URL with credentials (scheme://user:password@host), however short.
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)[^/\s@]+@")


class StudioError(Exception):
    """A problem with a clear one-line message (already redacted)."""

    def __init__(self, message: str, code: int = EXIT_FAULT, status: int | None = None,
                 ambiguous: bool = False):
        super().__init__(redact(" ".join(str(message).split())))
        self.code = code
        self.status = status          # the HTTP status behind it, if any
        # True when a write may or may not have been applied (timeout, dropped
        # connection, 5xx): the caller must check before it retries.
        self.ambiguous = ambiguous

    @property
    def message(self) -> str:
        return str(self)


def register_secret(value: str | None) -> None:
    """Remember a secret so that `redact` hides it wherever it appears."""
    if value and len(value) >= 6:
        _secrets.add(value)


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, "***")
    text = _URL_PASSWORD.sub(r"\1***@", text)
    return _JWT.sub("***", text)
