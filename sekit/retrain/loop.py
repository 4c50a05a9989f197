"""One run of the retraining loop: pull, decide, train, gate, release, promote, switch, record."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.errors import ConfigError, SekitError
from sekit.retrain.commands import StepFailed, command, measured_training
from sekit.retrain.policy import count_labels, history, record_path, triggers

if TYPE_CHECKING:
    from sekit.config.retrain import Retrain
    from sekit.config.schema import Config
    from sekit.report.model import Report

# Suites that judge the running system's past, not the new model: never a gate on a challenger
# (a failing monitor is a reason to retrain; it must not block the model that fixes it).
NOT_GATED = ("monitor", "experiment", "release")


@dataclass
class Outcome:
    """What one run did: ``record`` is the line written to the history."""

    record: dict[str, Any]  # its "steps" say what each step did
    exit_code: int


def _now() -> datetime:
    return datetime.now(UTC)


def settings_of(config: Config) -> Retrain:
    if config.retrain is None:
        raise ConfigError(
            f"{config.source.name}: no [retrain] table",
            hint="add one with a trigger (min_labels, on_monitor, every); `sekit new` writes one",
        )
    from sekit.checks.monitor.settings import Monitor

    settings = config.retrain
    if settings.on_monitor and config.table(Monitor) is None:
        raise ConfigError(f"{config.source.name} (retrain.on_monitor): there is no [monitor] table")
    return settings


def gate(config: Config, options: Any = None) -> Report:
    """The suites that judge the new model, and ``[gates]`` on their metrics."""
    from sekit.runner import run, suite_requirements

    ready = [n for n, why in suite_requirements(config).items() if why is None]
    chosen = [n for n in ready if n not in NOT_GATED]
    if not chosen:
        raise StepFailed(f"{config.source.name} configures no check that judges a new model")
    gates = {k: v for k, v in config.gates.items() if k.split(".")[0] not in NOT_GATED}
    judged = config.model_copy(update={"gates": gates}).located(
        root=config.root, source=config.source
    )
    return run(judged, suites=chosen, gate=True, options=options, save=False)


def release(config: Config, champion: Path | str, options: Any = None) -> Report:
    """``sekit check release`` of ``[model].path`` against the champion, its gates on release.*."""
    from sekit.runner import run

    assert config.model is not None
    model = config.model.model_copy(update={"baseline": champion})
    gates = {k: v for k, v in config.gates.items() if k.startswith("release.")}
    against = config.model_copy(update={"model": model, "gates": gates}).located(
        root=config.root, source=config.source
    )
    return run(against, suites=["release"], gate=True, options=options, save=False)


def monitor_verdict(config: Config) -> tuple[str, str]:
    """The monitor suite on the served log: ``fail`` with why, or ``pass`` (also when there is
    nothing to judge yet)."""
    from sekit.runner import run

    report = run(config, suites=["monitor"], save=False)
    judged = [c for c in report.checks if c.status.value != "skipped"]
    bad = [c for c in judged if c.status.blocks]
    if not bad:
        return "pass", "no served log yet" if not judged else "monitor passes"
    return "fail", "; ".join(f"{c.id} {c.status.value}: {c.summary}" for c in bad)


def service_url(value: str | None) -> str | None:
    """``[retrain].reload``: a URL, or ``env:VAR`` (None when VAR is not set)."""
    if value is None or not value.startswith("env:"):
        return value
    return os.environ.get(value.removeprefix("env:")) or None


def switch_target(config: Config, settings: Retrain) -> tuple[str | None, str | None, str]:
    """The service to switch after a promotion: (URL, admin token, where they came from).

    ``[retrain].reload`` names it (a URL, or ``env:VAR`` when VAR is set; the token is the
    environment variable ``[retrain].token``). When it is ``env:VAR`` and VAR is not set, a
    ``sekit up`` running for this project says where its service with an admin token runs,
    and with which token (:mod:`sekit.system.state`): locally, the two find each other with
    no variable set. (None, None, "") when there is nothing to switch."""
    url = service_url(settings.reload)
    if url is not None:
        return url, os.environ.get(settings.token), f"retrain.reload ({settings.reload})"
    if settings.reload and settings.reload.startswith("env:"):
        from sekit.system.state import admin_service

        local = admin_service(config.root)
        if local is not None:
            return local.url, local.token, f"the running `sekit up` ({local.name})"
    return None, None, ""


def switch(
    url: str, model: str, *, token_env: str, allow_remote: bool, token: str | None = None
) -> tuple[str, str]:
    """Tell the running service to load ``model``: the versions it served before and serves
    now, once ``/health`` shows the new one. The admin token is ``token``, else the
    environment variable ``token_env``."""
    import httpx

    from sekit.net import check_loopback

    base = check_loopback(url, allow_remote=allow_remote, what="retrain.reload")
    token = token or os.environ.get(token_env)
    if not token:
        raise StepFailed(
            f"the environment variable {token_env} (the service's admin token) is empty"
        )
    try:
        before = str(httpx.get(f"{base}/health", timeout=30).json().get("model_version"))
        answer = httpx.post(
            f"{base}/admin/reload",
            json={"model": model},
            headers={"X-Admin-Token": token},
            timeout=300,
        )
        if answer.status_code != 200:
            raise StepFailed(
                f"{base}/admin/reload answered {answer.status_code}: {answer.text[:300]}"
            )
        version = str(answer.json().get("model_version"))
        health = httpx.get(f"{base}/health", timeout=30).json()
    except (httpx.HTTPError, ValueError) as exc:
        raise StepFailed(f"{base}: {type(exc).__name__}: {exc}") from None
    if str(health.get("model_version")) != version:
        raise StepFailed(f"{base}/health serves {health.get('model_version')}, not {version}")
    return before, version


@contextmanager
def step(
    steps: list[dict[str, Any]], name: str, say: Callable[[str], None]
) -> Iterator[dict[str, Any]]:
    """Time one step and record how it ended."""
    say(f"{name}...")
    started = time.monotonic()
    entry: dict[str, Any] = {"step": name, "status": "ok"}
    steps.append(entry)
    try:
        yield entry
    except StepFailed as exc:
        entry.update(status="failed", detail=str(exc))
        raise
    except SekitError as exc:
        entry.update(status="failed", detail=str(exc))
        raise StepFailed(str(exc)) from exc
    except BaseException:  # Ctrl-C, SIGTERM (raised as KeyboardInterrupt), a crash
        entry["status"] = "interrupted"
        raise
    finally:
        entry["seconds"] = round(time.monotonic() - started, 1)
        say(f"{name}: {entry['status']}" + (f" ({entry['detail']})" if "detail" in entry else ""))


def _identity(config: Config) -> dict[str, str]:
    """The model's version (its sidecar file), MLflow run and file's md5, as far as they are
    known."""
    from sekit.provenance import record

    model = record(config).get("model") or {}
    return {k: str(model[k]) for k in ("version", "mlflow_run_id", "md5") if model.get(k)}


def retrain(
    config: Config,
    *,
    force: bool = False,
    dry_run: bool = False,
    allow_remote: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> Outcome:
    """One run of the loop (see :mod:`sekit.retrain`)."""
    settings = settings_of(config)
    if config.model is None:
        raise ConfigError(f"{config.source.name}: retraining needs a [model] table")
    champion = settings.champion or config.model.baseline
    if champion is None:
        raise ConfigError(
            f"{config.source.name} (retrain.champion): the release check needs the deployed model",
            hint='e.g. champion = "models:/<name>@champion", or set [model].baseline',
        )
    reload, token, found_at = switch_target(config, settings)
    if reload is not None:  # refuse a remote service before anything runs
        from sekit.net import check_loopback

        check_loopback(reload, allow_remote=allow_remote, what="retrain.reload")
    path = record_path(config)
    records = history(path)
    now = _now()
    steps: list[dict[str, Any]] = []
    record: dict[str, Any] = {
        "time": now.isoformat(timespec="seconds"),
        "trained": False,
        "decision": "interrupted",  # until a step decides: Ctrl-C or a crash is recorded too
    }
    code = 0
    try:
        if settings.pull and not dry_run:
            with step(steps, "pull", say) as entry:
                entry["output"] = command(
                    settings.pull, root=config.root, key="pull", timeout=settings.timeout
                )
        labels = count_labels(settings.labels) if settings.labels else None
        record["labels"] = labels
        reasons = triggers(
            config,
            settings,
            records,
            now=now,
            labels=labels,
            monitor=(lambda: monitor_verdict(config)) if settings.on_monitor else None,
        )
        if force:
            reasons.append("--force")
        record["reasons"] = reasons
        if not reasons or dry_run:
            record["decision"] = "no trigger" if not reasons else "would retrain (dry run)"
            return Outcome(record, 0)
        record["champion_run"] = _identity(_at(config, champion)).get("mlflow_run_id")
        with step(steps, "train", say) as entry:
            command(
                settings.train,
                root=config.root,
                key="train",
                timeout=settings.timeout,
                measured=entry,
            )
            record["trained"] = True
            trained = _identity(config)
            if trained.get("md5"):
                entry["model_md5"] = trained["md5"]
            measured_training(config, entry, now)
            record["challenger"] = entry["model_version"] = trained.get("version")
            record["challenger_run"] = trained.get("mlflow_run_id")
        with step(steps, "gate", say) as entry:
            report = gate(config)
            entry["verdict"] = report.verdict
            if report.verdict != "pass":
                raise StepFailed("; ".join(report.blocking()))
        if settings.golden is None:
            steps.append(
                {
                    "step": "golden",
                    "status": "skipped",
                    "seconds": 0.0,
                    "detail": "no [retrain].golden: nothing kept aside from feedback to compare "
                    "the two models on",
                }
            )
        else:
            with step(steps, "golden", say) as entry:
                from sekit.retrain.golden import compare

                comparison = compare(config, _at(config, champion))
                entry["golden"] = comparison.record()
                if not comparison.promote:
                    raise StepFailed(f"the challenger is {comparison.why}")
        with step(steps, "release", say) as entry:
            report = release(config, champion)
            decision = report.release
            entry["decision"] = decision.decision if decision else None
            if decision is None or not decision.promote:
                why = "; ".join(decision.reasons) if decision else "no release check ran"
                raise StepFailed(f"the release check says {entry['decision']}: {why}")
        if settings.promote:
            with step(steps, "promote", say) as entry:
                entry["output"] = command(
                    settings.promote, root=config.root, key="promote", timeout=settings.timeout
                )
        record["promoted"] = True
        if reload is None and settings.reload:
            steps.append(
                {
                    "step": "switch",
                    "status": "skipped",
                    "seconds": 0.0,
                    "detail": f"{settings.reload[4:]} is not set and no `sekit up` runs here: "
                    "no service to switch",
                }
            )
        elif reload is not None:
            with step(steps, "switch", say) as entry:
                served = settings.serve or str(champion)
                entry["service"] = found_at
                record["served_before"], now_serving = switch(
                    reload,
                    served,
                    token_env=settings.token,
                    allow_remote=allow_remote,
                    token=token,
                )
                record["serving"] = now_serving
                entry["model_version"] = now_serving
        record["decision"] = "promoted"
    except StepFailed as exc:
        record["decision"] = f"stopped at {steps[-1]['step'] if steps else 'start'}"
        record["why"] = str(exc)
        record.setdefault("promoted", False)
        code = 1
    except SekitError as exc:  # an input of the loop itself (the labels): exit 2, recorded
        record.update(decision="input error", why=str(exc))
        record.setdefault("promoted", False)
        raise
    finally:
        record["steps"] = steps
        if not dry_run:
            from sekit.provenance import git_head

            record["commit"] = git_head(config.root)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, sort_keys=True) + "\n")
    return Outcome(record, code)


def _at(config: Config, location: Path | str) -> Config:
    """The config with ``[model].path`` at ``location`` (to read that model's version)."""
    assert config.model is not None
    model = config.model.model_copy(update={"path": location})
    return config.model_copy(update={"model": model}).located(
        root=config.root, source=config.source
    )
