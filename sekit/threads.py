"""One thread per native thread pool for every call of the team's model.

scikit-learn's OpenMP loops (histogram gradient boosting, k-means) and BLAS start a thread per
core, and on a busy machine those threads spin while they wait for each other. Measured on a
2-core machine at load average 4: the tutorial's ``sekit gate`` took 7 min 40 s, 422 s of it in
``model.behaviour``, against 20 s at load 1. The batches sekit predicts gain little from threads
anyway, so every call of the team's model runs with one thread per pool (:func:`one_thread`,
used by :class:`~sekit.subjects.model.ModelUnderTest` and the Deepchecks engine), and
the report says so (:func:`applied`, the ``threads`` entry of its provenance).

A service sekit starts (the load test, a release's shadow or canary) runs the team's model in a
process of its own: it gets the same limit through the variables each pool reads when it starts
(:func:`service_environment`: ``OMP_NUM_THREADS`` and the BLAS ones), unless the user's
environment or ``[service].env`` sets them, and the report says so as well. A team that wants
its service measured with more threads says so there.

OpenMP's limit belongs to the thread that sets it (a limit set in one thread does not reach
threads started later), so the guard goes around each call rather than once per process. It
uses one ``threadpoolctl`` controller, made at the first call (after the model is loaded, so it
knows the model's libraries) and again whenever modules were imported since: making one scans
the loaded libraries (~15 ms), a limit then costs about 0.1 ms.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import Any

_lock = threading.Lock()
_controller: Any = None
_before: dict[str, int] = {}  # pool (user API) -> threads it had before sekit limited it
_used = False  # whether the team's model was called since the run began (reset)
_modules = 0  # len(sys.modules) when the controller was made
_served: dict[str, str] = {}  # variables set for a service sekit started since the run began

# what each native pool reads when a process starts (OpenMP; OpenBLAS, MKL, Accelerate)
POOL_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)


def _made() -> Any:
    global _controller, _modules
    with _lock:
        # made again when modules were imported since: a model loaded later may bring native
        # libraries of its own (scikit-learn's OpenMP), which an older controller does not know
        if _controller is None or len(sys.modules) != _modules:
            from threadpoolctl import ThreadpoolController

            _controller = ThreadpoolController()
            _modules = len(sys.modules)
            for pool in _controller.info():
                _before.setdefault(pool["user_api"], int(pool["num_threads"]))
        return _controller


@contextlib.contextmanager
def one_thread() -> Iterator[None]:
    """Run the block with one thread in every native pool (OpenMP, BLAS) of this thread."""
    global _used
    controller = _made()
    _used = True
    with controller.limit(limits=1):
        yield


def service_environment(given: Mapping[str, str]) -> dict[str, str]:
    """One thread per native pool for a service sekit starts: each pool variable that
    ``given`` (the environment and the service's own ``env``) does not set already. The run
    remembers them for its report (:func:`served`)."""
    added = {name: "1" for name in POOL_VARIABLES if name not in given}
    _served.update(added)
    return added


def reset() -> None:
    """A run begins: nothing of it has called the team's model yet."""
    global _used
    _used = False
    _served.clear()


def served() -> dict[str, str]:
    """The pool variables set for a service sekit started since the run began."""
    return dict(_served)


def applied() -> dict[str, int]:
    """The pools limited to one thread since the run began, with the threads each had (empty
    when the run never called the team's model)."""
    return dict(_before) if _used else {}


def describe(before: dict[str, int], service: dict[str, str] | None = None) -> str:
    """One line for the report: what was limited, and from how many threads."""
    pools = ", ".join(f"{api} {count} -> 1" for api, count in sorted(before.items()))
    where = []
    if before:
        where.append(f"in sekit ({pools}; threadpoolctl)")
    if service:
        where.append(f"in the service sekit started ({', '.join(f'{k}=1' for k in service)})")
    return (
        "the team's model ran with one thread per native pool "
        f"{' and '.join(where) or '(none loaded)'}, so that a busy machine cannot make its "
        "threads spin"
    )
