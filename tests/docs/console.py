"""The documentation's console blocks, run as written.

A page's ```` ```console ```` blocks are what a reader types and sees: a line starting with
``$ `` is a command (``> `` continues it), the lines after it are what it prints. A page runs
in one shell session, block after block, as a reader goes down the page, from the start its
directive names (``<!-- doctest: start=... -->``, an HTML comment the site does not show).

What is checked, per command:

- it exits 0 (a page that shows a failure says so itself: ``sekit gate; echo "exit $?"``,
  and then ``exit 1`` is a line it prints);
- every line the page quotes appears in what it printed, in that order (other lines may come
  between: a page quotes what matters, not every line); ``...`` in a quoted line stands for
  any text, and a quoted line that is only ``...`` just marks an omission.

Blocks of other languages (``bash``, ``toml``, ``python``) are shown, not run.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^```console\s*$(.*?)^```\s*$", re.MULTILINE | re.DOTALL)
DIRECTIVE = re.compile(r"<!--\s*doctest:\s*(.*?)\s*-->")
MARK = "@@sekit-doctest@@"


@dataclass
class Command:
    text: str  # what is typed (continuation lines joined with newlines)
    expected: list[str] = field(default_factory=list)
    line: int = 0  # where the page has it


@dataclass
class Page:
    path: Path
    settings: dict[str, str]
    commands: list[Command]


def parse(path: Path) -> Page:
    """A page's directive and the commands of its console blocks, in order."""
    text = path.read_text(encoding="utf-8")
    settings: dict[str, str] = {}
    for directive in DIRECTIVE.findall(text):
        for item in directive.split(";"):
            key, _, value = item.partition("=")
            settings[key.strip()] = value.strip()
    commands: list[Command] = []
    for block in FENCE.finditer(text):
        first_line = text[: block.start()].count("\n") + 2
        current: Command | None = None
        for offset, raw in enumerate(block.group(1).strip("\n").splitlines()):
            if raw.startswith("$ "):
                current = Command(raw[2:], line=first_line + offset)
                commands.append(current)
            elif (
                (raw.startswith("> ") or raw == ">")
                and current is not None
                and not current.expected
            ):
                current.text += "\n" + raw[2:]
            elif current is None:
                raise ValueError(f"{path}:{first_line + offset}: output before any command")
            elif raw.strip():
                current.expected.append(raw.rstrip())
    return Page(path, settings, commands)


def _pattern(expected: str) -> re.Pattern[str]:
    parts = [re.escape(part.strip()) for part in expected.strip().split("...")]
    return re.compile(".*".join(parts))


def missing(expected: list[str], printed: str) -> list[str]:
    """The quoted lines that do not appear, in order, in what was printed."""
    lines = [line.rstrip() for line in printed.splitlines()]
    at = 0
    absent = []
    for quoted in expected:
        if quoted.strip() == "...":
            continue
        pattern = _pattern(quoted)
        for index in range(at, len(lines)):
            if pattern.search(lines[index]):
                at = index + 1
                break
        else:
            absent.append(quoted)
    return absent


@dataclass
class Ran:
    command: Command
    code: int
    printed: str

    def problems(self, page: Path) -> list[str]:
        where = f"{page.name}:{self.command.line}: $ {self.command.text.splitlines()[0]}"
        found = []
        if self.code != 0:
            found.append(f"{where}: exited {self.code}")
        for line in missing(self.command.expected, self.printed):
            found.append(f"{where}: did not print {line!r}")
        return found


def run(
    page: Page,
    cwd: Path,
    env: dict[str, str],
    *,
    replace: dict[str, str] | None = None,
    timeout: float = 1500,
) -> list[Ran]:
    """Every command of the page in one bash session started in ``cwd``; what each printed
    (stdout and stderr together, as on a terminal) and its exit code. ``replace`` rewrites
    text in the commands before they run (a URL this machine cannot reach -> a local copy)."""
    script = ["set +e"]
    for command in page.commands:
        text = command.text
        for old, new in (replace or {}).items():
            text = text.replace(old, new)
        script += [text, f'echo "{MARK} $?"']
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", "\n".join(script)],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    pieces = re.split(rf"^{re.escape(MARK)} (\d+)$", done.stdout, flags=re.MULTILINE)
    outputs, codes = pieces[0::2], [int(c) for c in pieces[1::2]]
    ran = [
        Ran(command, code, printed)
        for command, code, printed in zip(page.commands, codes, outputs, strict=False)
    ]
    if len(ran) < len(page.commands):  # the session ended early (an `exit` in a command)
        lost = page.commands[len(ran)]
        ran.append(
            Ran(lost, done.returncode or 1, outputs[len(ran)] if len(outputs) > len(ran) else "")
        )
    return ran


def environment(path_first: Path | None = None) -> dict[str, str]:
    """A reader's environment: no colour, a fixed width, nothing of this test run's Python."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env.update({"NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"})
    env.pop("FORCE_COLOR", None)
    if path_first is not None:
        env["PATH"] = f"{path_first}{os.pathsep}{env['PATH']}"
    return env
