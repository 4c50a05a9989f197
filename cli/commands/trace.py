"""``sekit trace REQUEST_ID``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sekit_cli.options import config_option, format_option


@click.command(short_help="Where one served answer came from.")
@click.argument("request_id")
@click.option(
    "--log",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="The prediction log (default: the first that holds the request of [monitor].log, "
    "[experiment].log, [data].production and the .jsonl logs beside them).",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 also on a caveat (an answer not yet committed), not only on a gap.",
)
@format_option()
@config_option
def trace(
    request_id: str, log: Path | None, strict: bool, fmt: str, config_path: Path | None
) -> int:
    """Which model version, which pipeline commit and which training data produced the
    answer to REQUEST_ID: from the prediction log, the MLflow run tagged with that model
    version, and dvc.lock at the run's git commit.

    Exit code 0 when all three are answered, 1 when one is not (the gaps are listed; with
    --strict also when an answer is only in uncommitted files), 2 when no log holds the
    request.

    \b
    Examples:
      sekit trace 3f2c9a0d4b1e4f7a9c8d6e5f4a3b2c1d
      sekit trace 3f2c9a0d --log logs/requests.jsonl --format json
      sekit trace 3f2c9a0d --strict                    # in CI: uncommitted provenance fails
    """
    from sekit.config.loader import load_config
    from sekit.trace import trace as find

    config = load_config(config_path)
    found = find(config, request_id, log=log.resolve() if log else None)
    if fmt == "json":
        click.echo(json.dumps(found.shown(), indent=2, default=str))
    else:
        click.echo(_text(found.shown(), markdown=fmt == "markdown"))
    return 1 if found.gaps or (strict and found.caveats) else 0


def _text(shown: dict, *, markdown: bool) -> str:  # type: ignore[type-arg]
    head = "## " if markdown else ""
    item = "- " if markdown else "  "
    served = shown["served"]
    lines = [f"{head}request {shown['request_id']} ({shown['log']})"]
    for key in ("timestamp", "model_version", "arm", "user_id", "status", "latency_ms"):
        if key in served:
            lines.append(f"{item}{key}: {served[key]}")
    answer = {k: v for k, v in served.items() if k.startswith("answer_") or k == "prediction"}
    if answer:
        lines.append(f"{item}answer: {json.dumps(answer, default=str)}")
    if shown["feedback"] is not None:
        lines.append(f"{item}feedback: {shown['feedback']}")
    run = shown["run"]
    if run is not None:
        lines.append(f"{head}model: MLflow run {run['run_id']}")
        for registered in run["registered"]:
            aliases = f" ({', '.join(registered['aliases'])})" if registered["aliases"] else ""
            lines.append(
                f"{item}registered: models:/{registered['name']}/{registered['version']}{aliases}"
            )
        if run["metrics"]:
            shown_metrics = ", ".join(f"{k} {v:.4g}" for k, v in sorted(run["metrics"].items()))
            lines.append(f"{item}metrics: {shown_metrics}")
    if shown["commit"]:
        dirty = " (trained from uncommitted changes)" if shown["dirty"] else ""
        lines.append(f"{head}pipeline: commit {shown['commit']}{dirty}")
    if shown["lock_commit"]:
        lines.append(f"{item}dvc.lock with this data: commit {shown['lock_commit']}")
    if shown["data"]:
        lines.append(f"{head}training data: {shown['data']['path']} (md5 {shown['data']['md5']})")
        for step in shown["lineage"]:
            outs = ", ".join(f"{p} {m[:8]}" for p, m in step["outs"].items())
            lines.append(f"{item}stage {step['stage']}: {step['cmd']} -> {outs}")
    for caveat in shown["caveats"]:
        lines.append(f"{item}note: {caveat}")
    for gap in shown["gaps"]:
        lines.append(f"{item}not answered: {gap}")
    return "\n".join(lines)
