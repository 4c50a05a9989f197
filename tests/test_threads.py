"""sekit.threads: the team's model is called with one thread per native pool, the pools get
their threads back afterwards, and the report says what was limited."""

from __future__ import annotations

import threading

import numpy as np
from sklearn.linear_model import LinearRegression
from threadpoolctl import threadpool_info, threadpool_limits

from sekit import threads
from sekit.subjects.model import ModelUnderTest


def pools() -> dict[str, int]:
    return {pool["user_api"]: int(pool["num_threads"]) for pool in threadpool_info()}


class Spy:
    """A model that records the native pools' threads while it predicts."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def predict(self, rows: object) -> np.ndarray:
        self.seen = pools()
        return np.zeros(3)


def test_a_model_call_runs_with_one_thread_per_pool_and_gives_them_back() -> None:
    import pandas as pd

    LinearRegression().fit(np.eye(3), np.arange(3))  # loads scikit-learn's OpenMP and BLAS
    threads.reset()
    assert threads.applied() == {}  # nothing called the team's model yet
    spy = Spy()
    subject = ModelUnderTest(
        model=spy, source="spy", task="regression", features=["a"], named=False
    )
    with threadpool_limits(limits=2):  # as on a 2-core machine, whatever OMP_NUM_THREADS says
        before = pools()
        assert before and set(before.values()) == {2}
        subject.predict(pd.DataFrame({"a": [1.0, 2.0, 3.0]}))
        assert spy.seen.keys() == before.keys() and set(spy.seen.values()) == {1}
        assert pools() == before
    assert threads.applied().keys() >= before.keys()
    assert "one thread per native pool" in threads.describe(threads.applied())


def test_the_limit_holds_in_the_thread_that_calls_the_model() -> None:
    """OpenMP's limit belongs to the calling thread: a check running in a worker thread (the
    runner's time limit) gets it too."""
    LinearRegression().fit(np.eye(3), np.arange(3))
    seen: dict[str, int] = {}

    def call() -> None:
        with threadpool_limits(limits=2), threads.one_thread():
            seen.update(pools())

    worker = threading.Thread(target=call)
    worker.start()
    worker.join()
    assert seen and set(seen.values()) == {1}


def test_a_controller_made_before_the_model_loaded_is_made_again() -> None:
    """A controller made before scikit-learn's OpenMP was loaded does not know that pool (the
    Deepchecks world's test order): one made before more modules were imported is replaced."""
    first = threads._made()
    assert threads._made() is first  # nothing imported since: the same one
    threads._modules -= 1  # as if a model's modules were imported since
    again = threads._made()
    assert again is not first
    assert {pool["user_api"] for pool in again.info()} >= {"openmp", "blas"}
