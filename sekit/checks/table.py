"""A config table that a suite owns: :class:`Table`.

Apart from :mod:`sekit.checks.suite` so that declaring a suite (what ``sekit check --help``
reads) does not build the config's models: a suite names its tables in a function that
imports them (``Suite(tables=...)``).
"""

from __future__ import annotations

from typing import ClassVar

from sekit.config.values import Section


class Table(Section):
    """A config table that a suite owns: its key (``release`` for ``[release]``) is the
    class's ``table``. Declare the table's keys as fields (with a ``description`` each: the
    reference pages are generated from them)."""

    table: ClassVar[str] = ""
