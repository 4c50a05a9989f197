"""The Vagrantfile read as text (Ruby is never run): the machines it defines, their
networks and fixed addresses, loops and arithmetic over the nodes, variables for CPUs, memory
and the number of workers, what it hands to Ansible, and the shared folder."""

from __future__ import annotations

import re

from sekit.grade.detectors.common import Outcome, from_parts
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

CHECKS = {
    "machines": (
        0.15,
        r"\.vm\.define\b.*\n(?s:.*)\.vm\.hostname\s*=|"
        r"\.vm\.hostname\s*=.*\n(?s:.*)\.vm\.define\b",  # a helper that names each machine
        "machines with host names",
    ),
    "network": (
        0.1,
        r"\.vm\.network\s*[\"':]+private_network[\"']?\s*,\s*ip:",
        "a private network with fixed addresses",
    ),
    "ansible": (
        0.1,
        r"\.vm\.provision\s*[\"':]+ansible|\.vm\.provision\b[^\n]*\btype:\s*[\"':]+ansible",
        "provisioned with Ansible",
    ),
    "loop": (
        0.15,
        r"\(\s*\d+\s*\.\.\s*\w+\s*\)\.each|\.times\s+do|\.each(_with_index)?\s+do\s*\|",
        "a loop over the nodes",
    ),
    "arithmetic": (0.1, r"#\{[^}]*[+*-]\s*\w+[^}]*\}", "template arithmetic in names or addresses"),
    "variables": (
        0.15,
        r"^\s*[A-Z_]*(WORKER|NODE)S?[A-Z_]*\s*=\s*(\d|ENV\b).*$(?s:.*)"
        r"\.(cpus|memory)\s*=\s*[A-Z_a-z]",
        "workers, CPUs and memory from variables",
    ),
    "extra_vars": (0.1, r"\.extra_vars\s*=", "values passed to Ansible (extra_vars)"),
    "inventory": (
        0.1,
        r"inventory|File\.write|ERB\.new|\.groups\s*=",
        "an inventory generated for the active nodes",
    ),
    "shared": (0.05, r"synced_folder\s*[\"'][^\"']*[\"']\s*,\s*[\"']/mnt/shared", "/mnt/shared"),
}


@item(
    "provision.vms", "provisioning", "virtual machines declared with loops and variables", points=1
)
def vagrant(repo: Repository) -> Outcome:
    """What the Vagrantfile declares, each with its weight: machines with host names (0.15), a
    private network with fixed addresses (0.1), Ansible provisioning (0.1), a loop over the
    nodes (0.15) with arithmetic in their names or addresses (0.1), worker count, CPUs and
    memory from variables (0.15), extra variables handed to Ansible (0.1), a generated
    inventory (0.1), the shared folder ``/mnt/shared`` (0.05)."""
    files = [f for f in repo.files if f.rsplit("/", 1)[-1] == "Vagrantfile"]
    if not files:
        return Outcome("missing", ["no Vagrantfile"])
    relative = files[0]
    text = "\n".join(
        line
        for line in (repo.text(relative) or "").splitlines()
        if not line.lstrip().startswith("#")
    )
    found: dict[str, tuple[float, bool]] = {}
    evidence = []
    for name, (weight, pattern, what) in CHECKS.items():
        match = re.search(pattern, text, re.MULTILINE | re.IGNORECASE)
        found[name] = (weight, match is not None)
        if match is not None:
            evidence.append(f"{what}: {_line(repo, relative, match.group(0))}")
    return from_parts(found, evidence, "")


def _line(repo: Repository, relative: str, matched: str) -> str:
    first = matched.strip().splitlines()[0].strip()
    for number, line in enumerate((repo.text(relative) or "").splitlines(), start=1):
        if first and first in line and not line.lstrip().startswith("#"):
            return f"{relative}:{number}: {line.strip()[:100]}"
    return relative


ITEMS: tuple[Item, ...] = (vagrant,)
