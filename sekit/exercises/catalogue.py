"""The exercises sekit hands out, and what a judgement says."""

from __future__ import annotations

from dataclasses import dataclass, field

from sekit.errors import UsageError, did_you_mean

MARKER = ".sekit-exercise.toml"


@dataclass(frozen=True)
class Exercise:
    name: str
    suite: str  # data | model | load | release | endpoint | ci | grade
    topic: str  # the course topic it practises
    title: str
    task: str  # what to do, in the student's words; never the answer
    variant: str | None = None
    protect: tuple[str, ...] = ()  # sekit.toml tables that must not be weakened
    keep: tuple[str, ...] = ()  # files that stay as handed out ({package} filled in)


EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise(
            "label-leakage",
            "data",
            "data quality and testing",
            "Too good to be true",
            "The test accuracy is 100%. Find out why the data checks block the deployment and "
            "fix the cause, so that the test score means something again.",
            "label-leakage",
            ("gates", "data", "checks", "severity"),
        ),
        Exercise(
            "behaviour-bug",
            "model",
            "testing ML components",
            "A property the model must keep",
            "`sekit check model` reports a behaviour property that no longer holds. Find "
            "the change that broke it and make the model respect it again; the property "
            "itself stays.",
            "behaviour-bug",
            ("gates", "behaviour", "model", "checks", "severity"),
        ),
        Exercise(
            "unfair-clinic",
            "model",
            "fairness and biased data",
            "Accurate, but not for everyone",
            "The model passes its accuracy gates, yet `sekit check model` blocks it: the "
            "patients of one clinic get worse answers than everyone else's. Find out why and "
            "fix the cause, so that every clinic is served alike. The protected attribute, the "
            "fairness bounds, the gates and the test set stay as they are.",
            "unfair-clinic",
            ("gates", "model", "data", "behaviour", "checks", "severity"),
        ),
        Exercise(
            "slow-service",
            "load",
            "deployment and operation",
            "Slow under load",
            "Single requests look fine, but the load test misses its latency bound. Find "
            "what makes the service slow under load and fix it; the load and the bound stay "
            "as they are.",
            "slow-service",
            ("gates", "load", "service", "checks", "severity"),
        ),
        Exercise(
            "bad-release",
            "release",
            "releasing new model versions",
            "Ready to release?",
            "The team trained a new model and wants it to replace the deployed one "
            "(models/deployed.joblib, put there when you started). `sekit check release` runs "
            "both side by side on the real service and says roll back. Find out why and make "
            "a model that can be promoted. The deployed model, the release bounds, the load and "
            "the service's latency stay as they are.",
            "bad-release",
            ("gates", "release", "load", "service", "model", "checks", "severity"),
            # the service's answer path: a sleep there slows both models and hides a slow one
            tuple(
                f"src/{{package}}/{module}.py"
                for module in ("serve", "metrics", "monitor", "feedback", "config")
            ),
        ),
        Exercise(
            "careless-client",
            "endpoint",
            "integrating a given ML endpoint",
            "It worked in the demo",
            "The pipeline calls a given endpoint. `sekit check endpoint` shows the endpoint "
            "answering 429 and answering late, and the call stage does not survive it; and a "
            "key sits in the code. Make the call stage retry with waits, fall back with a "
            "marked answer where the endpoint never answers, use its cache again, and read "
            "the key from the environment. The faults, the bounds and the gates stay as they "
            "are.",
            "careless-client",
            ("gates", "client", "model", "checks", "severity"),
        ),
        Exercise(
            "missing-gate",
            "ci",
            "continuous integration and deployment",
            "A gate that cannot block",
            "CI runs `sekit gate`, yet a model that fails its gates can still be deployed. "
            "Make CI stop the deployment when the gate fails (GitHub Actions and GitLab CI).",
            "missing-gate",
        ),
        Exercise(
            "readiness",
            "grade",
            "specification, documentation and process",
            "From scaffold to ready",
            "`sekit grade .` shows this fresh project's score and, beside it, the score of "
            "the untouched template (the zero line of your own work). Raise the score at "
            "least 6 points above the template by real improvements: specify the component "
            "(docs/requirements.md), describe the model (docs/model_card.md), say who the "
            "team is, and commit your work as you go (at least five commits that change "
            "files).",
        ),
    )
}
# The score is a share of the rubric's points, so the same work earns fewer points as the
# rubric grows: the reference fix earns +7.9 under sekit-2026.9 (its four items met, five
# commits); the bar stays below that and above what any one of the items earns alone.
READINESS_GAIN = 6.0
READINESS_ITEMS = ("docs.requirements", "docs.model_card", "docs.readme", "vcs.git")


def get(name: str) -> Exercise:
    if name not in EXERCISES:
        raise UsageError(
            f"no exercise named {name!r}",
            hint=did_you_mean(name, EXERCISES) or "`sekit exercise list` shows them",
        )
    return EXERCISES[name]


@dataclass
class Verdict:
    status: str  # fixed | not_fixed | rejected
    messages: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "fixed" else 1
