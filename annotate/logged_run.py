"""A long install with its output in a log file and one line of progress on the screen.

    python3 -m annotate.logged_run --log .cache/make/pip-install.log -- python3 -m pip install …

pip prints hundreds of lines that nobody reads unless it fails. Here they go to the
log; the screen gets how far it got (packages fetched, the one being fetched or
installed) — one line rewritten in place on a terminal, a line every PROGRESS_EVERY
seconds otherwise (CI logs) — then `done in N s (log: …)`. On failure, the last
lines of the log, where pip says why, and the exit status of the command.

Standard library only: `make install` runs it before the dependencies are there.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Callable

PROGRESS_EVERY = 10.0  # seconds between progress lines when the screen is not a terminal
TAIL = 25              # lines of the log shown when the command fails


def run_logged(cmd: list[str], log, say: Callable[[str], object], every: float | None = None) -> int:
    """Run cmd with its output into `log`; every `every` s (PROGRESS_EVERY) one line says how
    far it got (a first install takes minutes: it must not look stuck). Returns the exit status."""
    every = PROGRESS_EVERY if every is None else every
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, errors="replace")
    started = last = time.monotonic()
    collected, latest = 0, ""
    for line in proc.stdout:
        log.write(line)
        if line.startswith("Collecting "):
            collected += 1
            latest = line.split()[1]
        elif line.startswith("Installing collected packages"):
            latest = "installing the packages"
        elif line.startswith("Building wheel") or line.startswith("Building editable"):
            latest = "building " + (line.split()[-1] if "for" in line else "the package")
        now = time.monotonic()
        if latest and now - last >= every:
            last = now
            log.flush()
            say(f"  … {now - started:.0f} s: {collected} packages fetched, now {latest[:60]}")
    return proc.wait()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m annotate.logged_run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--log", required=True, type=Path, help="the file that gets the command's whole output")
    ap.add_argument("cmd", nargs=argparse.REMAINDER, help="-- COMMAND ARGS…")
    args = ap.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        ap.error("no command given")
    args.log.parent.mkdir(parents=True, exist_ok=True)
    tty = sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    width = [0]

    def say(text: str) -> None:
        if tty:  # one line, rewritten: the screen stays as short as the steps
            text = text.strip()[:100]
            sys.stdout.write("\r  " + text.ljust(width[0]))
            width[0] = max(width[0], len(text))
        else:
            sys.stdout.write(text + "\n")
        sys.stdout.flush()

    started = time.monotonic()
    with open(args.log, "w", encoding="utf-8") as log:
        rc = run_logged(cmd, log, say, 0.5 if tty else None)
    if tty and width[0]:
        sys.stdout.write("\r" + " " * (width[0] + 2) + "\r")
    if rc == 0:
        print(f"  done in {time.monotonic() - started:.0f} s (log: {args.log})")
        return 0
    with open(args.log, encoding="utf-8", errors="replace") as fh:
        tail = deque(fh, maxlen=TAIL)
    sys.stderr.write("".join(tail))
    what = " ".join(" ".join(cmd[:5]).split())[:80]
    sys.stderr.write(f"error: {what} … failed (exit {rc}); the whole output is in {args.log}\n")
    return rc or 1


if __name__ == "__main__":
    sys.exit(main())
