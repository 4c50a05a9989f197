"""The options a suite adds to ``sekit check``, as a typed model (:class:`SuiteOptions`).

Declared apart from :mod:`sekit.checks.suite` because the run context
(:mod:`sekit.checks.context`) holds them, and the suite declaration names the context.
"""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ConfigDict


class SuiteOptions(BaseModel):
    """The options a suite adds to ``sekit check``: one field per option.

    A field ``log: Path | None`` becomes ``--log PATH``; ``bool`` a flag, ``Literal[...]`` a
    choice, ``int`` with bounds a range; the field's ``description`` is the help text and
    ``json_schema_extra={"metavar": ...}`` its metavar. A suite validates its own options with
    pydantic validators; the validation context holds ``run`` (the
    :class:`~sekit.checks.context.RunOptions` shared by every suite) and ``asked`` (whether the
    suite was named on the command line).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


Options = TypeVar("Options", bound=SuiteOptions)
