"""`sekit grade --collect` on a simulated class: honest CI reports accepted, forged, copied,
swapped and stale ones caught, a stated share re-run in the sandbox.

    python benchmarks/collect.py [--teams 100] [--sample 0.1] [--seed 2026] [--jobs 2]

The class: one project scaffolded by `sekit new` with its pipeline run (`dvc repro`), copied
per team (git history included) and cut to a first-milestone project (the data checks gate
it, the tests are those of the data pipeline: a re-run is then about a minute). Each team
gets a defect drawn at random: none, missing values or duplicated rows in its training data
(its gate fails; dvc.lock records the team's data), no tests, no README, no CI. Each team's
"CI" runs `sekit gate` (once per distinct data: the same data, the same result) and `sekit
grade . --attest`. Then reports are forged: the grade edited, the gate's failure turned into
a pass, another team's report copied, the data's hash swapped, a commit made after the
report (stale). Besides the sample, every flipped gate the sample missed is re-run as if
sampled, with as many honest failing teams as controls: what "caught when sampled" means.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _record import record

from sekit.grade import SandboxRun, grade_one
from sekit.grade.attest import attest
from sekit.grade.collect import Sampling, collect
from sekit.grade.rubric import builtin
from sekit.grade.sandbox import Limits, Sandbox, find_sandbox

DEFECTS = {
    "none": 0.4,
    "missing": 0.15,
    "duplicates": 0.15,
    "no-tests": 0.1,
    "no-readme": 0.1,
    "no-ci": 0.1,
}
FORGERIES = ("grade-edited", "gate-flipped", "copied", "data-swapped", "stale")
GATES = '[gates]\n"data.missing_ratio" = { max = 0.0 }\n"data.duplicate_ratio" = { max = 0.01 }\n'
TRAIN = "data/processed/train.csv"


def _git(root: Path, *args: str) -> None:
    identity = ["-c", "user.name=Student", "-c", "user.email=student@uni.example"]
    subprocess.run(["git", *identity, *args], cwd=root, check=True, capture_output=True)


def _sekit(root: Path, *args: str) -> None:
    env = {
        "PYTHONPATH": str(root / "src"),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    subprocess.run([sys.executable, "-m", "sekit", *args], cwd=root, env=env, capture_output=True)


def template(folder: Path) -> Path:
    """A scaffolded project with its pipeline run, configured for its data checks only."""
    root = folder / "template"
    subprocess.run(
        [sys.executable, "-m", "sekit", "new", "template", "--directory", str(root)],
        check=True,
        capture_output=True,
    )
    env = {
        "PYTHONPATH": str(root / "src"),
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
    }
    subprocess.run(["dvc", "repro", "-q"], cwd=root, env=env, check=True, capture_output=True)
    config = (root / "sekit.toml").read_text()
    (root / "sekit.toml").write_text(config.split("\n[model]\n")[0] + "\n" + GATES)
    for later in ("serve", "app", "release", "train", "behaviour", "pipeline"):
        (root / "tests" / f"test_{later}.py").unlink()  # the first milestone's tests: the data
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "pipeline run; first milestone: data checks")
    return root


def _set_data(root: Path, text: str) -> None:
    """The team's own data: the file and the md5 dvc.lock records for it."""
    import yaml

    data = text.encode()
    (root / TRAIN).write_bytes(data)
    lock = yaml.safe_load((root / "dvc.lock").read_text())
    for stage in lock["stages"].values():
        for out in stage.get("outs", []):
            if out["path"] == TRAIN:
                out["md5"] = hashlib.md5(data).hexdigest()
                out["size"] = len(data)
    (root / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))


def _defect(root: Path, defect: str, clean: str) -> None:
    lines = clean.splitlines(keepends=True)
    if defect == "missing":
        header, rows = lines[0], lines[1:]
        rows = [
            ",".join("" if i == 1 and n % 4 == 0 else v for i, v in enumerate(r.split(",")))
            if n % 4 == 0
            else r
            for n, r in enumerate(rows)
        ]
        _set_data(root, header + "".join(rows))
    elif defect == "duplicates":
        _set_data(root, "".join(lines + lines[1 : len(lines) // 5]))
    elif defect == "no-tests":
        shutil.rmtree(root / "tests")
    elif defect == "no-readme":
        (root / "README.md").unlink()
    elif defect == "no-ci":
        shutil.rmtree(root / ".github")


def make_class(folder: Path, teams: int, rng: random.Random) -> dict[str, str]:
    base = template(folder)
    clean = (base / TRAIN).read_text()
    gates: dict[
        str, Path
    ] = {}  # the team's data -> the report its gate wrote (same data, same result)
    defects = {}
    for number in range(teams):
        name = f"team-{number:03d}"
        root = folder / "class" / name
        shutil.copytree(base, root, symlinks=True)
        defect = rng.choices(list(DEFECTS), weights=list(DEFECTS.values()))[0]
        _defect(root, defect, clean)
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", f"{name}: our work ({defect})", "--allow-empty")
        key = hashlib.md5((root / TRAIN).read_bytes()).hexdigest()
        if key not in gates:
            _sekit(root, "gate")
            gates[key] = folder / f"gate-{key}.json"
            shutil.copy(root / ".sekit" / "report.json", gates[key])
        (root / ".sekit").mkdir(exist_ok=True)
        shutil.copy(gates[key], root / ".sekit" / "report.json")
        document = attest(root, builtin())
        (root / ".sekit" / "attestation.json").write_text(document.model_dump_json())
        defects[name] = defect
    return defects


def forge(
    folder: Path, defects: dict[str, str], per_kind: int, rng: random.Random
) -> dict[str, str]:
    """Forge ``per_kind`` reports of each kind; returns team -> kind."""
    klass = folder / "class"
    failing = [t for t, d in defects.items() if d in ("missing", "duplicates")]
    others = [t for t in defects if t not in failing]
    chosen: dict[str, str] = {}
    for team in rng.sample(failing, min(per_kind, len(failing))):
        chosen[team] = "gate-flipped"
    pool = [t for t in others if t not in chosen]
    rng.shuffle(pool)
    for kind in ("grade-edited", "copied", "data-swapped", "stale"):
        for _ in range(per_kind):
            chosen[pool.pop()] = kind
    for team, kind in chosen.items():
        path = klass / team / ".sekit" / "attestation.json"
        report = json.loads(path.read_text())
        if kind == "gate-flipped":
            report["gate"]["verdict"] = "pass"
            report["gate"]["checks"] = dict.fromkeys(report["gate"]["checks"], "pass")
        elif kind == "grade-edited":
            report["grade"]["score"] = min(100.0, report["grade"]["score"] + 15)
        elif kind == "copied":
            donor = next(t for t in defects if t != team and t not in chosen)
            report = json.loads((klass / donor / ".sekit" / "attestation.json").read_text())
        elif kind == "data-swapped":
            for bound in report["binding"]["inputs"]:
                if bound["key"] == "data.train":
                    bound["md5"] = hashlib.md5(b"other data").hexdigest()
        elif kind == "stale":
            (klass / team / "NOTES.md").write_text("work after the CI run\n")
            _git(klass / team, "add", "-A")
            _git(klass / team, "commit", "-qm", "after the report")
        path.write_text(json.dumps(report))
    return chosen


def _power(klass: Path, report, forged, defects, rerun):  # type: ignore[no-untyped-def]
    """Caught when sampled, measured directly: every flipped gate the sample missed, and as
    many honest teams whose gate failed (the controls: the same data defects, told truly),
    re-run as if sampled (after --collect's numbers were taken)."""
    from sekit.grade.collect import compare_rerun, read_attestation

    sampled = set(report.collection.sampled)
    by_name = {Path(t.path).name: t for t in report.teams}
    flipped = [t for t, k in forged.items() if k == "gate-flipped" and t not in sampled]
    controls = [
        t
        for t, d in defects.items()
        if d in ("missing", "duplicates") and t not in forged and t not in sampled
    ][: len(flipped)]
    outcome = {
        "flipped": len(flipped),
        "flipped_caught": 0,
        "controls": len(controls),
        "controls_flagged": 0,
    }
    for team in flipped + controls:
        graded = by_name[team]
        attestation, _ = read_attestation(klass / team)
        if graded.collected is None or attestation is None:
            continue
        compare_rerun(graded, rerun(klass / team), attestation)
        flagged = graded.collected.status != "accepted"
        key = "flipped_caught" if team in flipped else "controls_flagged"
        outcome[key] += flagged
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=100)
    parser.add_argument("--sample", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--per-kind", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    bwrap, why = find_sandbox()
    if bwrap is None:
        raise SystemExit(f"the re-runs need bubblewrap: {why}")
    rng = random.Random(args.seed)
    rubric = builtin()
    with tempfile.TemporaryDirectory(prefix="sekit-collect-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        defects = make_class(folder, args.teams, rng)
        forged = forge(folder, defects, args.per_kind, rng)
        built = time.perf_counter() - start
        run = SandboxRun(Sandbox(bwrap), Limits(wall_seconds=600))
        reruns: list[float] = []

        def rerun(root: Path):  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            graded = grade_one(root, rubric, run=run, template=False)
            reruns.append(time.perf_counter() - began)
            return graded

        start = time.perf_counter()
        report = collect(
            folder / "class",
            rubric,
            sampling=Sampling(args.sample, args.seed),
            rerun=rerun,
            grade_here=lambda root: grade_one(root, rubric, template=False),
            jobs=args.jobs,
        )
        seconds = time.perf_counter() - start
        sampled_reruns = len(reruns)
        status = {  # what --collect decided, before the direct measure below re-runs more
            Path(t.path).name: t.collected.model_copy(deep=True) if t.collected else None
            for t in report.teams
        }
        power = _power(folder / "class", report, forged, defects, rerun)
    sampled = set(report.collection.sampled if report.collection else [])
    by_kind: dict[str, dict[str, int]] = {}
    for kind in FORGERIES:
        teams = [t for t, k in forged.items() if k == kind]
        caught = [t for t in teams if status[t] and status[t].status != "accepted"]
        in_sample = [t for t in teams if t in sampled]
        by_kind[kind] = {
            "forged": len(teams),
            "caught": len(caught),
            "sampled": len(in_sample),
            "caught_when_sampled": sum(t in caught for t in in_sample),
        }
    honest = [t for t in defects if t not in forged]
    false_flags = [t for t in honest if status[t] and status[t].status != "accepted"]
    numbers = {
        "teams": args.teams,
        "sample_fraction": args.sample,
        "seed": args.seed,
        "defects": dict(Counter(defects.values())),
        "forged": by_kind,
        "honest": len(honest),
        "honest_flagged": len(false_flags),
        "honest_flagged_reasons": {t: status[t].reasons for t in false_flags if status[t]},
        "statuses": report.collection.statuses if report.collection else {},
        "reruns_in_collect": sampled_reruns,
        "reruns_in_all": len(reruns),
        "rerun_seconds_median": round(sorted(reruns)[len(reruns) // 2], 1) if reruns else None,
        "when_sampled": power,
        "collect_seconds": round(seconds, 1),
        "class_built_seconds": round(built, 1),
    }
    print(json.dumps(numbers, indent=2))
    print(f"wrote {record('collect', numbers)}")


if __name__ == "__main__":
    main()
