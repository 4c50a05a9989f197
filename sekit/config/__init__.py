"""The config: ``sekit.toml`` or ``[tool.sekit]`` in ``pyproject.toml``.

:func:`load_config` (:mod:`sekit.config.loader`) finds, reads and validates it against
:class:`Config` (:mod:`sekit.config.schema`). They are imported on first use, so that a suite's
table (:mod:`sekit.config.values`) can be declared without building the whole schema: that
keeps ``sekit check --help`` quick.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sekit.config.loader import find_config, load_config
    from sekit.config.schema import Config

__all__ = ["Config", "find_config", "load_config"]


def __getattr__(name: str) -> Any:
    if name in ("find_config", "load_config"):
        from sekit.config import loader

        return getattr(loader, name)
    if name == "Config":
        from sekit.config.schema import Config

        return Config
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
