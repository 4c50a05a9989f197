"""An instructor's roster: which repository folder belongs to which team.

A CSV file with a header holding ``folder`` and ``team`` columns (other columns, such as
members or e-mails, are ignored)::

    folder,team
    team-07,Team 7 (Ana, Ben, Caro, Dan)

A team of several repositories (REMLA's six: model-training, model-service, app, lib-ml,
lib-version, operation) has one line per repository; the folder may be a path relative to the
roster's folder, which ``sekit grade --roster FILE`` grades when no PATH is given::

    folder,team
    remla25-team13/model-training,Team 13
    remla25-team13/operation,Team 13

Teams are named by the roster, or by their folder: never by what a repository says about
itself, so no team can take another's name.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sekit.errors import ConfigError


def load_roster(path: Path) -> dict[str, str]:
    """folder name -> team name; a ConfigError (exit 2) naming the file and the problem."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{path}: roster file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the roster: {exc}") from None
    reader = csv.DictReader(io.StringIO(text))
    fields = {name.strip().lower(): name for name in reader.fieldnames or []}
    if "folder" not in fields or "team" not in fields:
        raise ConfigError(
            f"{path}: the roster needs a header with 'folder' and 'team' columns",
            hint="e.g. `folder,team` then one line per team: `team-07,Team 7`",
        )
    roster: dict[str, str] = {}
    for number, row in enumerate(reader, start=2):
        folder = (row.get(fields["folder"]) or "").strip()
        team = (row.get(fields["team"]) or "").strip()
        if not folder and not team:
            continue
        if not folder or not team:
            raise ConfigError(f"{path}:{number}: a roster line needs both a folder and a team")
        folder = folder.strip("/")
        if folder in roster:
            raise ConfigError(f"{path}:{number}: folder {folder!r} is listed twice")
        roster[folder] = team
    if not roster:
        raise ConfigError(f"{path}: the roster lists no teams")
    return roster
