"""The embedded local Label Studio: its own venv, data folder, process and token.

Layout of the studio folder (ANNOTATE_STUDIO_HOME, default <repo or cwd>/.studio,
git-ignored):

    venv/          label-studio==1.23.2 in its own virtual environment (it pins
                   Django, pytz and label-studio-sdk exactly, so it never goes
                   into the project's Python); ANNOTATE_STUDIO_VENV overrides
    data/          LABEL_STUDIO_BASE_DATA_DIR: the SQLite database, media, exports
    server.log     the server's output
    server.pid     the pid of the process `up` started (`down` stops it by pid)
    studio.json    url, port, user (no secret)
    credentials    admin user and password, JSON (0600)
    token          the personal access token (0600)
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import httpx

from annotate.atomic import atomic_write
from annotate.logged_run import run_logged as _run_logged  # also `make install`'s
from annotate.process import HOST, alive, free_port_after, port_busy, read_pid, read_state, terminate

from . import auth
from .errors import StudioError

LABEL_STUDIO_VERSION = "1.23.2"
DEFAULT_PORT = 8080
VENV_MARKER = ".annotate-studio-venv"  # written into a venv we created (so we may rebuild it)
START_TIMEOUT = 180.0  # first start migrates the database (~30 s); later starts take ~3 s

_PORT_LINE = re.compile(r"Starting development server at https?://[^\s:/]+:(\d+)/")

# Environment variables of the caller that Label Studio would read (it looks up
# NAME, LABEL_STUDIO_NAME and HEARTEX_NAME) and that must not leak into the
# local server: a team server's settings, a stray HOST or PORT, …
_DROP_PLAIN = {"HOST", "PORT", "USERNAME", "PASSWORD", "USER_TOKEN", "DATABASE_NAME", "BASE_DATA_DIR",
               "DJANGO_SETTINGS_MODULE", "DJANGO_DB", "DEBUG", "SECRET_KEY"}


def project_root(start: Path | None = None) -> Path:
    """The enclosing git checkout (a folder with .git), else the current folder."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


@dataclass
class Studio:
    home: Path
    venv: Path

    @classmethod
    def from_env(cls) -> "Studio":
        home = Path(os.environ.get("ANNOTATE_STUDIO_HOME") or project_root() / ".studio").expanduser().resolve()
        venv = Path(os.environ.get("ANNOTATE_STUDIO_VENV") or home / "venv").expanduser().absolute()
        return cls(home=home, venv=venv)

    # -- paths --------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"

    @property
    def install_log(self) -> Path:
        return self.home / "install.log"

    @property
    def pid_file(self) -> Path:
        return self.home / "server.pid"

    @property
    def state_file(self) -> Path:
        return self.home / "studio.json"

    @property
    def admin_file(self) -> Path:
        return self.home / "credentials"

    @property
    def token_file(self) -> Path:
        return self.home / "token"

    @property
    def executable(self) -> Path:
        return self.venv / "bin" / "label-studio"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    # -- state --------------------------------------------------------------
    def state(self) -> dict:
        return read_state(self.state_file)

    def _save_state(self, **changes) -> dict:
        state = {**self.state(), **changes}
        atomic_write(self.state_file, json.dumps(state, indent=1))
        return state

    @property
    def url(self) -> str | None:
        return self.state().get("url")

    def token(self) -> str | None:
        return auth.read_secret(self.token_file)

    def pid(self) -> int | None:
        return read_pid(self.pid_file)

    def running_pid(self) -> int | None:
        pid = self.pid()
        return pid if pid and _is_label_studio(pid) else None

    # -- the venv -------------------------------------------------------------
    def venv_version(self) -> str | None:
        if not self.executable.exists() or not self.python.exists():
            return None
        try:
            out = subprocess.run(
                [str(self.python), "-c",
                 "import importlib.metadata as m; print(m.version('label-studio'))"],
                capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    def ensure_venv(self, say: Callable[[str], object] = print) -> None:
        """Create the server's venv on first use: python -m venv + pip install label-studio==1.23.2."""
        version = self.venv_version()
        if version == LABEL_STUDIO_VERSION:
            return
        marker = self.venv / VENV_MARKER
        if self.venv.exists():
            if not marker.exists():
                raise StudioError(
                    f"{self.venv} has label-studio {version or 'missing'}, "
                    f"expected {LABEL_STUDIO_VERSION} — point ANNOTATE_STUDIO_VENV at a venv with "
                    f"label-studio=={LABEL_STUDIO_VERSION}, or unset it to let `annotate studio up` build one")
            shutil.rmtree(self.venv)  # a venv of ours, half built (an interrupted install) or outdated
        self.home.mkdir(parents=True, exist_ok=True)
        say(f"installing label-studio {LABEL_STUDIO_VERSION} into {self.venv} (once; 2–3 minutes) …")
        try:
            with open(self.install_log, "w", encoding="utf-8") as log:
                for cmd in ([sys.executable, "-m", "venv", str(self.venv)],
                            [str(self.python), "-m", "pip", "install", "--disable-pip-version-check",
                             f"label-studio=={LABEL_STUDIO_VERSION}"]):
                    log.write("$ " + " ".join(cmd) + "\n")
                    log.flush()
                    rc = _run_logged(cmd, log, say)
                    if rc == 0 and cmd[1:3] == ["-m", "venv"]:
                        marker.write_text("created by `annotate studio up`; safe to delete\n")
                    if rc != 0:
                        raise StudioError(
                            f"could not install label-studio {LABEL_STUDIO_VERSION} into {self.venv} "
                            f"(`{' '.join(cmd[-3:])}` failed) — see {self.install_log}; check the network or "
                            f"the pip index, then run `annotate studio up` again")
        except BaseException:
            if marker.exists():
                shutil.rmtree(self.venv, ignore_errors=True)
            raise
        if self.venv_version() != LABEL_STUDIO_VERSION:
            raise StudioError(f"label-studio {LABEL_STUDIO_VERSION} did not install into {self.venv} — "
                              f"see {self.install_log}")

    # -- the process --------------------------------------------------------
    def server_env(self, creds: auth.Credentials) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LABEL_STUDIO_", "HEARTEX_")) and k not in _DROP_PLAIN}
        env.update({
            "LABEL_STUDIO_BASE_DATA_DIR": str(self.data_dir),
            # Both, always: with only one of them the server blocks on a prompt.
            "LABEL_STUDIO_USERNAME": creds.username,
            "LABEL_STUDIO_PASSWORD": creds.password,
            "LATEST_VERSION_CHECK": "false",
            "COLLECT_ANALYTICS": "false",
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "PYTHONUNBUFFERED": "1",
            # 1.23 refuses ML backends and webhooks on loopback/private addresses
            # (SSRF protection); the local backend (`annotate studio connect`) and its
            # webhook are on 127.0.0.1 beside this server, which itself listens on
            # 127.0.0.1 only. USER_ADDITIONAL_BANNED_SUBNETS still applies.
            "ML_BLOCK_LOCAL_IP": "false",
            "USE_DEFAULT_BANNED_SUBNETS": "false",
        })
        env.pop("VIRTUAL_ENV", None)
        return env

    def up(self, port: int | None = None, timeout: float = START_TIMEOUT,
           say: Callable[[str], object] = print) -> dict:
        """Start the server (creating the venv and the token on first use); return the state."""
        self.home.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(self.home, 0o700)
        creds = auth.load_or_create_credentials(self.admin_file)
        state = self.state()
        pid = self.running_pid()
        if pid and state.get("url"):
            if health(state["url"], timeout=5):
                self._ensure_token(state["url"], creds)
                say(f"Label Studio is already running at {state['url']} (pid {pid})")
                return state
            if _wait_health(state["url"], pid, min(timeout, 60)):
                self._ensure_token(state["url"], creds)
                return state
            raise StudioError(f"a Label Studio process (pid {pid}) is running but {state['url']} does not answer "
                              f"— see {self.log_file}; try `annotate studio down` and `up` again")
        if state.get("url") and health(state["url"], timeout=3):
            token = self.token()
            if token and _token_works(state["url"], token):
                # Ours (it accepts our token) but the pid file is gone: do not start a
                # second server on the same data folder.
                say(f"Label Studio is already running at {state['url']} (its pid file is missing, so "
                    f"`annotate studio down` cannot stop it; stop it by hand)")
                return state

        self.ensure_venv(say)
        explicit = port is not None
        port = port or state.get("port") or DEFAULT_PORT
        if port_busy(port):
            if explicit:
                raise StudioError(f"port {port} on {HOST} is in use — pick another with `--port`, "
                                  f"or stop what listens there")
            port = free_port_after(port)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log_start = self.log_file.stat().st_size if self.log_file.exists() else 0
        say(f"starting Label Studio {LABEL_STUDIO_VERSION} on http://{HOST}:{port} (data in {self.data_dir}) …")
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen(
                [str(self.executable), "start", "--no-browser", "--internal-host", HOST, "--port", str(port)],
                cwd=self.home, env=self.server_env(creds), stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
        self.pid_file.write_text(str(proc.pid))
        try:
            actual = self._wait_started(proc, log_start, timeout)
        except BaseException:
            terminate(proc.pid)
            with contextlib.suppress(FileNotFoundError):
                self.pid_file.unlink()
            raise
        url = f"http://{HOST}:{actual}"
        if actual != port:
            say(f"port {port} was taken meanwhile; Label Studio chose {actual}")
        state = self._save_state(url=url, port=actual, pid=proc.pid, username=creds.username,
                                 label_studio=LABEL_STUDIO_VERSION, started_at=time.strftime("%Y-%m-%dT%H:%M:%S%z"))
        try:
            self._ensure_token(url, creds)
        except BaseException:
            self.down(say=lambda _msg: None)
            raise
        say(f"Label Studio is up at {url} — log in as {creds.username} (password in {self.admin_file}); "
            f"`annotate studio env` prints the API settings")
        return state

    def _wait_started(self, proc: subprocess.Popen, log_start: int, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        port = None
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise StudioError(f"Label Studio exited during start (code {proc.returncode}): "
                                  f"{_last_line(self.log_file, log_start)} — see {self.log_file}")
            if port is None:
                port = _port_from_log(self.log_file, log_start)
            if port is not None and health(f"http://{HOST}:{port}", timeout=2):
                return port
            time.sleep(0.3)
        raise StudioError(f"Label Studio did not answer /health within {timeout:.0f} s — see {self.log_file}")

    def _ensure_token(self, url: str, creds: auth.Credentials) -> str:
        token = self.token()
        if token and _token_works(url, token):
            return token
        try:
            token = auth.request_token(url, creds)
        except auth.TokenAlreadyIssued:
            # The token file was lost (or belongs to a wiped server): revoke the
            # user's outstanding tokens in the server's own database, then ask again.
            self._revoke_tokens(creds.username)
            token = auth.request_token(url, creds)
        auth.write_secret(self.token_file, token)
        return token

    def _revoke_tokens(self, username: str) -> None:
        code = ("import os\n"
                "from users.models import User\n"
                "from rest_framework_simplejwt.token_blacklist.models import OutstandingToken, BlacklistedToken\n"
                "u = User.objects.get(email=os.environ['ANNOTATE_REVOKE_USER'])\n"
                "for t in OutstandingToken.objects.filter(user=u):\n"
                "    BlacklistedToken.objects.get_or_create(token=t)\n")
        find = subprocess.run([str(self.python), "-c",
                               "import label_studio, os; print(os.path.dirname(label_studio.__file__))"],
                              capture_output=True, text=True, stdin=subprocess.DEVNULL)
        manage = Path(find.stdout.strip()) / "manage.py"
        env = self.server_env(auth.Credentials(username, ""))
        env.pop("LABEL_STUDIO_PASSWORD", None)
        env["ANNOTATE_REVOKE_USER"] = username
        env["DJANGO_SETTINGS_MODULE"] = "core.settings.label_studio"
        r = subprocess.run([str(self.python), str(manage), "shell", "-c", code], env=env, cwd=self.home,
                           capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            raise StudioError(f"the server already issued a token for {username} and it could not be revoked — "
                              f"remove {self.home} to start afresh")

    def down(self, say: Callable[[str], object] = print, timeout: float = 20.0) -> bool:
        """Stop the process `up` started (by its pid). True if one was stopped."""
        pid = self.running_pid()
        stopped = False
        if pid:
            terminate(pid, timeout)
            stopped = True
            say(f"Label Studio (pid {pid}) stopped")
        else:
            say("Label Studio is not running")
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()
        return stopped


# -- helpers ----------------------------------------------------------------

def _is_label_studio(pid: int) -> bool:
    if not alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return True  # no /proc (not Linux): trust the pid file
    return b"label-studio" in cmdline or b"label_studio" in cmdline


def _port_from_log(path: Path, offset: int) -> int | None:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            text = fh.read().decode("utf-8", "replace")
    except OSError:
        return None
    found = _PORT_LINE.findall(text)
    return int(found[-1]) if found else None


def _last_line(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            lines = [ln for ln in fh.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    except OSError:
        return "no log"
    return lines[-1][:200] if lines else "no output"


def health(url: str, timeout: float = 3.0) -> bool:
    """Does Label Studio at `url` answer /health with status UP?"""
    try:
        r = httpx.get(url.rstrip("/") + "/health", timeout=timeout)
        return r.status_code == 200 and r.json().get("status") == "UP"
    except (httpx.HTTPError, ValueError):
        return False


def _wait_health(url: str, pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive(pid):
            return False
        if health(url):
            return True
        time.sleep(0.5)
    return False


def _token_works(url: str, token: str) -> bool:
    """Does the server accept this refresh token? (exchanges it for an access token)"""
    try:
        r = httpx.post(url.rstrip("/") + "/api/token/refresh/", json={"refresh": token}, timeout=10)
    except httpx.HTTPError:
        return False
    return r.status_code == 200
