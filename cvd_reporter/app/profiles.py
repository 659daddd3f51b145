"""Find and read policy profiles: built-in ones shipped as package data, or a user's YAML/JSON file."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from cvd_reporter.core import directory, profile
from cvd_reporter.core.domains import registrable_domain
from cvd_reporter.core.policy import Policy
from cvd_reporter.core.profile import Layer, Profile
from cvd_reporter.errors import InputFileError, InputNeeded, ValidationError

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
        raise ValidationError.t("profiles.unknown", name=repr(name_or_path), builtin=", ".join(builtin_names()))
    if path.stat().st_size > MAX_POLICY_BYTES:
        raise InputFileError.t("profiles.too_large", path=path)
    # import cycle: reportfile imports load_policy from this module at its top
    from cvd_reporter.app.reportfile import parse_document, read_text_file  # noqa: PLC0415 - see above

    data = parse_document(read_text_file(path, what="policy file", max_bytes=MAX_POLICY_BYTES), path)
    return Policy.from_dict(data, source=str(path))


# ---------------------------------------------------------------------------- the organisation's profile
MAX_SAVED_FILES = 500  # saved corrections looked at in the folder
MAX_SAVED_BYTES = 64 * 1024
SAVED_HEADER = """\
# cvd-reporter: the profile of {name}, saved {date} from {source}.
# Edit any value to correct it; delete a line to fall back to the policy page, the directory or the
# generic profile. Fields: response {{amount, unit: working_days|days|hours|office_hours}}, subject,
# encryption (required|preferred|not_mentioned), forbidden, shares_with, language. See docs/policy-profiles.md.
"""


def profiles_dir(settings: Any) -> Path:
    """The reporter's saved profiles: ``profiles/`` beside the config file (the app's config folder)."""
    from cvd_reporter.settings import default_config_path  # noqa: PLC0415 - platformdirs only when needed

    config = getattr(settings, "config_path", None) or default_config_path()
    return Path(config).expanduser().parent / "profiles"


def slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:60] or "organisation"


def host_of(query: str) -> str | None:
    q = query.strip()
    if "://" in q:
        return (urlsplit(q).hostname or "").lower() or None
    return q.lower().rstrip(".") if "." in q and " " not in q and "@" not in q else None


def find_saved(folder: Path, query: str, name: str | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The saved correction for a host (its registrable domain in ``hosts``) or an organisation name."""
    if not folder.is_dir():
        return None
    host = host_of(query)
    top = (registrable_domain(host) or host) if host else None
    names = {slug(n) for n in (query, name) if n and not host_of(n)}
    for path in sorted(folder.glob("*.yaml"))[:MAX_SAVED_FILES]:
        try:
            if path.stat().st_size > MAX_SAVED_BYTES:
                continue
            data = yaml.safe_load(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise ValidationError.t("profiles.saved_unreadable", code="bad_profile", path=path,
                                    kind=type(e).__name__) from None
        if not isinstance(data, dict):
            raise ValidationError.t("profiles.saved_not_mapping", code="bad_profile", path=path)
        hosts = {str(h).lower() for h in data.get("hosts") or []}
        if (top and (top in hosts or host in hosts)) or path.stem in names or \
                slug(str(data.get("organisation") or "")) in names:
            return path, data
    return None


def save_correction(folder: Path, profile: Profile, *, hosts: list[str], today: date, replace: bool = False) -> Path:
    """Write the merged profile as a YAML file the reporter edits (not report data: ordinary modes).
    An existing file (perhaps edited by the reporter) is overwritten only with ``replace``."""
    existing = find_saved(folder, hosts[0] if hosts else profile.name, profile.name)
    path = existing[0] if existing else folder / f"{slug(profile.name)}.yaml"
    if path.exists() and not replace:
        raise InputNeeded.t("profiles.exists", code="profile_exists", name=profile.name, path=path)
    folder.mkdir(parents=True, exist_ok=True)
    hosts = [registrable_domain(h) or h for h in hosts]  # www.gemeente.nl and gemeente.nl are one organisation
    data: dict[str, Any] = {"organisation": profile.name, "hosts": sorted(set(hosts))}
    for name, item in profile.values.items():
        if item.kind != "default":  # a generic default is not the organisation's word
            data[name] = item.to_dict()["value"]
    sources = sorted({v.source for v in profile.values.values() if v.kind != "default"})
    header = SAVED_HEADER.format(name=profile.name, date=today.isoformat(), source="; ".join(sources) or "nothing")
    path.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class ProfileQuery:
    """What identifies the organisation: a host (from the report's target or the command line) and/or a name."""

    host: str | None = None
    name: str | None = None


def build_profile(query: ProfileQuery, *, base: Policy, explicit: Policy | None, folder: Path, home: Path,
                  organisation: Any = None, reading: dict[str, Any] | None = None, use_saved: bool = True) -> Profile:
    """The merged profile (core/profile.py): generic policy < directory < policy page < your saved
    correction < the report < --policy FILE."""
    from cvd_reporter.app.directory import load_all  # noqa: PLC0415 - import cycle: directory reads via reportfile

    layers: list[Layer] = [profile.from_policy(base)]
    entries, _owners = load_all(home)
    hits = (directory.find(entries, query.host) if query.host else []) or \
        (directory.find(entries, query.name) if query.name else [])
    label = (hits[0].name if hits else None) or query.name or query.host or base.id
    if hits:
        layers.append(profile.from_directory(hits[0].to_dict()))
    if reading:
        layers.append(profile.from_reading(reading))
    saved = find_saved(folder, query.host or query.name or "", query.name) if use_saved else None
    if saved is not None:
        layers.append(profile.from_correction(saved[1], str(saved[0])))
        label = str(saved[1].get("organisation") or label)
    if organisation is not None:
        layers.append(profile.from_report(organisation))
    if explicit is not None:
        layers.append(profile.from_policy(explicit, "policy_file"))
    return profile.merge(label, layers)


def organisation_policy(report: Any, *, policy_name: str | None, default: str, settings: Any, home: Path,
                        reading: dict[str, Any] | None = None) -> Policy:
    """The policy a report is checked, rendered and recorded with: the generic one (``--policy NAME`` or
    the configured default) with the organisation's profile applied; ``--policy FILE`` wins over all."""
    explicit = load_policy(policy_name) if policy_name and policy_name not in builtin_names() else None
    base = explicit or load_policy(policy_name or default)
    org = report.organisation
    target = (list(report.target.urls) or list(report.target.ips) or [None])[0]
    host = host_of(str(target)) if target else None
    if host is None and org.domain:
        host = str(org.domain).lower()
    merged = build_profile(ProfileQuery(host=host, name=org.name), base=base, explicit=explicit,
                           folder=profiles_dir(settings), home=home, organisation=org, reading=reading)
    return merged.apply(base)


def with_reading(policy: Policy, reading: dict[str, Any] | None) -> Policy:
    """``policy`` with a policy page reading found later (by submit's contact search) merged in."""
    if not reading or policy.profile is None:
        return policy
    merged: Profile = policy.profile.adding(profile.from_reading(reading))
    return merged.apply(policy)


def required_subject_for(report_path: str | None, target: str, *, settings: Any, home: Path) -> str | None:
    """The Subject the organisation requires, for a message about a recorded report (a follow-up, a
    first contact, an escalation): from the report file when it is still readable, else from the host."""
    from cvd_reporter.app.reportfile import load_report_file  # noqa: PLC0415 - import cycle (reportfile imports us)
    from cvd_reporter.errors import CvdError  # noqa: PLC0415 - kept beside its one use

    if report_path:
        try:
            loaded = load_report_file(Path(report_path))
            return organisation_policy(loaded.report, policy_name=None, default=settings.policy, settings=settings,
                                       home=home).required_subject
        except (CvdError, OSError):
            pass  # the file was edited or removed since: the host still names the organisation
    base = load_policy(settings.policy)
    return build_profile(ProfileQuery(host=host_of(target)), base=base, explicit=None, folder=profiles_dir(settings),
                         home=home).apply(base).required_subject
