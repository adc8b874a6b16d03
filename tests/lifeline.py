"""Processes a test starts end with the test run, however the run ends (a CI timeout's SIGKILL included).

`bound(cmd)` wraps a command so that, on Linux, the kernel kills it when the process that started it dies
(PR_SET_PDEATHSIG, set by a tiny launcher that then execs the command: the pid stays the command's). Use it for
any process a test or fixture starts in a session of its own, which nothing else would reap.
"""

from __future__ import annotations

import os
import sys

_LAUNCHER = """
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG: die with the parent
if os.getppid() != int(sys.argv[1]):  # the parent died before the request took effect
    os._exit(1)
os.execv(sys.argv[2], sys.argv[2:])
"""


def bound(cmd: list[str]) -> list[str]:
    """`cmd` (whose first item is an executable's path) so that it dies with this process."""
    if not sys.platform.startswith("linux"):
        return cmd
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *cmd]
