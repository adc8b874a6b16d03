"""`ceasefire app`: serve the Solara page (runs/app.py) on this machine, with no internet needed.

Solara's JavaScript, CSS and fonts come from the installed `solara-assets` package through Solara's own asset proxy
(/_solara/cdn/...); the CDN setting points at a closed loopback port, so nothing is ever fetched from a CDN.
"""

from __future__ import annotations

import importlib.metadata
import os
import socket
import subprocess
import sys
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
    })
    return env


def server_command(host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "solara", "run", str(APP_FILE), "--host", host, "--port", str(port),
            "--production", "--no-open"]


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
    try:
        code = subprocess.call(cmd, cwd=PROJECT_ROOT, env=env)
    except KeyboardInterrupt:
        code = 0
    if code:
        raise typer.Exit(code)
