"""One module per command; each exposes a click command that returns the exit code."""
