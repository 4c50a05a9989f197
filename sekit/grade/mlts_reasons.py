"""Why an ML Test Score is what it is, in the words an instructor reads in the table (the
reason was only in the JSON: a team with tests scored 0 and ``-v`` did not say why)."""

from __future__ import annotations


def reasons(
    sections: dict[str, float],
    tagged: dict[str, list[str]],
    candidates: dict[str, list[str]],
    *,
    ran: bool,
) -> list[str]:
    """Why the final score is what it is, in the words an instructor reads in the table."""
    weakest = min(sections, key=lambda s: sections[s])
    lines = [
        f"the final score is the weakest section: {weakest} {sections[weakest]:g} of 7 "
        f"({', '.join(f'{s} {v:g}' for s, v in sections.items())})"
    ]
    marked = sum(len(nodes) for nodes in tagged.values())
    if marked and not ran:
        lines.append(
            f"{marked} tests are tagged @pytest.mark.mlts but were not run: only "
            "`sekit grade --run` credits them, when they pass"
        )
    elif not marked:
        lines.append("no test is tagged @pytest.mark.mlts(ID): no test can earn automated credit")
    if candidates:
        count = sum(len(nodes) for nodes in candidates.values())
        lines.append(
            f"{count} untagged tests look like they address {len(candidates)} of the 28 tests "
            f"(e.g. {next(iter(candidates.values()))[0]}): tag them, then grade with --run"
        )
    return lines
