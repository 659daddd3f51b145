"""Layering rules that keep the tool fast and testable (pure core, I/O at the edges)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("click", "questionary", "requests", "dns", "prompt_toolkit")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_core_loads_no_cli_network_or_prompt_library():
    modules = sorted(p.stem for p in (ROOT / "cvd_reporter" / "core").glob("*.py") if p.stem != "__init__")
    code = "\n".join(f"import cvd_reporter.core.{m}" for m in modules)
    loaded = _loaded_after(code)
    assert not loaded & set(HEAVY), f"core pulled in {sorted(loaded & set(HEAVY))}"


def test_help_does_not_import_heavy_packages():
    code = ("import sys\nsys.argv=['cvd-reporter','--help']\nfrom cvd_reporter.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass")
    loaded = _loaded_after(code)
    assert not loaded & {"pgpy", "requests", "dns", "questionary", "prompt_toolkit", "cryptography", "yaml"}, \
        sorted(loaded & {"pgpy", "requests", "dns", "questionary", "prompt_toolkit", "cryptography", "yaml"})


def test_root_help_imports_no_command_module():
    code = ("import sys\nsys.argv=['cvd-reporter','--help']\nfrom cvd_reporter.cli.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in sys.modules if m.startswith('cvd_reporter.cli.') and m != 'cvd_reporter.cli.app'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "LOADED []" in out.stdout, out.stdout[-300:]
