"""`ceasefire app` never leaves its page server behind: stopped with SIGTERM (a service manager, `kill`) it stops
the server and exits 143; killed with -9 the kernel ends the server with it (PR_SET_PDEATHSIG). Serving the page
prints nothing but its address: no warning per request."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.lifeline import bound

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 180.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serving(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _wait(condition, timeout: float) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGKILL, -signal.SIGKILL)])
def test_the_page_server_ends_with_the_app_command(tmp_path, signum, status):
    port = _free_port()
    with open(tmp_path / "err", "wb") as err:
        proc = subprocess.Popen(bound([sys.executable, "-m", "runs", "app", "--port", str(port)]), cwd=ROOT,
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
    try:
        assert _wait(lambda: _serving(port) or proc.poll() is not None, START_TIMEOUT) and proc.poll() is None, \
            (tmp_path / "err").read_text()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=60) as page:  # one visit, as a browser's
            assert page.status == 200
        proc.send_signal(signum)  # to the command only: the server is its child
        assert proc.wait(60) == status
        assert _wait(lambda: not _group_alive(proc.pid), 60), "the page server outlived `ceasefire app`"
        assert not _serving(port)
        printed = (tmp_path / "err").read_text()
        assert "Traceback" not in printed
        # Solara warns on every visit over http to a host other than "localhost" that its session cookie falls back
        # to samesite=lax: right for a local page, and noise that would bury the one line that matters.
        assert "Warning" not in printed, printed
    finally:
        if _group_alive(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
