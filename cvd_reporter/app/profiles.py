"""Find and read policy profiles: built-in ones shipped as package data, or a user's YAML/JSON file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from cvd_reporter.core.policy import Policy
from cvd_reporter.errors import InputFileError, ValidationError

MAX_POLICY_BYTES = 1024 * 1024


def builtin_names() -> list[str]:
    folder = resources.files("cvd_reporter") / "data" / "policies"
    return sorted(p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith(".yaml"))


def load_policy(name_or_path: str) -> Policy:
    """A built-in profile by name (``nl-gemeente``) or a YAML/JSON file by path."""
    if name_or_path in builtin_names():
        text = (resources.files("cvd_reporter") / "data" / "policies" / f"{name_or_path}.yaml").read_text("utf-8")
        return Policy.from_dict(yaml.safe_load(text), source=f"built-in profile {name_or_path}")
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        raise ValidationError(f"No policy profile {name_or_path!r}: built-in profiles are "
                              f"{', '.join(builtin_names())}, or give a path to a YAML/JSON file.")
    if path.stat().st_size > MAX_POLICY_BYTES:
        raise InputFileError(f"The policy file {path} is larger than 1 MiB; that is not a policy profile.")
    # import cycle: reportfile imports load_policy from this module at its top
    from cvd_reporter.app.reportfile import parse_document, read_text_file  # noqa: PLC0415 - see above

    data = parse_document(read_text_file(path, what="policy file", max_bytes=MAX_POLICY_BYTES), path)
    return Policy.from_dict(data, source=str(path))
