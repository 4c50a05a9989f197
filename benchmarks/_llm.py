"""Shared by the LLM benchmarks: the llm template rendered into a folder (its gather and
sanitize stages run, so the reviews are the template's), and a sekit config for it that points
at a running local model."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "bench_llm"


def template_project(folder: Path, *, reviews: int = 40, seed: int = 7) -> Path:
    """``sekit new bench-llm --template llm`` in ``folder``, its reviews gathered and clean."""
    from sekit.scaffold import create, plan

    project = folder / "bench-llm"
    if not project.exists():
        create(plan("bench-llm", template="llm", target=project), git=False)
    params = project / "params.toml"
    text = params.read_text().replace("reviews = 40", f"reviews = {reviews}")
    params.write_text(text.replace("seed = 7", f"seed = {seed}", 1))
    env = {**os.environ, "PYTHONPATH": str(project / "src")}
    for stage in ("gather", "sanitize"):
        subprocess.run([sys.executable, "-m", f"{PACKAGE}.{stage}"], cwd=project, env=env,
                       check=True, capture_output=True)  # fmt: skip
    return project


def rows(project: Path) -> list[dict[str, str]]:
    with (project / "data" / "clean" / "reviews.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def configure(project: Path, url: str, extra: str = "") -> None:
    """Point the project's sekit.toml at a model already running at ``url`` (no stand-in
    started per run), with ``extra`` TOML lines appended to [model]."""
    config = project / "sekit.toml"
    text = config.read_text()
    text = text.replace(
        'endpoint = "http://127.0.0.1:{port}/v1/chat/completions"',
        f'endpoint = "{url}/v1/chat/completions"',
    )
    text = text.replace('command = "python -m sekit.llmserve --port {port}"\n', extra)
    config.write_text(text)
