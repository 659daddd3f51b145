"""The directory use cases: the bundled entries plus the ones the reporter imported, and importing.

Bundled data (``cvd_reporter/data/directory.yaml``) is never modified; imported entries live in
``HOME/directory/imported.json`` (0600 in a 0700 folder). Importing a file again replaces the entries
that came from a file of the same name, so a newer list updates the older one.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from cvd_reporter.app.reportfile import parse_document
from cvd_reporter.app.userfiles import UnsafeFile, read_user_file
from cvd_reporter.core.directory import (
    SCHEMA,
    Entry,
    entry_from_dict,
    from_diodb,
    parse_directory,
)
from cvd_reporter.errors import InputFileError, StoreError, ValidationError
from cvd_reporter.store.fs import write_private

IMPORTED_SCHEMA = "cvd-directory-imported/1"
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def imported_path(home: Path) -> Path:
    return home / "directory" / "imported.json"


def load_bundled() -> tuple[list[Entry], dict[str, str]]:
    text = (resources.files("cvd_reporter") / "data" / "directory.yaml").read_text("utf-8")
    return parse_directory(yaml.safe_load(text), "bundled")


def load_imported(home: Path) -> list[Entry]:
    path = imported_path(home)
    if not path.is_file():
        return []
    try:
        doc = json.loads(path.read_text("utf-8"))
        if doc.get("schema") != IMPORTED_SCHEMA:
            raise ValueError(doc.get("schema"))
        return [entry_from_dict(d) for d in doc["entries"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise StoreError.t("directory.import_unreadable", path=path, kind=type(e).__name__) from None


def load_all(home: Path) -> tuple[list[Entry], dict[str, str]]:
    entries, owners = load_bundled()
    return entries + load_imported(home), owners


def read_import_file(path: Path, today: date) -> list[Entry]:
    """Entries from FILE: a cvd-directory/1 file (YAML or JSON) or a diodb program-list.json."""
    if path.is_dir():  # checked first: read_user_file's fdopen raises IsADirectoryError on one
        raise InputFileError.t("directory.is_folder", path=path)
    try:
        raw = read_user_file(str(path), Path.cwd(), max_bytes=MAX_IMPORT_BYTES).content
    except UnsafeFile as e:
        raise InputFileError(f"The file {path} {e.reason}.") from None
    origin = path.name
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputFileError.t("file.not_utf8", path=path) from None
    data: Any = parse_document(text, path)
    if isinstance(data, dict) and data.get("schema") == SCHEMA:
        entries, _owners = parse_directory(data, origin)
        return entries
    if isinstance(data, dict) and isinstance(data.get("programs"), list):  # a wrapped program list
        data = data["programs"]
    entries = from_diodb(data, origin, today)
    if not entries:
        raise ValidationError.t("directory.no_programs", path=path)
    return entries


def import_file(home: Path, path: Path, today: date) -> tuple[list[Entry], int]:
    """Import FILE; returns the new entries and how many older entries from the same file were replaced."""
    new = read_import_file(path, today)
    kept = [e for e in load_imported(home) if e.source.get("origin") != path.name]
    replaced = len(load_imported(home)) - len(kept)
    doc = {"schema": IMPORTED_SCHEMA, "entries": [e.to_dict() for e in kept + new]}
    write_private(imported_path(home), json.dumps(doc, ensure_ascii=False, indent=1))
    return new, replaced
