"""clinic-ai: Breast cancer diagnosis (Wisconsin), 569 samples, 30 measurements.

The pipeline, ingest -> sanitize -> features -> train -> evaluate (dvc.yaml):
``dvc repro``

The service, with /health, /predict and /feedback:
``uvicorn clinic_ai.serve:app``
"""

__version__ = "0.1.0"
