"""``sekit explain [KIND]``."""

from __future__ import annotations

import click


@click.command(short_help="Explain a finding kind or metric.")
@click.argument("name", required=False)
def explain(name: str | None) -> int:
    """What a finding kind or metric means, why it matters, how to investigate and fix it.

    Without NAME, list every kind (grouped by suite) and every metric.

    \b
    Examples:
      sekit explain                  # the whole vocabulary
      sekit explain label_leakage
      sekit explain load.p95_ms
    """
    from rich.markup import escape

    from sekit.explain import catalogue
    from sekit.explain import explain as lookup
    from sekit_cli.render.console import console

    out = console()
    if name is None:
        for group, terms in catalogue().items():
            out.print(f"[bold]{group}[/]")
            for term in terms:
                out.print(f"  {term.name:24} {escape(term.summary)}")
            out.print()
        out.print("[muted]sekit explain NAME says more about one of them.[/]")
        return 0
    entry = lookup(name)
    # the texts name config keys such as [data].group: printed as they are, not as markup
    out.print(f"[bold]{entry.name}[/] ({entry.what}, {entry.suite}): {escape(entry.summary)}")
    for title, text in (
        ("Why it matters", entry.why),
        ("Investigate", entry.investigate),
        ("Fix", entry.fix),
        ("Checked by", entry.checked_by),
        ("How sure", entry.trust),
    ):
        if text:
            out.print(f"\n[bold]{title}[/]\n  {escape(text)}")
    return 0
