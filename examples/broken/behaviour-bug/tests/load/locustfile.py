"""A load scenario of the team's own: predictions, and now and then a feedback label.

sekit writes its own locustfile for `sekit check load` (predictions only); to load-test with
this one instead, set `[load].locustfile = "tests/load/locustfile.py"` in sekit.toml, or run:

    locust -f tests/load/locustfile.py --host http://127.0.0.1:8000
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from locust import FastHttpUser, between, task

PAYLOADS = json.loads((Path(__file__).parent / "payload.json").read_text())


class Clinician(FastHttpUser):
    wait_time = between(0.1, 0.5)

    @task(10)
    def predict(self) -> None:
        answer = self.client.post("/predict", json=random.choice(PAYLOADS))
        if answer.status_code == 200 and random.random() < 0.1:
            label = random.choice(["malignant", "benign"])
            request_id = answer.json()["request_id"]
            self.client.post("/feedback", json={"request_id": request_id, "diagnosis": label})

    @task(1)
    def health(self) -> None:
        self.client.get("/health")
