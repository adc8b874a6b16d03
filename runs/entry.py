"""The `ceasefire` console script.

A Ctrl-C, SIGTERM or SIGHUP that arrives while the program is still importing its libraries, before the command
group has installed its handlers, ends it with one line and the conventional status (128 + the signal's number: 130
for Ctrl-C, 143 for SIGTERM) instead of a traceback from inside whatever module was loading. During the imports
the signal is only noted (a handler that raised would interrupt importlib itself, whose errors Python prints as
"Exception ignored" tracebacks); the program stops as soon as they end. This module's own imports run no Python
code, so the window left uncovered is the interpreter's start.
"""

import sys

_NAMES = {1: "SIGHUP", 2: "SIGINT", 15: "SIGTERM"}
_received: list[int] = []


def _note(signum: int, _frame: object) -> None:
    _received.append(signum)


def _stop(what: str) -> None:
    signum = _received[0]
    sys.stderr.write(f"interrupted by {_NAMES.get(signum, signum)}{what}\n")
    sys.exit(128 + signum)


def main() -> None:
    """Import the command line with stop signals noted, not raised; then hand over to it (it installs its own)."""
    import _signal  # the C module under `signal`: importing it runs no Python code

    previous = {sig: _signal.signal(sig, _note) for sig in (_signal.SIGINT, _signal.SIGTERM, _signal.SIGHUP)}
    try:
        from runs.cli import app
    finally:
        for sig, handler in previous.items():
            _signal.signal(sig, handler)
    if _received:
        _stop(" while starting; nothing was written")
    try:
        app()
    except KeyboardInterrupt:  # between the import and the command group's own handling
        _received.append(2)
        _stop("")
