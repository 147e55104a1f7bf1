"""Running a command without the capabilities that let root read anything (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH), so that permission bits bite even as root: shared by the tests of
unreadable files and folders."""
from __future__ import annotations

import ctypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def drop_file_privileges() -> None:  # preexec_fn: runs in the child before exec
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def unprivileged_kwargs(probe: Path) -> dict:
    """Subprocess keyword arguments under which `probe` (mode 000) cannot be read; skip if impossible."""
    kwargs = {"preexec_fn": drop_file_privileges} if os.geteuid() == 0 else {}
    try:
        check = subprocess.run([sys.executable, "-c", f"open({str(probe)!r}).read()"],
                               capture_output=True, **kwargs)
    except (OSError, subprocess.SubprocessError) as e:
        pytest.skip(f"cannot drop file privileges: {e}")
    if check.returncode == 0:
        pytest.skip("permission bits are not enforced for this user (cannot drop file privileges)")
    return kwargs
