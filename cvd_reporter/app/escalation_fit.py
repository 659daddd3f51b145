"""The escalation point that fits a report's organisation, for `escalate` and for the places that
suggest one (`status ID`, the next steps after a send).

The directory is read from the home (imported entries first, as `escalate --to` reads them); the
choice itself is core/escalation_fit.py's. An imported directory that cannot be read leaves the
bundled one: a suggestion never stops a command.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cvd_reporter.app.directory import load_bundled, load_imported
from cvd_reporter.core.escalation_fit import Fit, fit_for
from cvd_reporter.errors import CvdError


def escalation_points(home: Path) -> list[Any]:
    """Directory entries, the imported ones first: an imported escalation point overrides a bundled one.
    An imported directory that cannot be read is an error here (`escalate` must not pick another point)."""
    bundled, _owners = load_bundled()
    return load_imported(home) + bundled


def directory_entries(home: Path | None) -> list[Any]:
    """``escalation_points`` for a suggestion: only the bundled entries without a home, or when the
    imported ones cannot be read."""
    try:
        return escalation_points(home) if home is not None else load_bundled()[0]
    except CvdError:
        return load_bundled()[0]


def usual_point_for(home: Path | None, *, organisation: str | None, target: str | None) -> Fit | None:
    """The usual escalation point of the organisation a report went to; None when its kind is unknown."""
    if not (organisation or target):
        return None
    return fit_for(directory_entries(home), organisation=organisation or "", target=target or "")
