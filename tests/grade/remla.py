"""A team of six repositories laid out like TU Delft REMLA teams' (remla25-team13, 2025):
model-training, model-service, app (front end and back end), lib-ml, lib-version, operation.
Written for these tests: each file says what the real one says in a few lines, none is copied.
"""

# ruff: noqa: E501  (fault cases as data: one per line)
from __future__ import annotations

from pathlib import Path

from tests.grade.conftest import git_repo

WORDS = " ".join(["The team trains a sentiment model on restaurant reviews."] * 20)

MODEL_TRAINING: dict[str, str | bytes] = {
    "README.md": f"# model-training\n\n![coverage](https://img.shields.io/badge/Coverage-76%25-green)\n\n{WORDS}\n",
    ".dvc/config": "[core]\n    remote = gdrive\n['remote \"gdrive\"']\n    url = gdrive://1abc\n",
    "output/reviews.tsv.dvc": "outs:\n- md5: 3a1f5c\n  size: 54000\n  hash: md5\n  path: reviews.tsv\n",
    "output/.gitignore": "/reviews.tsv\n/model-gauss.jbl\n",
    "dvc.yaml": (
        "stages:\n"
        "  preprocess:\n    cmd: python -m review_rating.modeling prepare output/reviews.tsv -o output\n"
        "    deps:\n    - review_rating/\n    - output/reviews.tsv\n    outs:\n    - output/processed_data.pk1\n"
        "  train:\n    cmd: python -m review_rating.modeling train --input-dir output\n"
        "    deps:\n    - output/processed_data.pk1\n    outs:\n    - output/model-gauss.jbl\n"
        "  evaluate:\n    cmd: python -m review_rating.modeling evaluate --input-dir output\n"
        "    deps:\n    - output/model-gauss.jbl\n    metrics:\n    - output/metrics.json\n"
    ),
    "requirements.txt": "scikit-learn==1.6.1\npandas==2.2.3\njoblib==1.4.2\ndvclive==3.48.0\n",
    "requirements-dev.txt": "pytest==8.3.5\npylint==3.3.6\nflake8==7.2.0\n",
    "review_rating/__init__.py": "",
    "review_rating/modeling/prepare_data.py": (
        '"""Split the reviews."""\nimport pandas as pd\nfrom sklearn.model_selection import train_test_split\n\n\n'
        "def prepare_data(path: str, test_split: float = 0.2, random_state: int = 42):\n"
        '    data = pd.read_csv(path, sep="\\t")\n'
        '    return train_test_split(data["Review"], data["Liked"], test_size=test_split, random_state=random_state)\n'
    ),
    "review_rating/modeling/train.py": (
        '"""Train the model."""\nimport joblib\nfrom sklearn.naive_bayes import GaussianNB\n\n\n'
        "def train_model(x, y, output: str) -> None:\n    joblib.dump(GaussianNB().fit(x, y), output)\n"
    ),
    "review_rating/tests/test_data.py": (
        "import pandas as pd\n\n\ndef test_no_missing_reviews():\n"
        '    df = pd.read_csv("output/reviews.tsv", sep="\\t")\n    assert df["Review"].notnull().all()\n'
    ),
    "review_rating/tests/test_model.py": (
        "def test_model_determinism(train):\n    assert (train(seed=1).predict([[1]]) == train(seed=1).predict([[1]])).all()\n"
    ),
    "Dockerfile": 'FROM python:3.12-slim\nCOPY . .\nRUN pip install -r requirements.txt\nCMD ["dvc", "repro"]\n',
    ".github/workflows/quality.yml": (
        "name: quality\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n      - run: pip install -r requirements-dev.txt\n      - run: pytest review_rating\n"
    ),
}
MODEL_SERVICE: dict[str, str | bytes] = {
    "README.md": f"# model-service\n\n{WORDS}\n",
    "requirements.txt": "flask==3.1.0\njoblib==1.4.2\nlib-ml @ git+https://github.com/example/lib-ml@v1.0.0\n",
    "src/app.py": (
        '"""Flask API for the sentiment model."""\nfrom flask import Flask, jsonify, request\n\napp = Flask(__name__)\n\n\n'
        '@app.route("/health")\ndef health():\n    return jsonify(status="ok")\n\n\n'
        '@app.route("/predict", methods=["POST"])\ndef predict():\n    return jsonify(result=1)\n'
    ),
    "Dockerfile": 'FROM python:3.12-slim\nCOPY src src\nENTRYPOINT ["python", "src/app.py"]\n',
}
APP: dict[str, str | bytes] = {
    "README.md": "# app\n\nThe front end and its back end.\n",
    "frontend/src/app/prompt-form.component.html": '<form (ngSubmit)="submit()"><textarea name="review"></textarea></form>\n',
    "backend/app.py": (
        "import os\n\nimport requests\nfrom flask import Flask\nfrom prometheus_client import Counter\n\n"
        'MODEL_SERVICE_URL = os.getenv("MODEL_SERVICE_URL", "http://localhost:8081")\n'
        'PREDICTIONS = Counter("predictions", "predictions served")\napp = Flask(__name__)\n\n\n'
        '@app.route("/predict", methods=["POST"])\ndef predict():\n'
        '    return requests.post(f"{MODEL_SERVICE_URL}/predict", json={}).json()\n'
    ),
}
LIB_ML: dict[str, str | bytes] = {
    "README.md": "# lib-ml\n\nPreprocessing shared by training and serving.\n",
    "pyproject.toml": '[project]\nname = "lib-ml"\nversion = "1.0.0"\ndependencies = ["nltk>=3.9"]\n',
    "lib_ml/preprocessing.py": '"""Clean a review."""\n\n\ndef clean(text: str) -> str:\n    """Lower case, letters only."""\n    return "".join(c for c in text.lower() if c.isalpha() or c == " ")\n',
}
LIB_VERSION: dict[str, str | bytes] = {
    "README.md": "# lib-version\n\nKnows its own version.\n",
    "pyproject.toml": '[project]\nname = "lib-version"\nversion = "1.0.0"\n',
    "lib_version/version_util.py": '"""The version."""\n\n\ndef version() -> str:\n    """The package version."""\n    return "1.0.0"\n',
    "tests/test_version_util.py": 'from lib_version.version_util import version\n\n\ndef test_version():\n    assert version() == "1.0.0"\n',
}
OPERATION: dict[str, str | bytes] = {
    "README.md": f"# operation\n\n{WORDS}\n",
    "ACTIVITY.md": "# Activity\n\n"
    + " ".join(["This week we set up the cluster and the dashboards."] * 20)
    + "\n",
    "docker-compose.yml": "services:\n  app:\n    image: ghcr.io/example/app:latest\n  model-service:\n    image: ghcr.io/example/model-service:latest\n",
    "helm-chart/Chart.yaml": "apiVersion: v2\nname: sentiment-chart\nversion: 0.1.0\n",
    "helm-chart/templates/alerting.yaml": (
        "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n"
        '  name: {{ include "sentiment-chart.fullname" . }}-app-rules\nspec:\n  groups:\n'
        '  - name: {{ include "sentiment-chart.name" . }}-rules\n    rules:\n'
        "    - alert: ManySlowRequests\n      expr: rate(flask_http_request_duration_seconds_count[5m]) > 1.5\n      for: 1m\n"
    ),
    "helm-chart/templates/deployment.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-app\nspec:\n  template:\n"
        '    metadata:\n      annotations:\n        prometheus.io/scrape: "true"\n'
        "    spec:\n      containers:\n      {{- range .Values.containers }}\n      - name: {{ .name }}\n      {{- end }}\n"
    ),
    "helm-chart/templates/virtualservice.yaml": (
        "apiVersion: networking.istio.io/v1beta1\nkind: VirtualService\nmetadata:\n  name: app\nspec:\n  http:\n"
        "  - route:\n    - destination:\n        host: app\n        subset: v1\n      weight: 90\n"
        "    - destination:\n        host: app\n        subset: v2\n      weight: 10\n"
    ),
    "grafana/dashboards/team.json": '{"title": "team dashboard", "panels": [{"type": "graph"}, {"type": "stat"}]}\n',
}
REPOSITORIES = {
    "model-training": MODEL_TRAINING,
    "model-service": MODEL_SERVICE,
    "app": APP,
    "lib-ml": LIB_ML,
    "lib-version": LIB_VERSION,
    "operation": OPERATION,
}


def remla_team(
    folder: Path, *, change: dict[str, dict[str, str | bytes]] | None = None
) -> dict[str, Path]:
    """The six repositories of one team under ``folder`` (each a git repository with a few
    commits); ``change`` adds or replaces files per repository."""
    made = {}
    for name, files in REPOSITORIES.items():
        root = folder / name
        root.mkdir(parents=True)
        made[name] = git_repo(root, {**files, **(change or {}).get(name, {})}, commits=3)
    return made
