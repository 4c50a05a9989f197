"""Repositories modelled on real course repositories (TU Delft REMLA, 2024-25), as they are
before anyone runs ``dvc pull``: the layout, the DVC files and the lines sekit init reads,
written for these tests (no code of theirs is copied)."""

# ruff: noqa: E501  (fault cases as data: one per line)
from __future__ import annotations

DVC_CONFIG = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = gdrive://1abc\n"

REPOSITORIES: dict[str, dict[str, str | bytes]] = {
    # remla25-team13/model-training: the reviews in a .dvc file, models as dvc.yaml artifacts
    "team13-model-training": {
        ".dvc/config": DVC_CONFIG,
        "output/reviews.tsv.dvc": "outs:\n- md5: 3a1f5c0d\n  size: 54000\n  path: reviews.tsv\n",
        "output/.gitignore": "/reviews.tsv\n",
        "dvc.yaml": "stages:\n  train:\n    cmd: python -m review_rating.modeling train\n    deps:\n    - review_rating/\n    outs:\n    - output/model-gauss.jbl\n    - output/vectorizer.pkl\nartifacts:\n  model-gauss:\n    path: output/model-gauss.jbl\n    type: model\n",
        "review_rating/modeling/prepare_data.py": 'import pandas as pd\n\n\ndef prepare_data(path, random_state: int = 42):\n    dataset = pd.read_csv(path, sep="\\t")\n    y = dataset["Liked"].to_numpy()\n    return dataset, y\n',
        "review_rating/tests/test_model.py": "def test_model_determinism():\n    assert True\n",
        ".github/workflows/quality.yml": "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
        "requirements.txt": "scikit-learn==1.6.1\n",
    },
    # remla25-team8/model-training: data and model as dvc.yaml stage outs, a pre-commit config
    "team8-model-training": {
        ".dvc/config": DVC_CONFIG,
        "dvc.yaml": "stages:\n  get_data:\n    cmd: python src/download_data.py\n    outs:\n      - data/raw/raw_data.tsv\n  train:\n    cmd: python src/train.py\n    deps:\n      - data/raw/raw_data.tsv\n    outs:\n      - models/sentiment_classifier.joblib\n",
        "src/preprocess.py": "def split(dataset):\n    y = dataset['Liked']\n    return y\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.4.2\n    hooks:\n      - id: black\n",
        "tests/test_data.py": "def test_rows():\n    assert True\n",
        "pyproject.toml": '[project]\nname = "model-training"\nversion = "0.1.0"\n',
    },
    # remla25-team1/model-training: a committed sample, DVC outs, a bag-of-words file beside the model
    "team1-model-training": {
        ".dvc/config": DVC_CONFIG,
        "dvc.yaml": "stages:\n  pre_process:\n    cmd: python model_training/preprocessing.py\n    outs:\n    - data/processed/a1_RestaurantReviews_HistoricDump.tsv\n",
        "data/processed/metamorphic_data.tsv": "Review\tLiked\nWow... Loved this place.\t1\nCrust is not good.\t0\n",
        "bow/c1_BoW_Sentiment_Model.pkl": b"\x80\x04N.",
        "models/test_model_dev/test_model_dev_Sentiment_Model.pkl": b"\x80\x04N.",
        "model_training/features.py": 'def features(dataset):\n    y = dataset["Liked"].values\n    return y\n',
        "tests/test_data_and_features.py": "def test_features():\n    assert True\n",
    },
    # remla25-team13/model-service: a Flask app that downloads its model at start
    "team13-model-service": {
        "src/app.py": 'from flask import Flask, jsonify\n\napp = Flask(__name__)\n\n\n@app.route("/predict", methods=["POST"])\ndef predict():\n    return jsonify(result=1)\n\n\n@app.route("/version")\ndef version():\n    return "v2"\n',
        "requirements.txt": "flask==3.1.0\n",
        "Dockerfile": 'FROM python:3.12-slim\nENTRYPOINT ["/root/src/entry.sh"]\n',
    },
    # remla25-team13/app-service: a Flask back end with a health route and DVC-versioned reviews
    "team13-app-service": {
        ".dvc/config": DVC_CONFIG,
        "output/reviews.tsv.dvc": "outs:\n- md5: 9e2b\n  size: 1200\n  path: reviews.tsv\n",
        "app.py": 'import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/health")\ndef health():\n    return "ok"\n\n\n@app.route("/predict", methods=["POST"])\ndef predict():\n    return requests.post("http://model-service:8081/predict", json={}).json()\n',
        "requirements.txt": "flask==3.1.0\nrequests==2.32.3\n",
    },
}
NOTHING = {
    # remla24-team7/model-training: DVC versions a whole folder; no model file, no service
    "team7-model-training": {
        ".dvc/config": DVC_CONFIG,
        "dataset.dvc": "outs:\n- md5: 77aa.dir\n  path: dataset\n",
        "scripts/train.py": "def train():\n    return None\n",
    }
}
