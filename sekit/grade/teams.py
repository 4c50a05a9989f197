"""A team of several repositories graded as one (REMLA's model-training, model-service, app,
lib-ml, lib-version, operation; a CMU team's split).

Each repository is graded on its own first; the team's item is then the best of them, with its
evidence prefixed by the repository that earned it: a service belongs in model-service and an
alert rule in operation, so model-training is never held to either. Two items are properties
every repository must keep, not something one of them provides, and take the worst: no key or
token committed (``quality.secrets``) and no large files in the history (``vcs.no_large_files``).
The ML Test Score takes, per test of the paper, the best credit any repository earned (a
monitoring test lives in operation, a data test in model-training), then the minimum over the
sections as always. The process merges the members' commits across the repositories.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sekit.grade.mlts import SECTIONS, band
from sekit.grade.model import ItemResult, MLTestScore, RepositoryPart, TeamGrade

EVERY_REPOSITORY = frozenset({"quality.secrets", "vcs.no_large_files"})
"""Items every repository of a team must meet: the worst one counts."""


def tally(items: Sequence[ItemResult]) -> tuple[float, dict[str, dict[str, float]]]:
    """The score (0-100) and the per-section earned, max and score of graded items."""
    sections: dict[str, dict[str, float]] = {}
    for item in items:
        section = sections.setdefault(item.section, {"earned": 0.0, "max": 0.0})
        section["earned"] += item.points
        section["max"] += item.max_points
    for section in sections.values():
        section["earned"] = round(section["earned"], 2)
        section["score"] = (
            round(100 * section["earned"] / section["max"], 1) if section["max"] else 0.0
        )
    earned = sum(i.points for i in items)
    possible = sum(i.max_points for i in items)
    return (round(100 * earned / possible, 1) if possible else 0.0), sections


def _name(part: TeamGrade) -> str:
    return Path(part.path).name


def _item(parts: Sequence[TeamGrade], index: int) -> ItemResult:
    """One item across the repositories: the best (or, for EVERY_REPOSITORY, the worst); an
    item of independent parts earns each part where it is found."""
    results = [(part, part.items[index]) for part in parts]
    if any(r.parts for _, r in results) and any(r.credit > 0 for _, r in results):
        return _union(results)  # parts count once the item is recognised somewhere
    worst = results[0][1].id in EVERY_REPOSITORY
    chosen_part, chosen = (min if worst else max)(results, key=lambda pr: pr[1].credit)
    evidence = [f"[{_name(chosen_part)}] {line}" for line in chosen.evidence]
    if worst and len(parts) > 1:
        evidence.append(f"worst of {len(parts)} repositories: each one must meet it")
    elif chosen.status == "met":
        others = [_name(p) for p, r in results if r.status == "met" and p is not chosen_part]
        if others:
            evidence.append(f"also met in {', '.join(others)}")
    return chosen.model_copy(update={"evidence": evidence})


def _union(results: Sequence[tuple[TeamGrade, ItemResult]]) -> ItemResult:
    """Each part from the repository that has it (an image in model-service, its
    orchestration in operation): the item's share is the sum over the parts."""
    weights: dict[str, float] = {}
    best: dict[str, tuple[float, TeamGrade, ItemResult]] = {}
    for part, result in results:
        for name, (weight, found) in result.parts.items():
            weights[name] = weight
            if name not in best or found > best[name][0]:
                best[name] = (found, part, result)
    share = round(min(1.0, sum(weights[n] * best[n][0] for n in weights)), 3)
    sources = [(p, r) for found, p, r in best.values() if found > 0]
    evidence: list[str] = []
    seen: set[int] = set()
    for part, result in sources:
        if id(part) not in seen:
            seen.add(id(part))
            # a result that earned nothing alone ends with its reason: keep only its parts
            lines = result.evidence if result.credit > 0 else result.evidence[:-1]
            evidence += [f"[{_name(part)}] {line}" for line in lines]
    first = results[0][1]
    if not sources:
        evidence = [f"[{_name(results[0][0])}] {line}" for line in first.evidence]
    status = "met" if share >= 1.0 else "partial" if share > 0 else "missing"
    return first.model_copy(
        update={
            "status": status,
            "credit": share,
            "points": round(first.max_points * share, 2),
            "evidence": list(dict.fromkeys(evidence)),
            "parts": {n: (weights[n], best[n][0]) for n in weights},
        }
    )


def _mlts(parts: Sequence[TeamGrade]) -> MLTestScore | None:
    scores = [p.mlts for p in parts if p.mlts is not None]
    if not scores:
        return None
    tests: dict[str, dict[str, Any]] = {}
    for test_id in scores[0].tests:
        best = max(zip(parts, scores, strict=False), key=lambda ps: ps[1].tests[test_id]["credit"])
        entry = dict(best[1].tests[test_id])
        entry["evidence"] = [f"[{_name(best[0])}] {e}" for e in entry.get("evidence", [])]
        tests[test_id] = entry
    sections = {
        s: sum(t["credit"] for k, t in tests.items() if k.startswith(f"{s}-")) for s in SECTIONS
    }
    final = min(sections.values())
    weakest = min(sections, key=lambda s: sections[s])
    why = [
        f"the best credit of {len(scores)} repositories per test; the final score is the "
        f"weakest section: {weakest} {sections[weakest]:g} of 7"
    ]
    return MLTestScore(
        data=sections["data"],
        model=sections["model"],
        infra=sections["infra"],
        monitor=sections["monitor"],
        final=final,
        band=band(final),
        tests=tests,
        why=why,
    )


def _process(parts: Sequence[TeamGrade]) -> dict[str, Any]:
    members: dict[str, dict[str, Any]] = {}
    bots: dict[str, int] = {}
    for part in parts:
        for member in part.process.get("members", []):
            merged = members.setdefault(
                member["email"], {"commits": 0, "added": 0, "deleted": 0, "name": member["name"]}
            )
            for key in ("commits", "added", "deleted"):
                merged[key] += member[key]
        for bot in part.process.get("bots", []):
            bots[bot["name"]] = bots.get(bot["name"], 0) + bot["commits"]
    total = sum(m["commits"] for m in members.values()) or 1
    return {
        "members": sorted(
            (
                {"email": email, **data, "share": data["commits"] / total}
                for email, data in members.items()
            ),
            key=lambda m: -m["commits"],
        ),
        "bots": [{"name": n, "commits": c} for n, c in sorted(bots.items(), key=lambda b: -b[1])],
    }


def combine(team: str, parts: Sequence[TeamGrade]) -> TeamGrade:
    """One grade for a team from the grades of its repositories (graded alike, same rubric).

    A repository that could not be graded is named with its reason and earns nothing; the
    team is graded on the others. With none graded, the team cannot be graded.
    """
    graded = [p for p in parts if p.score is not None]
    lost = [f"{_name(p)} could not be graded: {p.reason}" for p in parts if p.score is None]
    listing = [RepositoryPart(path=p.path, commit=p.commit, score=p.score) for p in parts]
    path = " + ".join(p.path for p in parts)  # a stable key for the trend, and readable
    if not graded:
        return TeamGrade(
            path=path,
            team=team,
            score=None,
            reason="; ".join(lost) or "no repositories",
            repositories=listing,
        )
    items = [_item(graded, index) for index in range(len(graded[0].items))]
    score, sections = tally(items)
    notes = lost + [f"[{_name(p)}] {note}" for p in graded for note in p.notes]
    return TeamGrade(
        path=path,
        team=team,
        score=score,
        sections=sections,
        mlts=_mlts(graded),
        items=items,
        process=_process(graded),
        commit=None,
        notes=notes,
        repositories=listing,
    )
