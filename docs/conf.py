"""Sphinx configuration of sekit's documentation site.

Sphinx with the furo theme and MyST (Markdown) pages, built with warnings as errors
(``tox -e docs``: ``sphinx-build -W --keep-going -n``). Why not MkDocs: MkDocs 1.x has been
unmaintained since 2024 and Material for MkDocs reached its end of maintenance in November
2026; Sphinx, furo and MyST-Parser are maintained, read the same Markdown, and check every
cross-reference (``-n``), so a page that points at a missing page or anchor fails the build.
The reference pages under ``reference/`` are generated from sekit's own declarations
(``python -m sekit_cli.docs``; a test fails when one is stale).
"""

from __future__ import annotations

import sekit

project = "sekit"
author = "The sekit team"
copyright = "2026, the sekit team"
release = sekit.__version__

extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = f"sekit {release}"
html_static_path: list[str] = []
# Offline: furo ships its assets; no analytics, no CDN.
html_theme_options = {"navigation_with_keys": True}
suppress_warnings: list[str] = []
