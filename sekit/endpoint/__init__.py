"""A model sekit can only call: an HTTP endpoint (``[model].endpoint``).

:func:`client_for` builds the :class:`~sekit.endpoint.client.Client` of a config: its protocol
(:mod:`.answers`), its headers from environment variables, its limits and its cassette
(:mod:`.cassette`).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sekit.errors import InputError

if TYPE_CHECKING:
    from sekit.checks.context import Context
    from sekit.config.schema import Config
    from sekit.endpoint.client import Client


def running_endpoint(ctx: Context) -> str:
    """The URL of ``[model].endpoint``, checked to be on loopback (unless ``--allow-remote``).
    With ``[model].command``, sekit starts that stand-in of the endpoint on a free port for
    the run (once; stopped when the run ends) and puts the port into the URL."""
    from sekit.net import check_loopback

    model = ctx.config.model
    assert model is not None and model.endpoint is not None
    if model.command is None or model.cassette_only(ctx.options.record):
        # a replay never starts the stand-in, so its "{port}" stays: the host is what is checked
        check_loopback(
            model.endpoint.replace("{port}", "1"),
            allow_remote=ctx.options.allow_remote,
            what="[model].endpoint",
        )
        return model.endpoint.rstrip("/")
    command = model.command

    def start() -> str:
        import contextlib

        from sekit.config.schema import Service
        from sekit.subjects.service import started

        stack = contextlib.ExitStack()
        stand_in = Service(command=command, health=model.health)
        running = stack.enter_context(
            started(stand_in, root=ctx.config.root, workdir=ctx.workdir, log_name="endpoint.log")
        )
        ctx.on_close(stack.close)
        port = running.url.rsplit(":", 1)[1]
        return model.endpoint.replace("{port}", port)  # type: ignore[union-attr]

    return ctx.shared("endpoint.url", start)


def client_for(
    config: Config,
    *,
    url: str,
    features: tuple[str, ...],
    record: bool,
    seed: int = 0,
    allow_remote: bool = False,
) -> Client:
    """The configured endpoint's client (``[model].endpoint`` at ``url``); ``record`` writes
    the cassette instead of replaying it; ``seed`` is the run's (a sampling model's trials);
    ``allow_remote`` lets it call a host off this machine (``--allow-remote``)."""
    from sekit.endpoint.answers import Protocol
    from sekit.endpoint.cassette import Cassette
    from sekit.endpoint.client import Client
    from sekit.endpoint.prompt import Prompt

    model = config.model
    assert model is not None and model.endpoint is not None
    prompt = Prompt.from_text(model.prompt) if model.prompt is not None else None
    if model.prompt_file is not None:
        prompt = Prompt.read(model.prompt_file)
    schema = None
    if model.answer_schema is not None:
        try:
            schema = json.loads(_read(model.answer_schema, "model.answer_schema"))
        except json.JSONDecodeError as exc:
            raise InputError(
                model.answer_schema, f"not JSON ({exc.msg})", key="model.answer_schema"
            ) from None
    protocol = Protocol(
        kind=model.protocol,
        input=model.input,
        output=model.output,
        features=features,
        llm=model.llm,
        prompt=prompt,
        schema=schema,
        temperature=model.temperature,
        max_tokens=model.max_tokens,
        seed=seed,
    )
    cassette = None
    if model.cassette is not None:
        cassette = Cassette.open(model.cassette, recording=record)
    return Client(
        url,
        protocol,
        headers=model.headers,
        max_concurrency=model.max_concurrency,
        timeout=model.call_timeout,
        cassette=cassette,
        name=model.endpoint,
        allow_remote=allow_remote,
    )


def _read(path: object, key: str) -> str:
    from pathlib import Path

    assert isinstance(path, Path)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read it ({exc})", key=key) from None
