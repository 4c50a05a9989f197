"""The Istio service mesh read as objects (manifests and rendered charts): a Gateway and
VirtualServices bound to it, a 90/10 split over DestinationRule subsets, versions kept
consistent from the app to the model service, sticky sessions, and a further traffic use case
(rate limiting, a shadow launch by mirroring)."""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.charts import Manifest, charts
from sekit.grade.detectors.common import Outcome, from_shares, line_of
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.kubernetes import app_manifests, declared, where
from sekit.grade.repository import Repository


def _routes(service: Manifest) -> list[dict[str, Any]]:
    http = service.spec.get("http")
    return [r for r in http or [] if isinstance(r, dict)] if isinstance(http, list) else []


def _weights(route: dict[str, Any]) -> list[int]:
    found = []
    for destination in route.get("route") or []:
        if isinstance(destination, dict) and isinstance(destination.get("weight"), int | float):
            found.append(int(destination["weight"]))
    return found


def _subsets(rule: Manifest) -> set[str]:
    subsets = rule.spec.get("subsets")
    return {str(s.get("name")) for s in subsets or [] if isinstance(s, dict) and s.get("name")}


def _sticky(rule: Manifest) -> bool:
    policy = rule.spec.get("trafficPolicy")
    balancer = policy.get("loadBalancer") if isinstance(policy, dict) else None
    return isinstance(balancer, dict) and "consistentHash" in balancer


def _matches_on(route: dict[str, Any], key: str) -> bool:
    return any(isinstance(m, dict) and key in m for m in route.get("match") or [])


@item("deploy.istio", "deployment", "Istio: gateway, 90/10 split, sticky sessions", points=2)
def istio(repo: Repository) -> Outcome:
    """A Gateway with a VirtualService bound to it (0.3); a 90/10 split between two subsets
    a DestinationRule declares (0.3; another split, 0.15); the model service routed by the
    caller's version (``sourceLabels``) or a header, so app and model versions stay together
    (0.2); sticky sessions: a DestinationRule's consistent hash or routes matched on a cookie
    or header (0.2)."""
    found = app_manifests(repo)
    gateways = [
        m for m in found if m.kind == "Gateway" and "istio" in str(m.body.get("apiVersion"))
    ]
    services = [m for m in found if m.kind == "VirtualService"]
    rules = [m for m in found if m.kind == "DestinationRule"]
    bound = next((s for s in services if s.spec.get("gateways")), None)
    subsets = {name for rule in rules for name in _subsets(rule)}
    split = None
    other_split = None
    for service in services:
        for route in _routes(service):
            weights = sorted(_weights(route))
            named = {
                str(d.get("destination", {}).get("subset"))
                for d in route.get("route") or []
                if isinstance(d, dict) and isinstance(d.get("destination"), dict)
            }
            if len(weights) >= 2 and named <= subsets:
                if weights[-2:] == [10, 90] and sum(weights) == 100:
                    split = split or service
                else:
                    other_split = other_split or (service, weights)
    consistent = next(
        (
            s
            for s in services
            for r in _routes(s)
            if _matches_on(r, "sourceLabels") or _matches_on(r, "headers")
        ),
        None,
    )
    sticky_rule = next((r for r in rules if _sticky(r)), None)
    evidence = []
    if gateways:
        evidence.append(f"Gateway: {declared(repo, gateways[0])}")
    if bound:
        evidence.append(f"VirtualService on the gateway: {declared(repo, bound)}")
    if split:
        line = where(repo, split, r"^\s*weight:.*\b(90|10)\b")  # literal, or a default
        if ":" not in line.removeprefix(split.path):  # weights from the values alone
            line = where(repo, split, r"^\s*weight:")
        evidence.append(f"90/10 split: {line}")
    elif other_split:
        evidence.append(
            f"a {'/'.join(map(str, reversed(other_split[1])))} split, not 90/10: "
            f"{where(repo, other_split[0], 'weight')}"
        )
    if consistent:
        evidence.append(
            "versions kept consistent: " + where(repo, consistent, "sourceLabels|headers")
        )
    if sticky_rule:
        evidence.append(f"sticky sessions: {where(repo, sticky_rule, 'consistentHash')}")
    elif consistent and _cookie_match(consistent):
        evidence.append(f"sticky sessions by cookie: {where(repo, consistent, 'cookie')}")
    sticky = sticky_rule is not None or (consistent is not None and _cookie_match(consistent))
    return from_shares(
        {
            "gateway": (0.3, float(bool(gateways) and bound is not None)),
            "split": (0.3, 1.0 if split else 0.5 if other_split else 0.0),
            "consistent": (0.2, float(consistent is not None)),
            "sticky": (0.2, float(sticky)),
        },
        evidence,
        "no Istio Gateway, VirtualService or DestinationRule",
    )


def _cookie_match(service: Manifest) -> bool:
    for route in _routes(service):
        for match in route.get("match") or []:
            headers = match.get("headers") if isinstance(match, dict) else None
            if isinstance(headers, dict) and any(
                str(k).lower() in ("cookie", "x-user", "user", "x-user-id") for k in headers
            ):
                return True
    return False


@item("deploy.traffic", "deployment", "a traffic use case: rate limiting, mirroring", points=1)
def traffic_use_case(repo: Repository) -> Outcome:
    """A traffic use case beyond routing, realised in the mesh: rate limiting (an EnvoyFilter
    with a rate-limit filter, a local or global rate limit), a shadow launch (a VirtualService
    that mirrors traffic), or fault injection."""
    found = app_manifests(repo)
    cases = []
    for manifest in found:
        text = str(manifest.body)
        if manifest.kind == "EnvoyFilter" and "ratelimit" in text.lower().replace("_", ""):
            cases.append(f"rate limiting: {declared(repo, manifest)}")
        if manifest.kind == "VirtualService":
            for route in _routes(manifest):
                if "mirror" in route or "mirrorPercentage" in route:
                    cases.append(f"shadow launch (mirroring): {where(repo, manifest, 'mirror')}")
                if "fault" in route:
                    cases.append(f"fault injection: {where(repo, manifest, 'fault')}")
    if cases:
        return Outcome("met", sorted(set(cases))[:3])
    switched_off = [
        line_of(repo, template, r"kind:\s*EnvoyFilter")
        for chart in charts(repo)
        for template in chart.templates
        if re.search(r"kind:\s*EnvoyFilter", repo.text(template) or "")
        and "ratelimit" in (repo.text(template) or "").lower().replace("_", "")
    ]
    if switched_off:
        return Outcome(
            "partial",
            [f"rate limiting declared but not rendered with the chart's values: {switched_off[0]}"],
            0.5,
        )
    return Outcome(
        "missing", ["no rate limiting, mirroring or fault injection declared in the mesh"]
    )


ITEMS: tuple[Item, ...] = (istio, traffic_use_case)
