"""The runner of the documentation's console blocks: it catches a command that fails, a line
the page quotes that is not printed, and lines printed in another order; it passes a page that
is true."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.docs.console import environment, missing, parse, run

Tree = Callable[[dict[str, str | bytes]], Path]

PAGE = """# A page
<!-- doctest: start=empty -->

Text.

```console
$ echo hello; echo world
hello
world
$ printf 'a\\nb\\nc\\n'
a
...
c
$ false; echo "exit $?"
exit 1
```

```bash
this is shown, never run
```

```console
$ cat <<'X'
> one two
> X
one ... two
```
"""


def test_a_page_is_commands_with_the_lines_they_print(tree: Tree) -> None:
    page = parse(tree({"page.md": PAGE}) / "page.md")
    assert page.settings == {"start": "empty"}
    assert [c.text for c in page.commands] == [
        "echo hello; echo world",
        "printf 'a\\nb\\nc\\n'",
        'false; echo "exit $?"',
        "cat <<'X'\none two\nX",
    ]
    assert page.commands[0].expected == ["hello", "world"]
    assert page.commands[0].line == 7


def test_a_true_page_has_no_problem(tree: Tree) -> None:
    root = tree({"page.md": PAGE})
    page = parse(root / "page.md")
    ran = run(page, root, environment())
    assert [r.code for r in ran] == [0, 0, 0, 0]
    assert [p for r in ran for p in r.problems(page.path)] == []


def test_a_failing_command_and_a_missing_line_are_problems(tree: Tree) -> None:
    broken = PAGE.replace("$ echo hello; echo world", "$ echo hello; false").replace(
        "exit 1", "exit 2"
    )
    root = tree({"page.md": broken})
    page = parse(root / "page.md")
    problems = [p for r in run(page, root, environment()) for p in r.problems(page.path)]
    assert problems == [
        "page.md:7: $ echo hello; false: exited 1",
        "page.md:7: $ echo hello; false: did not print 'world'",
        "page.md:14: $ false; echo \"exit $?\": did not print 'exit 2'",
    ]


def test_quoted_lines_must_come_in_order() -> None:
    assert missing(["b", "a"], "a\nb\n") == ["a"]
    assert missing(["a", "...", "b"], "a\nx\nb\n") == []
    assert missing(["PASS: ...proceed"], "PASS: deployment may proceed\n") == []


def test_a_session_that_exits_early_reports_the_command(tree: Tree) -> None:
    root = tree({"page.md": "```console\n$ echo one\none\n$ exit 3\n$ echo never\n```\n"})
    page = parse(root / "page.md")
    ran = run(page, root, environment())
    assert [r.code for r in ran] == [0, 3]
    assert ran[1].problems(page.path) == ["page.md:4: $ exit 3: exited 3"]
