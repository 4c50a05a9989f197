"""A project that improves step by step, like bvobart/mllint-example-projects' "basic" ladder
(1-1-basic ... 1-10-basic-tests): DVC, Poetry, linters, formatting, lint fixes, security fixes,
types, CI, tests. Written for these tests (no code of that repository is copied); each step
changes what the real step changed, so the grade can be checked to rise at every step.
"""

# ruff: noqa: E501  (fault cases as data: one per line)
from __future__ import annotations

README = (
    "# Stack Overflow tag prediction\n\n"
    + " ".join(
        f"Step {i}: we read the posts, clean them, count words and train a classifier that "
        "predicts whether a question is about Python."
        for i in range(12)
    )
    + "\n"
)

PREPARE_MESSY = """import os, sys
import random
import xml.etree.ElementTree
import pickle

def process_posts(fd_in, fd_out, target_tag):
    num = 1
    for line in fd_in:
        try:
            attr = xml.etree.ElementTree.fromstring(line).attrib
            pid = attr.get('Id', '')
            label = 1 if target_tag in attr.get('Tags', '') else 0
            title = attr.get('Title', '').replace('\\t', ' ')
            body = attr.get('Body', '').replace('\\t', ' ')
            fd_out.write('{}\\t{}\\t{}\\n'.format(pid, label, title + ' ' + body))
            num += 1
        except Exception as ex:
            sys.stderr.write(f'Skipping the broken line {num}: {ex}\\n')

def split(rows, ratio):
    random.seed(20170426)
    train, test = [], []
    for row in rows:
        if random.random() > ratio:
            train.append(row)
        else:
            test.append(row)
    return train, test

def main(argv):
    if len(argv) != 2:
        sys.stderr.write('Arguments error. Usage: python prepare.py data-file\\n')
        sys.exit(1)
    with open(argv[1]) as fd_in, open('data/prepared/train.tsv', 'w') as fd_out:
        process_posts(fd_in, fd_out, '<python>')
"""

PREPARE_FORMATTED = """import os
import pickle
import random
import sys
import xml.etree.ElementTree


def process_posts(fd_in, fd_out, target_tag):
    num = 1
    for line in fd_in:
        try:
            attr = xml.etree.ElementTree.fromstring(line).attrib
            pid = attr.get("Id", "")
            label = 1 if target_tag in attr.get("Tags", "") else 0
            title = attr.get("Title", "").replace("\\t", " ")
            body = attr.get("Body", "").replace("\\t", " ")
            fd_out.write("{}\\t{}\\t{}\\n".format(pid, label, title + " " + body))
            num += 1
        except Exception as ex:
            sys.stderr.write(f"Skipping the broken line {num}: {ex}\\n")


def split(rows, ratio):
    random.seed(20170426)
    train, test = [], []
    for row in rows:
        if random.random() > ratio:
            train.append(row)
        else:
            test.append(row)
    return train, test


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("Arguments error. Usage: python prepare.py data-file\\n")
        sys.exit(1)
    with open(argv[1]) as fd_in, open("data/prepared/train.tsv", "w") as fd_out:
        process_posts(fd_in, fd_out, "<python>")
"""

PREPARE_LINTED = '''"""Turn the raw posts into a labelled table and split it."""

import random
import sys
import xml.etree.ElementTree


def process_posts(fd_in, fd_out, target_tag):
    """Write one line per post: id, label, text."""
    for number, line in enumerate(fd_in, start=1):
        try:
            attr = xml.etree.ElementTree.fromstring(line).attrib
        except xml.etree.ElementTree.ParseError as ex:
            sys.stderr.write(f"Skipping the broken line {number}: {ex}\\n")
            continue
        label = 1 if target_tag in attr.get("Tags", "") else 0
        text = attr.get("Title", "") + " " + attr.get("Body", "")
        fd_out.write(f"{attr.get('Id', '')}\\t{label}\\t{text}\\n")


def split(rows, ratio):
    """Split rows at random (seeded) into train and test."""
    generator = random.Random(20170426)
    train, test = [], []
    for row in rows:
        (test if generator.random() < ratio else train).append(row)
    return train, test


def main(argv):
    """Prepare the posts named on the command line."""
    if len(argv) != 2:
        sys.stderr.write("Arguments error. Usage: python prepare.py data-file\\n")
        sys.exit(1)
    with open(argv[1], encoding="utf-8") as fd_in, open(
        "data/prepared/train.tsv", "w", encoding="utf-8"
    ) as fd_out:
        process_posts(fd_in, fd_out, "<python>")
'''

PREPARE_SAFE = PREPARE_LINTED.replace(
    "import xml.etree.ElementTree\n", "import defusedxml.ElementTree\n"
).replace("xml.etree.ElementTree.", "defusedxml.ElementTree.")

PREPARE_TYPED = (
    PREPARE_SAFE.replace(
        "def process_posts(fd_in, fd_out, target_tag):",
        "def process_posts(fd_in: TextIO, fd_out: TextIO, target_tag: str) -> None:",
    )
    .replace(
        "def split(rows, ratio):",
        "def split(rows: list[str], ratio: float) -> tuple[list[str], list[str]]:",
    )
    .replace("def main(argv):", "def main(argv: list[str]) -> None:")
    .replace(
        "    train, test = [], []",
        "    train: list[str] = []\n    test: list[str] = []",
    )
    .replace("import sys\n", "import sys\nfrom typing import TextIO\n")
)

TRAIN_MESSY = """import sys, os
import pickle
import numpy as np
from sklearn.ensemble import RandomForestClassifier

def train(features_file, model_file, params={}):
    with open(features_file, 'rb') as fd:
        matrix = pickle.load(fd)
    labels = np.squeeze(matrix[:, 1].toarray())
    x = matrix[:, 2:]
    clf = RandomForestClassifier(n_estimators=params.get('n_est', 100), random_state=params.get('seed'))
    clf.fit(x, labels)
    with open(model_file, 'wb') as fd:
        pickle.dump(clf, fd)
"""

TRAIN_FORMATTED = """import os
import pickle
import sys

import numpy as np
from sklearn.ensemble import RandomForestClassifier


def train(features_file, model_file, params={}):
    with open(features_file, "rb") as fd:
        matrix = pickle.load(fd)
    labels = np.squeeze(matrix[:, 1].toarray())
    x = matrix[:, 2:]
    clf = RandomForestClassifier(
        n_estimators=params.get("n_est", 100), random_state=params.get("seed")
    )
    clf.fit(x, labels)
    with open(model_file, "wb") as fd:
        pickle.dump(clf, fd)
"""

TRAIN_LINTED = '''"""Train the classifier on the feature matrix."""

import pickle

import numpy as np
from sklearn.ensemble import RandomForestClassifier


def train(features_file, model_file, params=None):
    """Fit a random forest and save it."""
    params = params or {}
    with open(features_file, "rb") as handle:
        matrix = pickle.load(handle)
    labels = np.squeeze(matrix[:, 1].toarray())
    classifier = RandomForestClassifier(
        n_estimators=params.get("n_est", 100), random_state=params.get("seed", 20170426)
    )
    classifier.fit(matrix[:, 2:], labels)
    with open(model_file, "wb") as handle:
        pickle.dump(classifier, handle)
'''

TRAIN_TYPED = TRAIN_LINTED.replace(
    "def train(features_file, model_file, params=None):",
    "def train(features_file: str, model_file: str, params: dict[str, int] | None = None) -> None:",
)

EVALUATE = '''"""Evaluate the model on the test matrix."""

import json
import pickle

from sklearn.metrics import roc_auc_score


def evaluate(model_file: str, matrix_file: str, scores_file: str) -> None:
    """Write the ROC AUC of the model on the test matrix."""
    with open(model_file, "rb") as handle:
        model = pickle.load(handle)
    with open(matrix_file, "rb") as handle:
        matrix = pickle.load(handle)
    predictions = model.predict_proba(matrix[:, 2:])[:, 1]
    with open(scores_file, "w", encoding="utf-8") as handle:
        json.dump({"roc_auc": roc_auc_score(matrix[:, 1].toarray(), predictions)}, handle)
'''

FEATURIZE = '''"""Count words and weigh them with tf-idf."""

from sklearn.feature_extraction.text import TfidfVectorizer


def featurize(texts: list[str], max_features: int = 500) -> object:
    """The tf-idf matrix of the texts."""
    return TfidfVectorizer(max_features=max_features).fit_transform(texts)
'''

GET_DATA = """import urllib.request
urllib.request.urlretrieve('https://example.org/posts.xml', 'data/data.xml')
"""

REQUIREMENTS = "pandas\nscikit-learn\nscipy\npyaml\n"
PARAMS = "prepare:\n  split: 0.2\n  seed: 20170426\ntrain:\n  n_est: 100\n"
DVC_FILE = "outs:\n- md5: 3f2b\n  size: 1234567\n  path: data.xml\n"
DVC_CONFIG = "[core]\n    remote = storage\n['remote \"storage\"']\n    url = /srv/dvc-storage\n"

POETRY = """[tool.poetry]
name = "tags"
version = "0.1.0"
description = "Stack Overflow tag prediction"
authors = ["A Student <a@uni.example>"]

[tool.poetry.dependencies]
python = "^3.11"
pandas = "^2.2"
scikit-learn = "^1.5"
scipy = "^1.13"

[tool.poetry.dev-dependencies]
dvc = "^3.50"
"""
POETRY_LINTING = (
    POETRY
    + """pylint = "^3.2"
mypy = "^1.10"
black = "^24.4"
isort = "^5.13"
bandit = "^1.7"

[tool.black]
line-length = 100

[tool.isort]
profile = "black"
"""
)
POETRY_SAFE = POETRY_LINTING.replace('scipy = "^1.13"\n', 'scipy = "^1.13"\ndefusedxml = "^0.7"\n')
WORKFLOW = """name: quality
on: [push]
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install poetry && poetry install
      - run: poetry run pylint src
"""
TESTS_PREPARE = '''"""Tests of the preparation step."""

import io

from prepare import process_posts


def test_process_posts_labels_python_questions() -> None:
    """A post tagged python becomes a positive line."""
    raw = io.StringIO('<row Id="1" Tags="&lt;python&gt;" Title="t" Body="b" />\\n')
    out = io.StringIO()
    process_posts(raw, out, "<python>")
    assert out.getvalue() == "1\\t1\\tt b\\n"


def test_process_posts_skips_broken_lines() -> None:
    """A line that is not XML is skipped."""
    out = io.StringIO()
    process_posts(io.StringIO("not xml\\n"), out, "<python>")
    assert out.getvalue() == ""
'''

BASE: dict[str, str | None] = {
    "ReadMe.md": README,
    ".gitignore": "/data/*.xml\n/data/prepared\n",
    "params.yaml": PARAMS,
    "requirements.txt": REQUIREMENTS,
    "data/get_data.py": GET_DATA,
    "src/prepare.py": PREPARE_MESSY,
    "src/featurization.py": FEATURIZE,
    "src/train.py": TRAIN_MESSY,
    "src/evaluate.py": EVALUATE,
}

# (branch of the real ladder, what changes: path -> new content, or None to delete)
STEPS: list[tuple[str, dict[str, str | None]]] = [
    ("1-1-basic", BASE),
    (
        "1-2-basic-dvc",
        {
            "data/get_data.py": None,
            "data/data.xml.dvc": DVC_FILE,
            ".dvc/config": DVC_CONFIG,
            ".dvcignore": "",
        },
    ),
    ("1-3-basic-poetry", {"requirements.txt": None, "pyproject.toml": POETRY, "poetry.lock": "# lock\n"}),
    ("1-4-basic-linting", {"pyproject.toml": POETRY_LINTING, "pylintrc": "[MASTER]\n"}),
    (
        "1-5-basic-fix-codestyle",
        {"src/prepare.py": PREPARE_FORMATTED, "src/train.py": TRAIN_FORMATTED},
    ),
    ("1-6-basic-fix-pylint", {"src/prepare.py": PREPARE_LINTED, "src/train.py": TRAIN_LINTED}),
    (
        "1-7-basic-fix-bandit",
        {"src/prepare.py": PREPARE_SAFE, "pyproject.toml": POETRY_SAFE, ".bandit": "[bandit]\n"},
    ),
    (
        "1-8-basic-fix-mypy",
        {"src/prepare.py": PREPARE_TYPED, "src/train.py": TRAIN_TYPED, ".mypy.ini": "[mypy]\n"},
    ),
    ("1-9-basic-ci", {".github/workflows/quality.yml": WORKFLOW}),
    ("1-10-basic-tests", {"tests/prepare_test.py": TESTS_PREPARE}),
]  # fmt: skip
