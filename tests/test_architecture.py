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
            "print('LOADED', sorted(m for m in sys.modules if m.startswith('cvd_reporter.cli.')"
            " and m not in ('cvd_reporter.cli.app', 'cvd_reporter.cli.localise')))")  # localise: help texts
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert "LOADED []" in out.stdout, out.stdout[-300:]


# ---------------------------------------------------------------------------- import direction
# cli -> app -> core/net/delivery/store, and core imports nothing of ours above it. Every import counts,
# also one inside a function or under TYPE_CHECKING: a lazy import is still a dependency.
PACKAGE = ROOT / "cvd_reporter"
FORBIDDEN: dict[str, set[str]] = {
    "core": {"app", "cli", "net", "delivery", "store", "practice", "settings"},
    "net": {"app", "cli", "practice"},
    "delivery": {"app", "cli", "practice"},
    "store": {"app", "cli", "practice"},
    "app": {"cli", "practice"},
    "practice": {"cli"},
}
UI_LIBRARIES = {"click", "questionary", "prompt_toolkit"}  # only cli/ talks to the person


def _imports(source: str, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``; relative ones resolved against ``module``."""
    import ast

    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")[: -node.level]
                base = ".".join(parent + ([base] if base else []))
            out.append((node.lineno, base))
            out += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]  # from pkg import module
    return out


def import_violations(files: dict[str, str]) -> list[str]:
    """``files`` maps a module name (cvd_reporter.x.y) to its source; returns every rule it breaks."""
    found: list[str] = []
    for module, source in sorted(files.items()):
        parts = module.split(".")
        layer = parts[1] if len(parts) > 1 else ""
        for line, target in _imports(source, module):
            top = target.split(".")[0]
            if top in UI_LIBRARIES and layer != "cli":
                found.append(f"{module}:{line} imports {target} (only cli/ may)")
            if top == "cvd_reporter" and target.count(".") >= 1:
                used = target.split(".")[1]
                if used in FORBIDDEN.get(layer, set()):
                    found.append(f"{module}:{line} imports {target} ({layer}/ may not import {used})")
    return sorted(set(found))


def _package_sources() -> dict[str, str]:
    files = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(ROOT).with_suffix("")
        name = ".".join(rel.parts[:-1] if rel.name == "__init__" else rel.parts)
        files[name] = path.read_text("utf-8")
    return files


def test_imports_flow_one_way():
    assert import_violations(_package_sources()) == []


def test_the_import_rules_catch_what_they_forbid():
    bad = {
        "cvd_reporter.core.x": "def f():\n    from cvd_reporter.app import submit\n",
        "cvd_reporter.store.y": "from cvd_reporter.app.reportfile import load_report_file\n",
        "cvd_reporter.net.z": "if TYPE_CHECKING:\n    from cvd_reporter.cli.app import AppContext\n",
        "cvd_reporter.app.w": "import click\nfrom ..cli import app\n",
        "cvd_reporter.delivery.v": "from cvd_reporter import app\n",
    }
    found = import_violations(bad)
    assert sorted({f.split(":")[0] for f in found}) == sorted(bad), found
    assert any("imports click" in f for f in found) and any("cvd_reporter.cli" in f for f in found), found
    good = {"cvd_reporter.cli.a": "import click\nfrom cvd_reporter.app.submit import submit_report\n",
            "cvd_reporter.app.b": "from cvd_reporter.store.record import Record\nfrom cvd_reporter.core import mime\n"}
    assert import_violations(good) == []
