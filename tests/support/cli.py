"""The command line as the tests run it: in-process through click (fast, isolated) or as a fresh
``python -m cvd_reporter`` process (what a pipx user runs)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner

from tests.support.paths import ROOT


@dataclass
class CliOutcome:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> CliOutcome:
    """Run the real entry point in-process (click's isolation), capturing stdout and stderr apart."""
    from cvd_reporter.cli.app import main

    runner = CliRunner()
    with runner.isolation(input=input, env=env) as streams:
        out, err = streams[0], streams[1]
        try:
            main(list(args))
            code = 0
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return CliOutcome(code, stdout, stderr)


def run_process(*args: str, input: bytes | None = None, env: dict[str, str] | None = None,
                timeout: float = 60) -> subprocess.CompletedProcess:
    """Run ``python -m cvd_reporter`` in a fresh interpreter (what a pipx user runs)."""
    full_env = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "cvd_reporter", *args], input=input, capture_output=True,
                          env=full_env, timeout=timeout, cwd=str(ROOT))
