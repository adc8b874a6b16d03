"""Local worker processes (for `batch --workers`, `compare --workers`) and the stop signals of a long command.

Workers are started with "spawn": a fresh interpreter, so it is safe to start them from a process that runs threads
(forking one is not: a lock held by another thread at the fork stays locked in the child forever), and a worker
never inherits the parent's signal handlers. The signals that stop a command (Ctrl-C, SIGTERM from `kill`,
`timeout` or a job scheduler, SIGHUP when the terminal closes) are the parent's business: a worker ignores Ctrl-C
(the parent stops it), dies quietly of SIGTERM or SIGHUP (their default action: no handler, no traceback), and
exits if the parent dies. The stop signals stay blocked from the moment a worker is started until its initializer
has set this up, so a signal sent to the whole process group while workers start cannot reach Python's default
Ctrl-C handler in a worker (which would print a KeyboardInterrupt traceback).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

START_METHOD = "spawn"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
"""The signals that stop a long command; the exit status is 128 + the signal's number (130, 143, 129)."""


def signal_name(signum: int) -> str:
    return signal.Signals(signum).name


@contextlib.contextmanager
def stop_signals_blocked() -> Iterator[None]:
    """Block the stop signals in this thread (a process started meanwhile inherits the mask); deliver them after."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """Ignore Ctrl-C meanwhile (processes started meanwhile ignore it for good); then restore the handler."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def terminate_stops() -> Iterator[None]:
    """Meanwhile (main thread only), SIGTERM and SIGHUP raise `Stopped` wherever the command is, as Ctrl-C raises
    KeyboardInterrupt, so that it ends through its cleanup (`finally` blocks, worker pools) rather than at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise Stopped(signum)

    old = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def ctrl_c_noted() -> Iterator[list[int]]:
    """Meanwhile (main thread only), Ctrl-C still raises KeyboardInterrupt, and the list yielded records that it
    came (so that a caller whose library turned it into a bare exit status can still say why)."""
    noted: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield noted
        return

    def interrupt(signum: int, frame: Any) -> None:
        noted.append(signum)
        signal.default_int_handler(signum, frame)

    old = signal.signal(signal.SIGINT, interrupt)
    try:
        yield noted
    finally:
        signal.signal(signal.SIGINT, old)


@contextlib.contextmanager
def stops_never_swallowed() -> Iterator[None]:
    """Meanwhile, a stop that Python swallowed is delivered again.

    A signal handler runs wherever the main thread happens to be, and that can be a weakref callback or a `__del__`
    (the garbage collector runs them at any moment, importlib's module cache among them). The KeyboardInterrupt or
    `Stopped` the handler raises there cannot propagate: Python prints it as an "Exception ignored" traceback and
    carries on, and the command would neither stop nor say one line. Such an exception reaches
    `sys.unraisablehook`; this hook prints nothing and sends the same signal again a moment later, from a helper
    thread, so that the handler runs once more at another point of the main thread. Every other unraisable
    exception goes to the previous hook.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        exc = unraisable.exc_value
        signum = signal.SIGINT if isinstance(exc, KeyboardInterrupt) else getattr(exc, "signum", None)
        if not isinstance(exc, (KeyboardInterrupt, Stopped)) or signum is None:
            previous(unraisable)
            return
        again = threading.Timer(0.01, os.kill, (os.getpid(), signum))
        again.daemon = True
        again.start()

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)  # the parent is gone (kill -9): do not linger as an orphan


def init_worker(parent: int) -> None:
    """In each worker, before any task: signals as the module docstring says, then unblock them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="parent-watch").start()


class WorkerPool(ProcessPoolExecutor):
    """A `ProcessPoolExecutor` of spawned workers set up by `init_worker`. Workers start on demand inside `submit`,
    so `submit` blocks the stop signals while it runs (the executor's own threads, started there too, inherit the
    mask: a signal then goes to the main thread, which handles it)."""

    def __init__(self, workers: int) -> None:
        super().__init__(max_workers=workers, mp_context=multiprocessing.get_context(START_METHOD),
                         initializer=init_worker, initargs=(os.getpid(),))

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        with stop_signals_blocked():
            return super().submit(fn, *args, **kwargs)

    def processes(self) -> list[multiprocessing.Process]:
        return list((getattr(self, "_processes", None) or {}).values())

    def stop(self) -> None:
        """Stop at once: cancel what has not started, end the workers (chunks in flight are lost, not saved)."""
        procs = self.processes()
        for proc in procs:
            with contextlib.suppress(Exception):
                proc.kill()
        for proc in procs:
            proc.join(10)
        # A worker killed (by us, or by a signal to the group) while it was sending a result leaves half a message
        # in the result pipe, and the pool's manager thread would wait for the rest forever (and this process
        # with it, at shutdown or at exit). With the workers gone, this process holds the pipe's last write end:
        # closing it makes that read end with EOF, and the pool then shuts down as a broken one.
        with contextlib.suppress(Exception):
            self._result_queue._writer.close()  # type: ignore[attr-defined]
        self.shutdown(wait=True, cancel_futures=True)


def worker_stop_signal(procs: list[multiprocessing.Process]) -> int | None:
    """The stop signal that ended the workers, if one did: a broken pool after SIGTERM or SIGHUP to the whole
    group. None if any worker ended otherwise (killed with -9 for lack of memory, or crashed: the pool then
    terminates the others with SIGTERM, which must not pass for a stop)."""
    codes = [proc.exitcode for proc in procs if proc.exitcode]
    if any(not (code < 0 and -code in STOP_SIGNALS) for code in codes):
        return None
    return -codes[0] if codes else None


class StopSignals:
    """While in use (main thread only), a stop signal stops the command at a safe point.

    The handler records the first signal and raises `Stopped` only while armed: the command arms it while it waits
    for work or computes, and disarms it while it saves a result and while it cleans up, so neither is cut short by
    a signal (a signal received while disarmed is raised by the next `arm`; a second signal is only recorded).
    In any other thread the handlers are left alone. Nested in another `StopSignals`, it starts with the signal the
    outer one has received, and hands on the one it received when it ends.
    """

    def __init__(self) -> None:
        self.received: int | None = None
        self.armed = False
        self._old: dict[int, Any] = {}
        self._outer: StopSignals | None = None

    def _handler(self, signum: int, frame: Any) -> None:
        if self.received is None:
            self.received = signum
        if self.armed:
            self.armed = False
            raise Stopped(signum)

    def arm(self) -> None:
        """From now on a signal raises `Stopped`; one received while disarmed raises it at once."""
        if self.received is not None:
            raise Stopped(self.received)
        self.armed = True

    def disarm(self) -> None:
        self.armed = False

    def __enter__(self) -> StopSignals:
        if threading.current_thread() is threading.main_thread():
            for sig in STOP_SIGNALS:
                self._old[sig] = signal.signal(sig, self._handler)
            outer = getattr(self._old[signal.SIGTERM], "__self__", None)
            if isinstance(outer, StopSignals):
                self._outer, self.received = outer, outer.received
        return self

    def __exit__(self, *exc: Any) -> None:
        self.armed = False
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()
        if self._outer is not None and self._outer.received is None:
            self._outer.received = self.received


class Stopped(BaseException):
    """Raised by `StopSignals` in the main thread (a BaseException, like KeyboardInterrupt: not an error)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal_name(signum))
        self.signum = signum
