"""The data checks: schema, quality, leakage and drift on ``[data]``'s datasets.

Each module of this package declares its checks in ``SPECS`` (:class:`~sekit.checks.spec.
CheckSpec`), the Deepchecks engine's among them; the suite (:mod:`.suite`) collects them when
they run. Importing the package imports nothing else. The Python API,
:func:`sekit.data.check`, runs the same checks through the runner on DataFrames.
"""
