"""The report as one self-contained HTML file: works offline (inline CSS and SVG, no CDN, no
JavaScript), with pictures where people would rather look than read: gates, latency over time
and percentiles, drift per feature, the confusion matrix and slice metrics, and behaviour
failures with their minimal examples."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sekit.explain import why
from sekit.report.model import Report
from sekit.report.svg import Figure
from sekit.results import Finding

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Section:
    """The pictures of one suite, under its title."""

    title: str
    figures: list[Figure]
    problems: list[str]


def sections(report: Report) -> list[Section]:
    """Each suite's pictures, drawn by its checks' ``figures`` hooks from their typed evidence.
    A picture whose data does not fit its evidence model is a problem shown in the report
    (never a chart that silently disappears); a check whose suite is not installed has none."""
    from pydantic import ValidationError

    from sekit.checks import specs, suites

    declared = {spec.id: spec for spec in specs()}
    gates = {g.metric: g for g in report.gates}
    found: dict[str, Section] = {}
    for check in report.checks:
        spec = declared.get(check.id)
        if spec is None or spec.figures is None:
            continue
        title = suites()[spec.suite].title.split(":")[0]
        section = found.setdefault(spec.suite, Section(title, [], []))
        try:
            section.figures.extend(spec.figures(check, gates))
        except ValidationError as exc:
            section.problems.append(f"{check.id}: its pictures could not be drawn: {exc}")
    return [s for s in found.values() if s.figures or s.problems]


def pictures(report: Report) -> dict[str, str]:
    """Every picture of the report by name (its SVG)."""
    return {figure.name: figure.svg for s in sections(report) for figure in s.figures}


def _failures(report: Report) -> list[Finding]:
    return [
        f
        for c in report.checks
        for f in c.findings
        if f.severity.value == "fail" and "example" in f.evidence
    ]


def render_html(report: Report) -> str:
    import jinja2
    from markupsafe import Markup

    from sekit.provenance import describe

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["why"] = why
    template = env.get_template("report.html.j2")
    return template.render(
        report=report,
        sections=sections(report),
        failures=_failures(report),
        blocking=report.blocking(),
        provenance=describe(report.provenance),
        Markup=Markup,
    )
