"""regression-demo: Diabetes progression, 442 patients, 10 baseline measurements.

The pipeline, ingest -> sanitize -> features -> train -> evaluate (dvc.yaml):
``dvc repro``

The service, with /health, /predict and /feedback:
``uvicorn regression_demo.serve:app``
"""

__version__ = "0.1.0"
