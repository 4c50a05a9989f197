"""The config: ``sekit.toml`` or ``[tool.sekit]`` in ``pyproject.toml``."""

from sekit.config.loader import find_config, load_config
from sekit.config.schema import Config

__all__ = ["Config", "find_config", "load_config"]
