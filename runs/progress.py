"""Progress bars for the commands that take more than a second or two (run, compare, validate, sensitivity,
discover; `batch` has its own with a runs-per-second column).

A bar goes to stderr, so that stdout stays the command's result, and only when stderr is a terminal or the user
asks with `--progress` (`--no-progress` turns it off): logs and pipes get no control codes. The computing functions
take a plain `progress` callback (called with the number of runs just finished) and know nothing of Rich.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable, Iterator


def wanted(flag: bool | None) -> bool:
    """As `--progress/--no-progress` says; without either, only when stderr is a terminal."""
    return sys.stderr.isatty() if flag is None else flag


@contextlib.contextmanager
def bar(label: str, total: int, enabled: bool, unit: str = "runs") -> Iterator[Callable[[int], None]]:
    """A transient bar of `total` `unit`s on stderr; yields `advance(n)` (a no-op when not enabled)."""
    if not enabled or total <= 0:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit), TimeElapsedColumn(),
               TextColumn("left"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


@contextlib.contextmanager
def polled(label: str, total: int, enabled: bool, read: Callable[[], int], unit: str = "turns") -> Iterator[None]:
    """A bar that follows `read()` (e.g. a model's turn) from a thread of its own, for work that cannot call back."""
    with bar(label, total, enabled, unit) as advance:
        if not enabled:
            yield
            return
        stop = threading.Event()
        shown = 0

        def follow() -> None:
            nonlocal shown
            while not stop.wait(0.1):
                now = read()
                advance(now - shown)
                shown = now

        thread = threading.Thread(target=follow, daemon=True, name="progress")
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()
