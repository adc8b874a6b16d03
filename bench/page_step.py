"""Browser benchmark of the page (not a test): how long from a click on Step to every chart of the Run tab drawn for
the new week, and how long the Compare tab takes from its button to its charts drawn.

    .tools/bin/uv run --frozen python bench/page_step.py            # 20 steps, then 8 strategies x 1,000 runs
    .tools/bin/uv run --frozen python bench/page_step.py --steps 40 --no-compare

It serves runs/app.py offline exactly as `ceasefire app` does, drives Debian's Chromium (/usr/bin/chromium, headless)
with Playwright, and times inside the page: from the click to the moment the last chart of the tab reports the new
revision (`data-revision` "run:week", set once Plotly has drawn it). Prints min / median / max.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from runs.app_cli import offline_env, server_command  # noqa: E402

CHROMIUM = os.environ.get("CEASEFIRE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

# Resolves with the milliseconds from the click to every chart of the active tab showing `want`.
TIME_CLICK = """
async ([buttonSelector, chartSelector, want, timeoutMs]) => {
  const done = () => {
    const charts = [...document.querySelectorAll(chartSelector)];
    return charts.length > 0 && charts.every((c) => c.dataset.revision === want);
  };
  const started = performance.now();
  return await new Promise((resolve, reject) => {
    const observer = new MutationObserver(() => {
      if (done()) { observer.disconnect(); resolve(performance.now() - started); }
    });
    observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["data-revision"] });
    setTimeout(() => { observer.disconnect(); reject(new Error("timed out waiting for " + want)); }, timeoutMs);
    document.querySelector(buttonSelector).click();
  });
}
"""

RUN_CHARTS = ".v-window-item--active .plotly-chart"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve():
    port = _free_port()
    log = open(ROOT / "out" / "bench-page-server.log", "wb") if (ROOT / "out").is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(server_command("127.0.0.1", port), cwd=ROOT, env=offline_env(), stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the page server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=20)


def _summary(name: str, values: list[float]) -> str:
    return (f"{name}: n={len(values)} min {min(values):.0f} ms, median {statistics.median(values):.0f} ms, "
            f"max {max(values):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--compare", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with serve() as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        off_host: list[str] = []
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith((url, "data:", "blob:"))
                   else (off_host.append(route.request.url), route.abort()))
        started = time.perf_counter()
        page.goto(url + "/")
        page.wait_for_function(f"""() => {{ const c = [...document.querySelectorAll('{RUN_CHARTS}')];
                                           return c.length >= 4 && c.every(x => (x.dataset.revision || '').endsWith(':0')); }}""",
                               timeout=120_000)
        print(f"page load to charts drawn: {time.perf_counter() - started:.1f} s")
        serial = page.eval_on_selector(RUN_CHARTS, "c => c.dataset.revision.split(':')[0]")
        steps = []
        for n in range(1, args.steps + 1):
            page.wait_for_selector(".btn-step:not([disabled])")
            steps.append(page.evaluate(TIME_CLICK, [".btn-step", RUN_CHARTS, f"{serial}:{n}", 30_000]))
        print(_summary(f"Step, click to {page.locator(RUN_CHARTS).count()} charts drawn", steps))
        print("  each step (ms): " + " ".join(f"{s:.0f}" for s in steps))

        if args.compare:
            page.get_by_role("tab", name="Compare").click()
            page.wait_for_selector(".compare-run:not([disabled])")
            t0 = time.perf_counter()
            page.click(".compare-run")
            page.wait_for_function("""() => { const c = [...document.querySelectorAll('.v-window-item--active .plotly-chart')];
                                             return c.length >= 2 && c.every(x => (x.dataset.revision || '').startsWith('compare:')); }""",
                                   timeout=600_000)
            wall = time.perf_counter() - t0
            done = page.locator(".compare-done").inner_text()
            print(f"Compare, click to charts drawn: {wall:.1f} s ({done})")
        browser.close()
        if off_host:
            print(f"WARNING: the page asked for {len(off_host)} off-host resources: {off_host[:3]}")


if __name__ == "__main__":
    main()
