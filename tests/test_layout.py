"""The house rules of the repository itself: the tests stand alone and the project carries its own data.

- No test module imports another test module (shared pieces live in tests/support/ or a conftest.py),
  and tests/support/ holds plain helpers, not fixtures.
- No file refers to a folder beside the checkout or to an absolute path of one machine: a fresh clone
  in an empty folder must find everything it needs inside itself.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import ROOT, TESTS

# Spelled in pieces so that this file does not match its own rules.
SIBLING = "../" + "shared"
FORBIDDEN = [
    (re.compile(re.escape(SIBLING).encode()), "a folder beside the checkout"),
    (re.compile(rb"(?<![\w.:/~-])/" + b"work(?=/|\\b)"), "an absolute path of the development machine"),
    (re.compile(rb"(?<![\w./-])" + b"shared" + rb"/(notes|corpus|policy|recipes)/"), "notes outside the repository"),
]
SKIP_DIRS = {".git", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache", "build", "dist",
             "venv", "node_modules"}


def _is_skipped(rel: Path) -> bool:
    return any(p in SKIP_DIRS or p.startswith(".venv") or p.endswith(".egg-info") for p in rel.parts[:-1]) \
        or rel.parts[:2] == ("bench", "results") or rel.name == ".git"


def repository_files(root: Path) -> list[Path]:
    """Every file of the project: git's view (tracked and not ignored) in a checkout, else a walk that
    leaves out what .gitignore leaves out (a copy made without .git)."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True, text=True,
                             timeout=30)
        if top.returncode == 0 and Path(top.stdout.strip()).resolve() == root.resolve():
            listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                    cwd=root, capture_output=True, timeout=30, check=True).stdout
            return [root / name for name in listed.decode().split("\0") if name and (root / name).is_file()]
    except (OSError, subprocess.SubprocessError):
        pass
    return [p for p in root.rglob("*") if p.is_file() and not _is_skipped(p.relative_to(root))]


def forbidden_references(files: list[Path], root: Path) -> list[str]:
    found = []
    for path in files:
        data = path.read_bytes()
        for pattern, what in FORBIDDEN:
            for m in pattern.finditer(data):
                line = data.count(b"\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(root)}:{line}: {what} ({m.group().decode(errors='replace')!r})")
    return found


def test_no_file_refers_outside_the_checkout():
    files = repository_files(ROOT)
    assert len(files) > 100 and any(p.suffix == ".asc" for p in files)  # the walk saw the project and its data
    assert forbidden_references(files, ROOT) == []


CITED = re.compile(rb"(?<![\w/.-])tests/[\w/.-]+\.(?:py|md|json|tsv)\b")


def test_every_test_file_the_project_cites_exists():
    """Comments and docs that name a test file ("pinned by tests/...") must name one that is there."""
    cited = {m.group().decode() for path in repository_files(ROOT) for m in CITED.finditer(path.read_bytes())}
    assert len(cited) >= 5
    assert sorted(c for c in cited if not (ROOT / c).is_file()) == []


@pytest.mark.parametrize("text, found", [
    ("see " + SIBLING + "/corpus/keys for the keys", True),
    ('CORPUS = Path("/' + 'work/shared/corpus/keys")', True),
    ("as the " + "shared" + "/notes/openpgp.md say", True),
    ("https://example.org/work/shared.html", False),
    ("a shared folder in ~/work is the user's own", False),
])
def test_the_reference_check_sees_what_it_must(tmp_path: Path, text: str, found: bool):
    (tmp_path / "x.py").write_text(text + "\n")
    assert bool(forbidden_references([tmp_path / "x.py"], tmp_path)) is found


def _test_modules() -> list[Path]:
    return sorted(p for p in TESTS.rglob("*.py") if not _is_skipped(p.relative_to(ROOT)))


def imported_test_modules(path: Path, root: Path = ROOT) -> list[str]:
    """Modules that ``path`` imports (anywhere in it) and that are test modules or a conftest."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                package = path.relative_to(root).with_suffix("").parts[:-node.level]
                base = ".".join([*package, *([base] if base else [])])
            names += [base] + [f"{base}.{alias.name}" for alias in node.names]
    return sorted({n for n in names if n.split(".")[-1].startswith("test_") or n.split(".")[-1] == "conftest"})


def test_no_test_module_imports_another_test_module_or_a_conftest():
    modules = _test_modules()
    assert len([p for p in modules if p.name.startswith("test_")]) >= 40
    bad = {str(p.relative_to(ROOT)): found for p in modules if (found := imported_test_modules(p))}
    assert bad == {}, "move the shared pieces to tests/support/ (helpers) or a conftest.py (fixtures)"


def test_the_import_check_sees_direct_relative_and_late_imports(tmp_path: Path):
    probe = tmp_path / "tests" / "cli" / "test_probe.py"
    probe.parent.mkdir(parents=True)
    probe.write_text("from tests.core.test_render import GOOD\nfrom . import test_wizard\n"
                     "from tests.support import report\ndef f():\n    import tests.conftest\n")
    assert imported_test_modules(probe, tmp_path) == ["tests.cli.test_wizard", "tests.conftest",
                                                      "tests.core.test_render"]


def test_support_modules_hold_no_fixtures():
    """Fixtures imported by name from a helper module need ``noqa`` and shadow each other; they belong in
    a conftest.py, where pytest finds them."""
    for path in sorted((TESTS / "support").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        decorated = [ast.unparse(d) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.ClassDef))
                     for d in node.decorator_list]
        assert not [d for d in decorated if "fixture" in d], path.name


def test_every_test_folder_mirrors_a_package():
    packages = {p.name for p in (ROOT / "cvd_reporter").iterdir() if (p / "__init__.py").is_file()}
    folders = {p.name for p in TESTS.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert folders - packages == {"servers", "support"}, folders - packages
    for folder in folders - {"servers", "support"}:
        assert list((TESTS / folder).glob("test_*.py")), f"tests/{folder}/ has no tests"
