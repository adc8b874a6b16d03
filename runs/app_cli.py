"""`ceasefire app`: serve the Solara page (runs/app.py) on this machine, with no internet needed.

Solara's JavaScript, CSS and fonts come from the installed `solara-assets` package through Solara's own asset proxy
(/_solara/cdn/...); the CDN setting points at a closed loopback port, so nothing is ever fetched from a CDN.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from model.errors import CeasefireError
from runs.cli import app, user_errors

APP_FILE = Path(__file__).with_name("app.py")
PROJECT_ROOT = APP_FILE.parent.parent


def solara_assets_dir() -> Path:
    """The CDN mirror that the solara-assets wheel installs (<prefix>/share/solara/cdn)."""
    try:
        dist = importlib.metadata.distribution("solara-assets")
    except importlib.metadata.PackageNotFoundError:
        raise CeasefireError("solara-assets is not installed: the page would need a CDN; install the project's "
                             "dependencies (uv sync)") from None
    for f in dist.files or []:
        parts = Path(f).parts
        if "cdn" in parts:
            i = parts.index("cdn")
            if parts[i - 2: i] == ("share", "solara"):
                return Path(dist.locate_file(Path(*parts[: i + 1]))).resolve()
    raise CeasefireError("solara-assets is installed but has no share/solara/cdn directory")


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_SAMESITE_WARNING = "ignore:Cookies with samesite=none require https:UserWarning"


def offline_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The server's environment: assets from solara-assets via the proxy, no CDN, no telemetry, headless plots."""
    env = dict(os.environ if base is None else base)
    env.update({
        "SOLARA_ASSETS_PROXY": "true",
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(solara_assets_dir()),
        # A cache miss must fail at once rather than reach the internet: nothing listens on this port.
        "SOLARA_ASSETS_CDN": f"http://127.0.0.1:{_closed_port()}/",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",
        "MPLBACKEND": "Agg",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
        # Solara warns on every visit over http to a host other than "localhost" (127.0.0.1 is our default) that
        # its session cookie falls back to samesite=lax: the right cookie for a page nobody embeds in an iframe.
        "PYTHONWARNINGS": ",".join(filter(None, [env.get("PYTHONWARNINGS"), _SAMESITE_WARNING])),
    })
    return env


def server_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port),
            "--production", "--no-open"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the kernel ends the page server if this command dies without a chance to stop it (kill -9)."""
    import ctypes

    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG


def serve(cmd: list[str], env: dict[str, str], grace: float = 10.0) -> int:
    """Run the page server until it ends or this command is stopped; its exit status, or 128 + the signal.

    Ctrl-C, SIGTERM (a service manager, `kill`) and SIGHUP are passed on to the server, which is given `grace`
    seconds to end before it is killed: the server never outlives the command, which also holds when the command
    is killed with -9 (on Linux, through PR_SET_PDEATHSIG)."""
    received: list[int] = []

    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # noqa: PLW1509

    def forward(signum: int, frame: object) -> None:
        received.append(signum)
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT if signum == signal.SIGINT else signal.SIGTERM)

    stops = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    old = {sig: signal.signal(sig, forward) for sig in stops}
    try:
        deadline = None
        while True:
            try:
                code = proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if received and deadline is None:
                    deadline = time.monotonic() + grace
                if deadline is not None and time.monotonic() > deadline:
                    proc.kill()
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return 128 + received[0] if received else code


@app.command("app")
@user_errors
def serve_app(
    host: Annotated[str, typer.Option("--host", help="address to bind (127.0.0.1: this machine only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port to serve on")] = 8765,
) -> None:
    """Serve the interactive page: one run turn by turn, and every US strategy compared."""
    cmd = server_command(host, port)
    env = offline_env()
    typer.echo(f"serving the ceasefire page at http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    code = serve(cmd, env)
    if code:
        raise typer.Exit(code)
