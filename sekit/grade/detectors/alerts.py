"""Alerts that reach someone: a PrometheusRule with a real condition, an Alertmanager route to
a channel (e-mail, Slack, a webhook), and no credential written in the files."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from sekit.grade.detectors.common import Outcome, from_parts, yaml_documents
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.kubernetes import app_manifests, declared
from sekit.grade.repository import Repository

CHANNELS = (
    "email_configs", "slack_configs", "webhook_configs", "pagerduty_configs", "msteams_configs",
    "telegram_configs", "discord_configs", "opsgenie_configs", "emailConfigs", "slackConfigs",
    "webhookConfigs",
)  # fmt: skip
PASSWORD_KEYS = re.compile(r"(auth_password|authPassword|api_url|apiURL|password|token)$", re.I)


def _rules(body: dict[str, Any]) -> list[dict[str, Any]]:
    found = body.get("spec")
    spec: dict[str, Any] = found if isinstance(found, dict) else body
    return [
        rule
        for group in spec.get("groups") or []
        if isinstance(group, dict)
        for rule in group.get("rules") or []
        if isinstance(rule, dict) and "alert" in rule
    ]


def _receivers(document: Any) -> list[dict[str, Any]]:
    """Receivers of an AlertmanagerConfig or an alertmanager.yml (also nested in values)."""
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key == "receivers" and isinstance(value, list):
                found += [r for r in value if isinstance(r, dict)]
            else:
                found += _receivers(value)
    elif isinstance(document, list):
        for value in document:
            found += _receivers(value)
    elif isinstance(document, str) and "receivers:" in document:  # alertmanager.yaml in a Secret
        import yaml

        with contextlib.suppress(yaml.YAMLError, RecursionError):
            found += _receivers(yaml.safe_load(document))
    return found


def _literal_secrets(value: Any, path: str = "") -> list[str]:
    """Keys holding a literal credential (not a reference to a Secret or a file)."""
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if (
                PASSWORD_KEYS.search(str(key))
                and isinstance(inner, str)
                and inner.strip()
                and not ("{{" in inner or inner.startswith("$") or inner == "helm")
            ):
                found.append(f"{path}{key}")
            found += _literal_secrets(inner, f"{path}{key}.")
    elif isinstance(value, list):
        for inner in value:
            found += _literal_secrets(inner, path)
    return found


WRITTEN = re.compile(
    # A key that names where the credential is (githubTokenKey, passwordSecret, tokenFile)
    # and a value that is a variable's name (GITHUB_TOKEN) are references, not credentials.
    r"^\s*#?\s*-?\s*[\w.-]*(password|passwd|token)(?!\w*(key|name|ref|file|path|secret)\b)"
    r"\w*\s*[:=]\s*[\"']?(?![\"'\s]|\{|\$|<|helm\b|changeme|xxx|your|[A-Z][A-Z0-9_]*[\"'\s]*$)"
    r"([^\"'#\n]{6,})",
    re.IGNORECASE,
)


def _written_credentials(repo: Repository, paths: set[str]) -> list[str]:
    """Lines of the alerting configuration and the charts' values that hold a password or a
    token in clear text, commented out or not (a commented one is as public as any other)."""
    found = []
    for relative in sorted(paths | set(repo.matching(("*values*.yaml", "*values*.yml")))):
        for number, line in enumerate((repo.text(relative) or "").splitlines(), start=1):
            if WRITTEN.search(line):
                commented = " (commented out)" if line.lstrip().startswith("#") else ""
                found.append(f"{relative}:{number}{commented}")
    return found


@item("ops.alert_channel", "operation", "alerts that reach a channel, no credentials", points=1)
def alert_channel(repo: Repository) -> Outcome:
    """A PrometheusRule (or rule file) whose alert has a condition and a duration (0.4), an
    Alertmanager receiver that notifies a channel (0.4), and no literal password or token in
    the alerting configuration: credentials come from a Secret or a file (0.2)."""
    rules = []
    for manifest in app_manifests(repo):
        if manifest.kind == "PrometheusRule":
            rules += [(manifest, r) for r in _rules(manifest.body)]
    real = [
        (m, r) for m, r in rules if re.search(r"[<>]=?|==|!=", str(r.get("expr"))) and r.get("for")
    ]
    receivers: list[tuple[str, dict[str, Any]]] = []
    for manifest in app_manifests(repo):
        if manifest.kind == "AlertmanagerConfig" or "alertmanager" in manifest.name.lower():
            receivers += [(manifest.path, r) for r in _receivers(manifest.body)]
    for relative in repo.matching(("*alertmanager*.yml", "*alertmanager*.yaml", "*values*.yaml")):
        for document in yaml_documents(repo, relative):
            receivers += [(relative, r) for r in _receivers(document)]
    notifying = [(p, r) for p, r in receivers if any(c in r for c in CHANNELS)]
    leaked = [f"{p}: {k}" for p, r in notifying for k in _literal_secrets(r)]
    if notifying:
        leaked += _written_credentials(repo, {p for p, _ in notifying})
    evidence = []
    if real:
        manifest, rule = real[0]
        evidence.append(f"alert {rule.get('alert')!r}: {declared(repo, manifest)}")
    elif rules:
        evidence.append(
            f"alert rules without a threshold and a duration: {declared(repo, rules[0][0])}"
        )
    if notifying:
        path, receiver = notifying[0]
        channel = next(c for c in CHANNELS if c in receiver)
        evidence.append(f"receiver {receiver.get('name')!r} notifies by {channel}: {path}")
    if leaked:
        evidence.append(f"a credential written in the file: {leaked[0]} (use a Secret)")
    return from_parts(
        {
            "rule": (0.4, bool(real)),
            "channel": (0.4, bool(notifying)),
            "no_credentials": (0.2, bool(notifying) and not leaked),
        },
        evidence,
        "no PrometheusRule and no Alertmanager receiver",
    )


ITEMS: tuple[Item, ...] = (alert_channel,)
