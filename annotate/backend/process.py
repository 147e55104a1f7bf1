"""The local ML backend as a background process (`annotate studio connect`, `make demo`).

Kept beside the local Label Studio's files in the studio folder:

    backend.pid    the pid of the `annotate serve` process started here (`studio down` stops it)
    backend.json   its url and port (no secret)
    backend.log    its output
"""
from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from annotate.atomic import atomic_write
from annotate.labelstudio.backends import backend_health
from annotate.labelstudio.errors import StudioError
from annotate.labelstudio.server import Studio
from annotate.process import HOST, alive, free_port_after, port_busy, read_pid, read_state, terminate

DEFAULT_PORT = 9090  # Label Studio's usual ML backend port
START_TIMEOUT = 120.0  # loading the pkuseg model takes ~4 s, more on a busy machine


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class LocalBackend:
    home: Path

    @classmethod
    def from_env(cls) -> "LocalBackend":
        return cls(Studio.from_env().home)

    @property
    def pid_file(self) -> Path:
        return self.home / "backend.pid"

    @property
    def state_file(self) -> Path:
        return self.home / "backend.json"

    @property
    def log_file(self) -> Path:
        return self.home / "backend.log"

    def state(self) -> dict:
        return read_state(self.state_file)

    def running_pid(self) -> int | None:
        pid = read_pid(self.pid_file)
        if pid is None or not alive(pid):
            return None
        with contextlib.suppress(OSError):
            if b"annotate" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                return None  # the pid was reused by another program
        return pid

    def up(self, port: int | None = None, say: Callable[[str], object] = print,
           timeout: float = START_TIMEOUT) -> str:
        """Start `annotate serve` in the background (unless it runs); its URL."""
        state = self.state()
        pid = self.running_pid()
        if pid and state.get("url") and backend_health(state["url"]):
            say(f"ML backend already running at {state['url']} (pid {pid})")
            return state["url"]
        if pid:
            terminate(pid)
        port = port or state.get("port") or DEFAULT_PORT
        if port_busy(port):
            port = free_port_after(port)
        self.home.mkdir(parents=True, exist_ok=True)
        url = f"http://{HOST}:{port}"
        say(f"starting the ML backend (annotate serve) on {url} …")
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])  # this checkout's annotate, not another
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        with open(self.log_file, "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "annotate", "serve", "--host", HOST, "--port", str(port)],
                                    env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        self.pid_file.write_text(str(proc.pid))
        deadline = time.monotonic() + timeout
        while backend_health(url, timeout=2) is None:
            if proc.poll() is not None or time.monotonic() > deadline:
                terminate(proc.pid)
                with contextlib.suppress(FileNotFoundError):
                    self.pid_file.unlink()
                raise StudioError(f"the ML backend did not start — see {self.log_file}")
            time.sleep(0.3)
        atomic_write(self.state_file, json.dumps({"url": url, "port": port, "pid": proc.pid}))
        say(f"ML backend is up at {url} (pid {proc.pid}, log {self.log_file})")
        return url

    def down(self, say: Callable[[str], object] = print) -> bool:
        pid = self.running_pid()
        if pid:
            terminate(pid)
            say(f"ML backend (pid {pid}) stopped")
        with contextlib.suppress(FileNotFoundError):
            self.pid_file.unlink()
        return bool(pid)
