"""Fixtures of the scaffold's tests: the real headless browser is tests/conftest.py's
``browser``."""
