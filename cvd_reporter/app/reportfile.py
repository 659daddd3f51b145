"""Read report files (YAML or JSON) and their evidence from disk: the I/O edge of validation.

Limits: a report file may be at most 5 MiB, an evidence file at most 25 MiB (what e-mail providers
carry); larger files are refused with one sentence. YAML aliases are refused (no "billion laughs").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cvd_reporter.app.profiles import load_policy
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.lint import scan_text
from cvd_reporter.core.messages import make
from cvd_reporter.core.model import Report, parse_report
from cvd_reporter.core.validate import validate_report
from cvd_reporter.errors import InputFileError

MAX_REPORT_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_BYTES = 25 * 1024 * 1024


@dataclass
class LoadedReport:
    path: Path
    data: dict[str, Any]
    report: Report
    findings: list[Finding]


@dataclass
class CheckedReport:
    loaded: LoadedReport
    policy: Any  # core.policy.Policy
    findings: list[Finding]
    evidence: list[EvidenceFile]


@dataclass
class EvidenceFile:
    path: Path
    description: str | None
    content: bytes | None = None
    text: str | None = None  # None for binary files
    findings: list[Finding] = field(default_factory=list)


def read_text_file(path: Path, *, what: str, max_bytes: int) -> str:
    """Read a UTF-8 text file or raise InputFileError with one sentence (missing, binary, too big)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError(f"The {what} {path} does not exist.") from None
    except OSError as e:
        raise InputFileError(f"Cannot read the {what} {path}: {e.strerror}.") from None
    if path.is_dir():
        raise InputFileError(f"{path} is a folder, not a {what}.")
    if size > max_bytes:
        raise InputFileError(f"The {what} {path} is {size / 1048576:.1f} MiB; the limit is "
                             f"{max_bytes // 1048576} MiB.")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputFileError(f"Cannot read the {what} {path}: {e.strerror}.") from None
    if b"\x00" in raw:
        raise InputFileError(f"The {what} {path} is a binary file, not text.")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputFileError(f"The {what} {path} is not UTF-8 text (bad byte at offset {e.start}); "
                             "save it as UTF-8.") from None


def _yaml_loader() -> type[yaml.SafeLoader]:
    """A SafeLoader that refuses aliases (no billion laughs in a report file)."""
    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]  # not typed in types-PyYAML
                raise yaml.composer.ComposerError(None, None, "YAML aliases are not allowed in a report file",
                                                  event.start_mark)
            return super().compose_node(parent, index)

    return NoAliasLoader


def parse_document(text: str, path: Path) -> Any:
    """YAML or JSON (by extension; YAML otherwise, which also reads JSON) with line and column on errors."""
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InputFileError(f"{path} is not valid JSON: {e.msg} at line {e.lineno}, column {e.colno}.",
                                 data={"line": e.lineno, "column": e.colno}) from None
    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or "syntax error"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputFileError(f"{path} is not valid YAML: {problem}{where}.",
                             data={"line": mark.line + 1 if mark else None,
                                   "column": mark.column + 1 if mark else None}) from None


def load_report_file(path: Path, *, lang: str = "en") -> LoadedReport:
    text = read_text_file(path, what="report file", max_bytes=MAX_REPORT_BYTES)
    data = parse_document(text, path)
    if data is None:
        raise InputFileError(f"The report file {path} is empty.")
    report, findings = parse_report(data, lang=lang)
    return LoadedReport(path, data if isinstance(data, dict) else {}, report, findings)


def read_evidence(loaded: LoadedReport, *, lang: str = "en") -> list[EvidenceFile]:
    """Each evidence entry resolved against the report's folder; problems become findings."""
    out: list[EvidenceFile] = []
    base = loaded.path.parent
    for i, item in enumerate(loaded.report.evidence):
        field_path = f"evidence[{i}].path"
        if not item.path:
            out.append(EvidenceFile(base, item.description, findings=[
                make("missing_field", "error", lang, field=field_path, path=field_path, policy="cvd-report/1")]))
            continue
        path = (base / item.path).expanduser()
        ev = EvidenceFile(path, item.description)
        try:
            if not path.is_file():
                ev.findings.append(make("evidence_missing", "error", lang, field=field_path, value=item.path))
            elif path.stat().st_size > MAX_EVIDENCE_BYTES:
                ev.findings.append(make("evidence_unreadable", "error", lang, field=field_path, value=item.path,
                                        reason=f"larger than {MAX_EVIDENCE_BYTES // 1048576} MiB"))
            else:
                ev.content = path.read_bytes()
                if b"\x00" not in ev.content[:65536]:
                    try:
                        ev.text = ev.content.decode("utf-8")
                    except UnicodeDecodeError:
                        ev.text = None
                if ev.text is None:
                    ev.findings.append(make("evidence_binary", "info", lang, field=field_path, value=item.path))
        except OSError as e:
            ev.findings.append(make("evidence_unreadable", "error", lang, field=field_path, value=item.path,
                                    reason=e.strerror or str(e)))
        out.append(ev)
    return out


def check_report_file(path: Path, *, policy_name: str, lang: str, today: Any) -> CheckedReport:
    """Load, parse, validate and lint a report file and its evidence: what `validate` prints and what
    `submit` refuses to send on errors."""
    policy = load_policy(policy_name)
    loaded = load_report_file(path, lang=lang)
    findings = list(loaded.findings)
    findings += validate_report(loaded.report, policy=policy, today=today, lang=lang)
    reporter = loaded.report.reporter
    own_emails = [reporter.email] if reporter.email else []
    own_phones = [reporter.phone] if reporter.phone else []
    v, c = loaded.report.vulnerability, loaded.report.conduct
    fields = [("vulnerability.title", v.title), ("vulnerability.description", v.description),
              *((f"vulnerability.steps[{i}]", step) for i, step in enumerate(v.steps)),
              ("vulnerability.impact", v.impact), ("vulnerability.remediation", v.remediation),
              ("conduct.data_accessed", c.data_accessed), ("conduct.data_downloaded", c.data_downloaded)]
    for field_path, text in fields:  # each hit names its field; line and column are within that text
        if text:
            findings += [h.to_finding(lang) for h in scan_text(text, own_emails=own_emails, own_phones=own_phones,
                                                               path=field_path)]
    evidence = read_evidence(loaded, lang=lang)
    for ev in evidence:
        findings += ev.findings
        if ev.text is not None:
            findings += [h.to_finding(lang) for h in scan_text(ev.text, own_emails=own_emails,
                                                               own_phones=own_phones, path=str(ev.path))]
    return CheckedReport(loaded, policy, findings, evidence)
