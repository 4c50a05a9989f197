"""``sekit retrain``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from sekit_cli.options import config_option, format_option, quiet_option


@click.command(short_help="Retrain on feedback when due; promote what passes.")
@click.option("--force", is_flag=True, help="Retrain even when no trigger of the policy fires.")
@click.option(
    "--dry-run", is_flag=True, help="Only say whether the policy would retrain; change nothing."
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow [retrain].reload to name a service off this machine (the deployed one, in CI).",
)
@format_option()
@config_option
@quiet_option
def retrain(
    force: bool,
    dry_run: bool,
    allow_remote: bool,
    fmt: str,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """The retraining loop of [retrain] in sekit.toml: pull the feedback, decide (new labels,
    a failing monitor, a schedule), retrain, gate the new model, compare it with the champion
    on the real service (sekit check release), promote it, and switch the running service to
    it without downtime. Every run appends a record to [retrain].record.

    Exit code 0 when nothing had to be done or the new model was promoted, 1 when a step
    failed or a check kept the champion (the record says which and why), 2 for a bad config.

    \b
    Examples:
      sekit retrain --dry-run        # would the policy retrain now, and why?
      sekit retrain                  # in the scheduled CI workflow
      sekit retrain --force          # retrain now, whatever the policy says
    """
    from sekit.config.loader import load_config
    from sekit.retrain import retrain as run

    config = load_config(config_path)

    def say(line: str) -> None:
        if not quiet:
            click.echo(f"sekit: retrain: {line}", err=True)

    outcome = run(config, force=force, dry_run=dry_run, allow_remote=allow_remote, say=say)
    record = outcome.record
    if fmt == "json":
        click.echo(json.dumps(record, indent=2, default=str))
    elif not quiet or outcome.exit_code:
        click.echo(_text(record, markdown=fmt == "markdown"))
    return outcome.exit_code


def _text(record: dict, *, markdown: bool) -> str:  # type: ignore[type-arg]
    head = "## " if markdown else ""
    item = "- " if markdown else "  "
    lines = [f"{head}retrain: {record['decision']}"]
    reasons = record.get("reasons") or ["no trigger fired"]
    lines += [f"{item}why: {reason}" for reason in reasons]
    if record.get("labels") is not None:
        lines.append(f"{item}labels: {record['labels']}")
    for key, label in (
        ("champion_run", "champion before (MLflow run)"),
        ("challenger", "retrained"),
        ("challenger_run", "retrained (MLflow run)"),
        ("served_before", "service served"),
        ("serving", "service serves"),
    ):
        if record.get(key):
            lines.append(f"{item}{label}: {record[key]}")
    for step in record.get("steps", []):
        detail = f": {step['detail']}" if "detail" in step else ""
        lines.append(f"{item}{step['step']} {step['status']} in {step['seconds']} s{detail}")
    if record.get("why"):
        lines.append(f"{item}stopped: {record['why']}")
    return "\n".join(lines)
