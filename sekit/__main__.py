"""``python -m sekit`` runs the command-line interface."""

from sekit_cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
