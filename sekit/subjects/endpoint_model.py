"""A model that is an endpoint: :class:`EndpointModel` gives the model checks the ``predict``
they call on any model, by calling ``[model].endpoint`` once per row.

Answers are reused within a run: quality, slices, baselines and fairness all score the same
test rows, and one call per distinct request is enough (the determinism test calls the client
itself, twice). A call that brings no usable answer (an error status, a time-out, an answer
without the prediction) predicts ``<no answer: why>``, which no label equals: an answer that
never came is a wrong answer. Every call is kept for the budget metrics (``model.endpoint``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sekit.endpoint.cassette import key_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sekit.endpoint.client import Call, Client

NO_ANSWER = "<no answer: {}>"
TEST_SET = "test set"  # the stage of the calls that score the model on the data


class EndpointModel:
    """``predict`` by calling the endpoint; ``classes_`` from the training labels."""

    def __init__(self, client: Client, classes: Sequence[Any] = ()) -> None:
        self.client = client
        self.classes_ = list(classes)
        self._answers: dict[str, Call] = {}
        self._by_name = {str(c): c for c in self.classes_}

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """The endpoint's answer for each row of ``frame`` (one call per distinct request,
        reused within the run); ``<no answer: why>`` where no usable answer came."""
        import numpy as np

        bodies = [self.client.protocol.body(plain_row(row)) for row in records(frame)]
        keys = [key_of(self.client.name, body) for body in bodies]
        wanted = {k: b for k, b in zip(keys, bodies, strict=True) if k not in self._answers}
        if wanted:
            calls = self.client.call(list(wanted.values()), stage=TEST_SET)
            self._answers.update(zip(wanted, calls, strict=True))
        self.client.complete()
        return np.asarray([self._prediction(self._answers[k]) for k in keys], dtype=object)

    def unanswered(self, frame: pd.DataFrame) -> dict[str, int]:
        """Rows of ``frame`` whose call brought no answer, by why (``timeout``, ``http 503``,
        ...); rows not called yet are not counted."""
        found: dict[str, int] = {}
        for row in records(frame):
            body = self.client.protocol.body(plain_row(row))
            call = self._answers.get(key_of(self.client.name, body))
            if call is not None and not call.ok:
                reason = str(call.error)
                found[reason] = found.get(reason, 0) + 1
        return found

    def _prediction(self, call: Call) -> Any:
        if not call.ok:
            return NO_ANSWER.format(call.error)
        return self._by_name.get(str(call.prediction), call.prediction)


def records(frame: pd.DataFrame) -> list[dict[Any, Any]]:
    """The rows of ``frame`` as dicts, column name to value."""
    return frame.to_dict(orient="records")


def plain_row(row: dict[Any, Any]) -> dict[str, Any]:
    """JSON values: numpy scalars as Python numbers, missing values as null."""
    import math

    plain: dict[str, Any] = {}
    for name, value in row.items():
        item = getattr(value, "item", None)
        value = item() if callable(item) else value
        if isinstance(value, float) and not math.isfinite(value):
            value = None
        plain[str(name)] = value
    return plain
