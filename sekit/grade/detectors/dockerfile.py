"""Dockerfiles read as instructions (with their line numbers), and what the course's release
rubric asks of the images they build: several stages, a model that is not inside the image.

A Dockerfile is parsed, never built: continuation lines joined, comments dropped, each
instruction kept with the line it starts on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sekit.grade.repository import Repository

MODEL_FILES = re.compile(
    r"\.(joblib|jbl|pkl|pickle|h5|keras|onnx|pt|pth|safetensors|gguf|skops|sav)\b|"
    r"(^|[\s/])(models?|artifacts?|output)/",
    re.IGNORECASE,
)

MODEL_FILE = re.compile(r"\.(joblib|jbl|pkl|pickle|h5|onnx|pt|pth|skops|safetensors)$", re.I)


@dataclass(frozen=True)
class Instruction:
    line: int
    keyword: str  # upper case: FROM, COPY, ENV, ...
    arguments: str

    def __str__(self) -> str:
        return f"{self.keyword} {self.arguments}"[:100]


def dockerfiles(repo: Repository) -> list[str]:
    """Files named like a Dockerfile that start from an image."""
    found = []
    for relative in repo.files:
        name = relative.rsplit("/", 1)[-1]
        lowered = name.lower()
        if (
            lowered == "dockerfile"
            or lowered.startswith("dockerfile.")
            or lowered.endswith(".dockerfile")
        ) and any(i.keyword == "FROM" for i in instructions(repo, relative)):
            found.append(relative)
    return found


def instructions(repo: Repository, relative: str) -> list[Instruction]:
    """The file's instructions, continuation lines joined (cached)."""
    cache: dict[str, list[Instruction]] = repo.__dict__.setdefault("_dockerfiles", {})
    if relative in cache:
        return cache[relative]
    found: list[Instruction] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate((repo.text(relative) or "").splitlines(), start=1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        text = " ".join(p.strip() for p in pending)
        pending = []
        keyword, _, arguments = text.partition(" ")
        found.append(Instruction(start, keyword.upper(), arguments.strip()))
    cache[relative] = found
    return found


def where(relative: str, instruction: Instruction) -> str:
    return f"{relative}:{instruction.line}: {instruction}"


def stages(repo: Repository, relative: str) -> list[Instruction]:
    return [i for i in instructions(repo, relative) if i.keyword == "FROM"]


def multi_stage(repo: Repository, relative: str) -> Instruction | None:
    """The ``COPY --from`` that takes a built stage's output, when the file has two stages."""
    if len(stages(repo, relative)) < 2:
        return None
    return next(
        (
            i
            for i in instructions(repo, relative)
            if i.keyword == "COPY" and re.search(r"--from[= ]", i.arguments)
        ),
        None,
    )


def copied_models(repo: Repository, relative: str) -> list[Instruction]:
    """``COPY``/``ADD`` instructions that put a model file or folder into the image (the build
    context's ``.`` copied whole counts when the repository holds model files the
    ``.dockerignore`` does not exclude)."""
    found = []
    ignored = _dockerignore(repo, relative)
    committed_models = [
        f
        for f in repo.files
        if MODEL_FILES.search(f) and not any(f.startswith(i) for i in ignored) and "test" not in f
    ]
    for instruction in instructions(repo, relative):
        if instruction.keyword == "RUN" and re.search(
            r"(wget|curl|urlretrieve|gdown)\b.*(model|\.joblib|\.jbl|\.pkl|\.onnx)",
            instruction.arguments,
            re.IGNORECASE,
        ):
            found.append(instruction)  # downloaded while building: inside the image
            continue
        if instruction.keyword not in ("COPY", "ADD"):
            continue
        parts = [p for p in instruction.arguments.split() if not p.startswith("--")]
        sources = parts[:-1]
        if re.search(r"--from[= ]", instruction.arguments):
            continue
        whole_context = any(s in (".", "./") for s in sources)
        if any(MODEL_FILES.search(source) for source in sources) or (
            whole_context and any(MODEL_FILE.search(f) for f in committed_models)
        ):
            found.append(instruction)
    return found


def _dockerignore(repo: Repository, relative: str) -> list[str]:
    folder = relative.rsplit("/", 1)[0] + "/" if "/" in relative else ""
    text = repo.text(f"{folder}.dockerignore") if f"{folder}.dockerignore" in repo.files else ""
    return [
        line.strip().strip("/").lstrip("*").lstrip("/")
        for line in (text or "").splitlines()
        if line.strip() and not line.startswith(("#", "!"))
    ]


def env_port(repo: Repository, relative: str) -> Instruction | None:
    """A start command that takes its listening port from a variable (``$PORT``)."""
    for instruction in instructions(repo, relative):
        if instruction.keyword in ("CMD", "ENTRYPOINT") and re.search(
            r"(port|bind|-p|:)[\s=:\"',]*\$\{?\w*PORT\w*", instruction.arguments, re.IGNORECASE
        ):
            return instruction
    return None
