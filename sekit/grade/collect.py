"""``sekit grade --collect DIR``: the reports each team's CI wrote, checked for a whole class.

``DIR`` holds one folder per team (its repository); each team's CI report (``sekit grade .
--attest``) is at ``.sekit/attestation.json`` in it (downloaded from the CI run). For every team:

1. the report is read, and refused when it is not one, was made with another rubric, or its
   binding does not match the repository at the commit it names (:func:`binding.verify`);
2. **stale**: it judged another commit than the repository's head;
3. **differs**: the read-only grade, recomputed here from the commit (seconds per team),
   disagrees with the report's items or score: every team's, not a sample;
4. a random sample of the teams whose report passed so far (``sample``, a fraction; the seed
   is drawn afresh unless given, so no team can know beforehand, and it is recorded) is run
   again with ``--run`` in the sandbox (the same entry point as ``sekit grade --run``); a
   report whose gate decided otherwise on the data and model checks than the re-run
   **differs**; one whose re-run could not decide (a compared check ended ``error``: it timed
   out, an input was missing) is **unverified**: not credited, and not called a forgery.
   Checks that measure time (load, release, monitor, experiment, endpoint) are not compared: a
   runner's speed is not a team's honesty.

A team passing all of these is **accepted**: its grade is the one recomputed here, its ML Test
Score and gate the report's (re-run when sampled). A forged grade is caught always; a forged
gate or test result when sampled, with the probability the sample fraction states.
"""

from __future__ import annotations

import math
import random
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from sekit.grade.attest import DEFAULT, KIND, Attestation
from sekit.grade.binding import verify
from sekit.grade.model import ClassReport, Collected, Collection, GateSummary, TeamGrade
from sekit.grade.repository import Repository
from sekit.grade.rubric import Rubric

COMPARED_SUITES = ("data", "model", "fairness", "behaviour")


@dataclass(frozen=True)
class Sampling:
    """Which teams are run again: the fraction and the seed that drew them."""

    fraction: float
    seed: int

    @classmethod
    def drawn(cls, fraction: float, seed: int | None) -> Sampling:
        return cls(fraction, seed if seed is not None else secrets.randbelow(2**31))

    def choose(self, names: Sequence[str]) -> set[str]:
        if not names or self.fraction <= 0:
            return set()
        count = min(len(names), max(1, math.ceil(self.fraction * len(names))))
        return set(random.Random(self.seed).sample(sorted(names), count))


def read_attestation(root: Path) -> tuple[Attestation | None, str | None]:
    path = root / DEFAULT
    if not path.is_file():
        return None, f"no CI report at {DEFAULT}"
    try:
        document = Attestation.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        return None, f"{DEFAULT} is not a sekit CI report ({str(exc).splitlines()[0][:120]})"
    if document.kind != KIND:
        return None, f"{DEFAULT} is not a sekit CI report"
    return document, None


def _differences(reported: TeamGrade, here: TeamGrade) -> list[str]:
    found = []
    if reported.score != here.score:
        found.append(f"score {reported.score} reported, {here.score} recomputed from the commit")
    mine = {i.id: i for i in here.items}
    for item in reported.items:
        other = mine.get(item.id)
        if other is None or abs(other.points - item.points) > 1e-6:
            now = "absent" if other is None else f"{other.points:g}"
            found.append(f"{item.id}: {item.points:g} reported, {now} here")
    return found


def gate_differences(
    reported: GateSummary | None, rerun: GateSummary | None
) -> tuple[list[str], list[str]]:
    """Where the re-run's gate decided otherwise than the report's, on the compared suites:
    (decided otherwise, could not decide). A check that ended ``error`` on the re-run (it timed
    out on a busy runner, an input was missing) measured nothing: it neither confirms the report
    nor contradicts it."""
    if rerun is None:
        return [], ["the re-run's gate wrote no report"]
    if reported is None:
        return ["the report holds no gate decision; the re-run's gate ran"], []
    otherwise: list[str] = []
    undecided: list[str] = []
    for check, status in sorted(rerun.checks.items()):
        if check.split(".", 1)[0] not in COMPARED_SUITES:
            continue
        claimed = reported.checks.get(check)
        if claimed == status:
            continue
        said = f"gate {check}: {claimed or 'absent'} reported, {status} on re-run"
        (undecided if status == "error" else otherwise).append(said)
    return otherwise, undecided


def grade_at(root: Path, commit: str, rubric: Rubric) -> TeamGrade:
    """The read-only grade of ``root`` as it is at ``commit`` (git's objects, not the working
    tree: files the CI or the instructor made beside the checkout do not count)."""
    from sekit.grade import grade_files
    from sekit.grade.timeline import grade_commit

    repo = Repository(root)
    try:
        graded = grade_commit(repo, commit, lambda past: grade_files(past, rubric, team=root.name))
    except Exception as exc:  # one team's failure never stops the class
        return TeamGrade(
            path=str(root), team=root.name, score=None, reason=f"cannot be graded: {exc}"
        )
    finally:
        repo.close()
    graded.path = str(root)
    return graded


def check_team(
    root: Path, rubric: Rubric, grade_here: Callable[[Path], TeamGrade]
) -> tuple[TeamGrade, Attestation | None]:
    """Steps 1-3 for one team: its grade here, with ``collected`` saying what became of
    the report (accepted so far, or why not)."""
    attestation, problem = read_attestation(root)
    if attestation is None:
        here = grade_here(root)
        here.collected = Collected(
            status="refused" if problem and "not a" in problem else "missing",
            reasons=[problem or "no report"],
        )
        return here, None
    binding = attestation.binding
    collected = Collected(
        status="accepted", commit=binding.commit, reported_score=attestation.grade.score
    )
    if attestation.rubric_version != rubric.version:
        collected.status = "refused"
        collected.reasons.append(
            f"made with rubric {attestation.rubric_version}; graded here with {rubric.version}"
        )
    repo = Repository(root)
    try:
        history = repo.history
        problems = verify(binding, history) if history is not None else ["no git history"]
        head = history.head if history is not None else None
    finally:
        repo.close()
    if problems and collected.status == "accepted":
        collected.status = "refused"
    collected.reasons += [f"binding: {p}" for p in problems]
    if collected.status == "accepted" and head != binding.commit:
        collected.status = "stale"
        collected.reasons.append(
            f"judged {binding.commit[:12]}; the repository is at {(head or '?')[:12]}"
        )
    if collected.status != "accepted":
        here = grade_here(root)  # the team's latest work, graded without the report
        here.collected = collected
        return here, None
    here = grade_at(root, binding.commit, rubric)
    differences = _differences(attestation.grade, here)
    if differences:
        collected.status = "differs"
        collected.reasons += differences
    here.collected = collected
    if collected.status != "accepted":
        return here, None
    here.mlts = attestation.grade.mlts
    here.gate = attestation.gate
    return here, attestation


def compare_rerun(graded: TeamGrade, rerun: TeamGrade, attestation: Attestation) -> None:
    """Step 4: a sampled team's re-run against its report (updates ``graded.collected``)."""
    collected = graded.collected
    if collected is None:
        return
    collected.rerun = True
    if rerun.score is None:
        collected.status = "unverified"
        collected.reasons.append(f"the re-run could not grade it: {rerun.reason}")
        return
    differences, undecided = gate_differences(attestation.gate, rerun.gate)
    graded.run, graded.mlts, graded.gate = rerun.run, rerun.mlts, rerun.gate
    if differences:
        collected.status = "differs"
    elif undecided:
        collected.status = "unverified"
    collected.reasons += differences + undecided


def _inputs_here(root: Path, attestation: Attestation) -> list[str]:
    """Bound inputs this folder does not hold as the report used them (a re-run needs them)."""
    import hashlib

    from sekit.grade.binding import git_blob_id

    missing = []
    for bound in attestation.binding.inputs:
        path = root / bound.path
        if not path.is_file():
            missing.append(bound.path)
            continue
        data = path.read_bytes()
        hashes = {git_blob_id(data), hashlib.md5(data, usedforsecurity=False).hexdigest()}
        hashes.add(hashlib.md5(data.replace(b"\r\n", b"\n"), usedforsecurity=False).hexdigest())
        if bound.md5 not in hashes:
            missing.append(bound.path)
    return missing


def collect(
    folder: Path,
    rubric: Rubric,
    *,
    sampling: Sampling,
    rerun: Callable[[Path], TeamGrade],
    grade_here: Callable[[Path], TeamGrade],
    jobs: int = 1,
    progress: Callable[[TeamGrade, int, int], None] | None = None,
) -> ClassReport:
    """Check every team's CI report in ``folder`` and re-run a sample (module docstring)."""
    import concurrent.futures
    from datetime import UTC, datetime

    from sekit.grade import repositories

    targets = repositories([folder], each=True)
    checked: dict[Path, tuple[TeamGrade, Attestation | None]] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(check_team, t, rubric, grade_here): t for t in targets}
        for future in concurrent.futures.as_completed(futures):
            checked[futures[future]] = future.result()
            if progress is not None:
                progress(checked[futures[future]][0], len(checked), len(targets))
    accepted = {t.name: t for t, (_, a) in checked.items() if a is not None}
    chosen = sampling.choose(list(accepted))
    for name in sorted(chosen):
        target = accepted[name]
        graded, attestation = checked[target]
        assert attestation is not None and graded.collected is not None
        absent = _inputs_here(target, attestation)
        if absent:
            graded.collected.reasons.append(
                f"sampled, not re-run: {', '.join(absent)} here is not the file the report "
                "used (`dvc pull` in this folder first: the sandbox has no network)"
            )
            continue
        compare_rerun(graded, rerun(target), attestation)
    teams = [checked[t][0] for t in targets]
    statuses: dict[str, int] = {}
    for team in teams:
        status = team.collected.status if team.collected else "missing"
        statuses[status] = statuses.get(status, 0) + 1
    return ClassReport(
        rubric_version=rubric.version,
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        teams=teams,
        collection=Collection(
            fraction=sampling.fraction,
            seed=sampling.seed,
            sampled=sorted(chosen),
            statuses=dict(sorted(statuses.items())),
        ),
    )
