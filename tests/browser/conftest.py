"""End-to-end browser-test fixtures for Solara pages, fully offline.

Fixtures
--------
solara_server_factory  (session)  ``start(app, extra_env=None) -> base URL``; one server per
                                  (app, extra_env), started on first use, killed at session end.
solara_server          (function) URL of the server for ``request.param`` (indirect parametrize)
                                  or, failing that, for the ``solara_app`` fixture a module defines.
browser                (session)  Playwright Chromium (Debian's /usr/bin/chromium, headless).
page                   (function) A fresh context+page. Requests to anything but loopback are
                                  aborted. Console errors, uncaught page errors, blocked requests,
                                  HTTP >= 400 responses, a Python traceback rendered in the page,
                                  and tracebacks / CDN cache misses in the server log make the
                                  test FAIL (checked right after the test body, and again at
                                  teardown for anything that arrived later).
page_monitor           (function) The recorder behind ``page`` (``.console``, ``.errors``, ...).
screenshot_dir         (session)  $BROWSER_SCREENSHOT_DIR, default a temporary folder of the run.
                                  A test module's `SHOTS` folder (if it has one) is pointed there for
                                  each of its tests: tests never write into the repository; `make
                                  screenshots` sets BROWSER_SCREENSHOT_DIR=docs/screenshots to
                                  regenerate the documentation's images.

Page servers run in sessions of their own (so that a whole server group can be stopped) and are
bound to the test run (tests/lifeline.py, PR_SET_PDEATHSIG on Linux): killed from outside, even
with -9, the run takes its servers with it.

Nothing is allow-listed. Missing Playwright or Chromium skips every test in this folder, except
when $CI is "true" or $CEASEFIRE_REQUIRE_BROWSER=1: then the tests fail, so CI cannot go green
by silently skipping. (Test modules must not import playwright unguarded; see test_demo_page.py.)

See docs/browser-testing.md.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.lifeline import bound

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent

CHROMIUM = os.environ.get("CEASEFIRE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
# Playwright's launch() always gives Chromium a fresh temporary profile (and deletes it at
# close); it refuses an explicit --user-data-dir, which only launch_persistent_context takes.

SERVER_START_TIMEOUT = float(os.environ.get("BROWSER_SERVER_START_TIMEOUT", "90"))
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}

# Solara's vegalite.vue (altair charts) asks the CDN proxy for these *unversioned* paths;
# solara-assets ships only exact versions. Map each alias onto the version solara-assets has.
CDN_ALIASES = {"vega@5": "vega@", "vega-lite@5": "vega-lite@", "vega-embed@6": "vega-embed@"}


def _browser_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("CEASEFIRE_REQUIRE_BROWSER") == "1"


def _missing_browser_reason() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"{CHROMIUM} not found (apt-get install -y chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_browser_reason()
    for item in items:
        if HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason is not None and not _browser_required():
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))
        # when required, the `browser` fixture fails instead


# --------------------------------------------------------------------------- offline assets


def _solara_assets_cdn_dir() -> Path:
    """The CDN mirror that the solara-assets wheel installs: the same one `ceasefire app` serves from."""
    from runs.app_cli import solara_assets_dir

    return solara_assets_dir()


def _make_offline_cdn_cache(dest: Path) -> Path:
    """A proxy-cache dir: symlinks to everything solara-assets ships, plus the vega aliases.

    Solara's asset proxy (/_solara/cdn/...) serves files from SOLARA_ASSETS_PROXY_CACHE_DIR and
    on a miss fetches from SOLARA_ASSETS_CDN and writes into that dir. Using our own dir keeps
    the venv untouched; pointing SOLARA_ASSETS_CDN at a closed loopback port makes a miss fail
    at once (HTTP 404 in the browser, "Could not load URL" in the server log) -> test fails.
    """
    src = _solara_assets_cdn_dir()
    dest.mkdir(parents=True, exist_ok=True)
    entries = sorted(p.name for p in src.iterdir())
    for name in entries:
        (dest / name).symlink_to(src / name, target_is_directory=(src / name).is_dir())
    for alias, prefix in CDN_ALIASES.items():
        major = alias.split("@")[1]
        candidates = [n for n in entries if n.startswith(prefix + major + ".")]
        if candidates and not (dest / alias).exists():
            (dest / alias).symlink_to(src / max(candidates), target_is_directory=True)
    return dest


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _closed_port() -> int:
    return _free_port()  # nothing listens there: connection refused, no retries wasted on DNS


# --------------------------------------------------------------------------- solara server


class SolaraServer:
    def __init__(self, app: str, env: dict[str, str], log_path: Path):
        self.app = app
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")
        cmd = [
            sys.executable, "-m", "solara", "run", app,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--production", "--no-open",
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            bound(cmd),  # dies with the test run, however it ends
            cwd=PROJECT_ROOT,  # solara reads a .env from the cwd: keep it the project root
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        self._wait_ready()

    def log_bytes(self, offset: int = 0) -> bytes:
        try:
            with open(self.log_path, "rb") as f:
                f.seek(offset)
                return f.read()
        except OSError:
            return b""

    def log_text(self, offset: int = 0) -> str:
        return self.log_bytes(offset).decode("utf-8", "replace")

    def log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except OSError:
            return 0

    def _wait_ready(self):
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"solara server for {self.app} exited with {self.proc.returncode}:\n{self.log_text()[-4000:]}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError) as e:
                last = e
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"solara server for {self.app} did not answer in {SERVER_START_TIMEOUT}s ({last}):\n{self.log_text()[-4000:]}")

    def stop(self):
        if self.proc.poll() is None:
            # our own process group (start_new_session): the server and anything it spawned
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, 15)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, 9)
                self.proc.wait(timeout=10)
        self._log.close()


@pytest.fixture(scope="session")
def offline_server_env(tmp_path_factory) -> dict[str, str]:
    cache = _make_offline_cdn_cache(tmp_path_factory.mktemp("solara-cdn") / "cdn")
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(
        {
            "SOLARA_ASSETS_PROXY": "true",  # serve JS/CSS from /_solara/cdn on our host
            "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache),
            "SOLARA_ASSETS_CDN": f"http://127.0.0.1:{_closed_port()}/",
            "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "false",  # server-side telemetry posts to mixpanel
            "MPLBACKEND": "Agg",
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


@pytest.fixture(scope="session")
def solara_server_factory(offline_server_env, tmp_path_factory):
    servers: dict[tuple, SolaraServer] = {}

    def start(app: str | os.PathLike, extra_env: dict[str, str] | None = None) -> SolaraServer:
        app = str(app)
        key = (app, tuple(sorted((extra_env or {}).items())))
        if key not in servers:
            env = {**offline_server_env, **(extra_env or {})}
            log = tmp_path_factory.mktemp("solara-server") / "server.log"
            servers[key] = SolaraServer(app, env, log)
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


@pytest.fixture
def solara_server(request, solara_server_factory):
    """Base URL of a running server.

    Either ``@pytest.mark.parametrize("solara_server", ["path/to/app.py"], indirect=True)``
    (a param may also be ``(app, extra_env)``), or define a ``solara_app`` fixture.
    The server object is at ``request.node.solara_server_obj``.
    """
    param = getattr(request, "param", None)
    if param is None:
        param = request.getfixturevalue("solara_app")
    app, extra_env = param if isinstance(param, tuple) else (param, None)
    server = solara_server_factory(app, extra_env)
    request.node.solara_server_obj = server
    request.node.solara_server_log_offset = server.log_size()
    return server.url


# --------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    chosen = os.environ.get("BROWSER_SCREENSHOT_DIR")
    d = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(autouse=True)
def _screenshots_out_of_the_repository(request, monkeypatch):
    """A module that saves screenshots into its `SHOTS` folder saves them into `screenshot_dir` instead."""
    if HERE in Path(str(request.node.fspath)).resolve().parents and hasattr(request.module, "SHOTS"):
        monkeypatch.setattr(request.module, "SHOTS", request.getfixturevalue("screenshot_dir"))


@pytest.fixture(scope="session")
def browser():
    reason = _missing_browser_reason()
    if reason:
        if _browser_required():
            pytest.fail(f"browser tests are required here (CI=true or CEASEFIRE_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


class PageMonitor:
    """Records everything that should make a browser test fail."""

    def __init__(self):
        self.console: list[str] = []  # all console messages, for the report
        self.errors: list[str] = []  # failures
        self.blocked: list[str] = []
        self.reported = 0
        self.saw_traceback = False

    def on_console(self, msg):
        line = f"[{msg.type}] {msg.text}"
        self.console.append(line)
        if msg.type == "error":
            loc = msg.location or {}
            self.errors.append(f"console.error: {msg.text} ({loc.get('url', '')}:{loc.get('lineNumber', '')})")

    def on_pageerror(self, err):
        self.errors.append(f"uncaught page error: {err}")

    def on_response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")

    def route(self, route):
        url = route.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.blocked.append(url)
            self.errors.append(f"blocked non-local request: {route.request.method} {url}")
            route.abort("blockedbyclient")

    def new_failures(self) -> list[str]:
        new = self.errors[self.reported :]
        self.reported = len(self.errors)
        return new


SERVER_LOG_FAILURES = ("Traceback (most recent call last)", "Could not load URL")


def _server_failures(item) -> list[str]:
    server = getattr(item, "solara_server_obj", None)
    if server is None:
        return []
    offset = getattr(item, "solara_server_log_offset", 0)
    data = server.log_bytes(offset)
    item.solara_server_log_offset = offset + len(data)
    text = data.decode("utf-8", "replace")
    if any(marker in text for marker in SERVER_LOG_FAILURES):
        return [f"solara server log ({server.log_path}):\n{text[-6000:]}"]
    return []


def _settle(pg) -> None:
    """Let already-queued browser work run and deliver its events to Python.

    The sync API hands console/pageerror events to our handlers only while it is inside a
    Playwright call, so without this an error thrown just after the test's last action
    (e.g. from a setTimeout) would never be seen.
    """
    with contextlib.suppress(Exception):
        pg.evaluate("() => new Promise(r => setTimeout(r, 100))")
        pg.wait_for_timeout(50)


_TRACEBACK_JS = """() => {
    const text = document.body ? document.body.innerText : "";
    const i = text.indexOf("Traceback (most recent call last)");
    return i < 0 ? null : text.slice(i, i + 4000);
}"""


def _check_page(pg, monitor) -> None:
    """Settle, then look for a Python traceback that Solara rendered into the page.

    An exception in a Solara callback or render (e.g. a model step that raises) is NOT
    logged by the server nor sent to the browser console: Solara replaces the page content
    with the traceback text. So we read the DOM for it.
    """
    _settle(pg)
    if monitor.saw_traceback:
        return
    with contextlib.suppress(Exception):
        tb = pg.evaluate(_TRACEBACK_JS)
        if tb:
            monitor.saw_traceback = True
            monitor.errors.append("Python traceback shown in the page:\n" + tb)


@pytest.fixture
def page_monitor():
    return PageMonitor()


@pytest.fixture
def page(browser, page_monitor, request, screenshot_dir):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    context.route("**/*", page_monitor.route)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.on("console", page_monitor.on_console)
    pg.on("pageerror", page_monitor.on_pageerror)
    pg.on("response", page_monitor.on_response)
    request.node.page_monitor = page_monitor
    request.node.page_obj = pg
    yield pg
    _check_page(pg, page_monitor)
    failures = page_monitor.new_failures() + _server_failures(request.node)
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        with contextlib.suppress(Exception):
            pg.screenshot(path=str(screenshot_dir / f"{request.node.name}-failure.png"), full_page=True)
    context.close()
    if failures:
        pytest.fail("browser problems after the test body finished:\n  " + "\n  ".join(failures), pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield  # re-raises if the test body failed
    monitor = getattr(item, "page_monitor", None)
    if monitor is not None:
        _check_page(item.page_obj, monitor)
        failures = monitor.new_failures() + _server_failures(item)
        if failures:
            pytest.fail("browser problems during the test:\n  " + "\n  ".join(failures), pytrace=False)
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    if rep.when == "call":
        item.rep_call = rep
        monitor = getattr(item, "page_monitor", None)
        if monitor is not None and monitor.console:
            rep.sections.append(("browser console", "\n".join(monitor.console)))
    return rep
