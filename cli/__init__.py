"""sekit's command layer: parses arguments, calls the :mod:`sekit` library, renders results.

Installed as the package ``sekit_cli`` (its folder in the repository is ``cli/``).
"""
