"""The rules of a turn, one file per mechanism of DESIGN section 3, compiled with numba.

Each module opens with a "Summary of rule" (its equation and source) and holds plain loops over one run's actors,
camps and issues that read like `docs/model.md`. `model.turn` calls them in order for every run of a batch; the
Mesa model is a batch of one, so both engines run the same compiled code.

Compiled code is cached on disk. numba checks only the file of the function it caches, not the files of the
functions it calls, so the cache lives in a folder named after a hash of every source the kernel is built from:
any change to a rule starts a fresh cache instead of running stale code.

Speed without changing a rule: a call between compiled functions costs an atomic reference count for every array it
passes (and the 27-array state is packed into one struct, `state.pack`, for that reason), so the small functions
the evaluation calls hundreds of times a week (utility, war value, strike harm, keep margin) are inlined
(`inline="always"`), and the chances of each war are computed once per force vector (`batna.war_at`). Inlining
copies a function into every caller at compile time, so a larger function called from many places
(`batna.alternative`) stays a call: inlining it gained ~2% and cost ~30% more compilation."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_MODEL = Path(__file__).resolve().parent.parent


def _cache_dir() -> Path:
    digest = hashlib.sha256()
    sources = sorted(_MODEL.joinpath("rules").glob("*.py")) + [_MODEL / "turn.py", _MODEL / "layout.py",
                                                                _MODEL / "constants.py"]
    for path in sources:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ceasefire" / "numba"
    return base / digest.hexdigest()[:16]


if "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = str(_cache_dir())
    # Also for a numba imported before this module: its config was read at import.
    import numba.core.config

    numba.core.config.CACHE_DIR = os.environ["NUMBA_CACHE_DIR"]
