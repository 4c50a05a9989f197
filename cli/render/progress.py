"""Progress while checks run: a live spinner on a terminal, one line per check otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import Progress as Bar
from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

from sekit.runner import Progress


def _is_tty(console: Console) -> bool:
    isatty = getattr(console.file, "isatty", None)
    return bool(isatty()) if callable(isatty) else False


@contextmanager
def progress_display(err: Console, *, quiet: bool) -> Iterator[Callable[[Progress], None]]:
    """A callback for :func:`sekit.runner.run` that shows which check is running."""
    if quiet:
        yield lambda event: None
        return
    # A live spinner only on a real terminal: rich's is_terminal also says yes to a CI log
    # or a pipe when FORCE_COLOR or TTY_COMPATIBLE is set, and the spinner's frames and its
    # lines then end up in the log, twice and out of order.
    if not _is_tty(err):

        def lines(event: Progress) -> None:
            if event.result is None:
                return
            result = event.result
            err.print(
                f"[{event.index + 1}/{event.total}] {event.check.id}: "
                f"{result.status.value} ({result.duration_s:.2f}s)"
            )

        yield lines
        return
    with Bar(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("starting", total=None)

        def live(event: Progress) -> None:
            if event.result is None:
                bar.update(
                    task, description=f"[{event.index + 1}/{event.total}] {event.check.title}"
                )
            else:
                bar.console.print(
                    f"  [{event.result.status.value}]"
                    f"{event.result.status.value:>7}[/] {event.check.id} "
                    f"[muted]{event.result.duration_s:.2f}s[/]"
                )

        yield live
