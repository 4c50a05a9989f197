"""regression-demo: Diabetes progression, 442 patients, 10 baseline measurements.

The pipeline, ingest -> sanitize -> features -> train -> evaluate:
``python -m regression_demo.pipeline``

The service, with /health, /predict and /feedback:
``uvicorn regression_demo.serve:app``
"""

__version__ = "0.1.0"
