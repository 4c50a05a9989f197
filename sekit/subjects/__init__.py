"""What the checks look at: the subjects layer below the suites, and the check-author API.

Every suite, and a plugin suite, reaches the project's inputs through these modules and never
through another suite's insides:

* :mod:`sekit.subjects.datasets` — the configured datasets of a run (:class:`DataBundle`,
  :func:`~sekit.subjects.datasets.bundle_from_config`), read by :mod:`sekit.subjects.tables`
  (CSV, Parquet, JSON Lines; every unusable file a one-line error) and judged column by column
  by :mod:`sekit.subjects.types`;
* :mod:`sekit.subjects.model` — the model under test (:class:`ModelUnderTest`) and its loaders:
  a file (:mod:`sekit.subjects.model_files`), MLflow (:mod:`sekit.subjects.mlflow_models`) or
  an endpoint (:mod:`sekit.subjects.endpoint_model`); :mod:`sekit.subjects.testset` scores it on
  the labelled test set;
* :mod:`sekit.subjects.service` — the service under test, started from ``[service].command``;
* :mod:`sekit.subjects.servedlog` — the served (prediction) log, each line validated, and
  :mod:`sekit.subjects.feedback` — the feedback store (the labels that came back).

Each loader reads once per run (``ctx.shared``) and raises a one-line :mod:`sekit.errors` error
that names the file and the key. Importing this package imports no pandas, numpy or
scikit-learn: the modules import them when a check calls them.
"""
