"""Grading a class of 30 repositories without --run, with --jobs 2.

    python benchmarks/grade.py [--teams 30] [--jobs 2]

The class is made of scaffolded projects (git history included), a third of them broken
variants, each with a commit by each of four members. Target (issue 7): under 30 seconds.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _record import record

from sekit.grade import grade
from sekit.scaffold import create, plan
from sekit.scaffold.variants import VARIANTS, plan_variant


def make_class(root: Path, teams: int) -> list[Path]:
    base = plan("team", target=root / "base")
    broken = [plan_variant(name, target=root / "base") for name in VARIANTS]
    made = []
    for number in range(teams):
        source = broken[number % len(broken)] if number % 3 == 2 else base
        target = root / f"team-{number:02d}"
        create(replace(source, target=target), git=True)
        for member in ("Ana", "Ben", "Caro", "Dan"):
            with (target / "NOTES.md").open("a") as notes:
                notes.write(f"{member} was here\n")
            identity = ["-c", f"user.name={member}", "-c", f"user.email={member}@uni.example"]
            subprocess.run(["git", "add", "-A"], cwd=target, check=True)
            subprocess.run(
                ["git", *identity, "commit", "-qm", f"work by {member}"], cwd=target, check=True
            )
        made.append(target)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teams", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        teams = make_class(Path(folder), args.teams)
        start = time.perf_counter()
        report = grade(teams, jobs=args.jobs)
        seconds = time.perf_counter() - start
    graded = sum(t.score is not None for t in report.teams)
    print(
        f"graded {graded} of {len(teams)} repositories in {seconds:.1f} s with --jobs "
        f"{args.jobs} (target < 30 s: {'met' if seconds < 30 else 'MISSED'})"
    )
    path = record(
        "grade",
        {"teams": len(teams), "jobs": args.jobs, "seconds": round(seconds, 2), "graded": graded},
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
