"""The one error hierarchy of sekit.

Every error a user can cause (a broken config, a missing data file, a model that will not load,
a service that never comes up) is a :class:`SekitError` subclass carrying a one-line, human
message that names the file or key and says what to do. The command layer turns it into that
message and the exit code below; anything else is an internal error (exit 3).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


class SekitError(Exception):
    """Base class: a problem the user can fix. ``exit_code`` is what the CLI exits with.
    ``details`` (a service's log, say) are shown only with ``--debug``: the message itself is
    one line."""

    exit_code: int = 2
    details: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}; {self.hint}"


class UsageError(SekitError):
    """A wrong argument or option on the command line."""


class ConfigError(SekitError):
    """``sekit.toml`` / ``[tool.sekit]`` is missing, unreadable or invalid.

    ``problems`` holds one line per problem, each naming the file and the key path.
    """

    def __init__(self, problems: list[str] | str, *, hint: str | None = None) -> None:
        lines = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(lines), hint=hint)
        self.problems = lines


class InputError(SekitError):
    """An input file named by the config (data, model, payload, report) cannot be used."""

    def __init__(
        self, path: Path | str, problem: str, *, key: str | None = None, hint: str | None = None
    ) -> None:
        where = f"{path}" if key is None else f"{path} ({key})"
        super().__init__(f"{where}: {problem}", hint=hint)
        self.path = Path(path)
        self.key = key


def did_you_mean(word: str, options: Iterable[str], *, cutoff: float = 0.6) -> str | None:
    """``did you mean 'name'?`` for the option closest to ``word`` (difflib's ratio at least
    ``cutoff``), or None when none is that close: every "unknown name" message says it so."""
    import difflib

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=cutoff)
    return f"did you mean {close[0]!r}?" if close else None


NOT_RUN = "not run: "  # how the summary of a check that did not run for want of input begins


class InputUnavailable(SekitError):
    """A check's input (the data, the model) failed to load and another check of the same run
    already reported why: this check did not run, and says so without repeating the reason."""

    def __init__(self, cause: Exception, *, reported_by: str) -> None:
        super().__init__(f"{NOT_RUN}its input could not be loaded (reported by {reported_by})")
        self.cause = cause
        self.reported_by = reported_by


class DataLoadError(InputError):
    """A dataset cannot be read or does not have the shape the config promises."""


class ModelLoadError(InputError):
    """A model file or loader does not give an object with ``predict``."""


class ReportError(InputError):
    """A saved report cannot be read or is not a sekit report."""


class ServiceError(SekitError):
    """The project's HTTP service cannot be started or reached; ``details``: its log's end."""

    def __init__(
        self, message: str, *, hint: str | None = None, details: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.details = details


class MissingExtraError(SekitError):
    """An optional engine is used without its extra installed."""

    def __init__(self, engine: str, extra: str) -> None:
        super().__init__(
            f"the {engine} engine is not installed",
            hint=f"install it with: pip install 'sekit-ml[{extra}]'",
        )
