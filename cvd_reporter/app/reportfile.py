"""Read report files (YAML or JSON) and their evidence from disk: the I/O edge of validation.

Limits: a report file may be at most 5 MiB, an evidence file at most 25 MiB (what e-mail providers
carry); larger files are refused with one sentence. YAML aliases are refused (no "billion laughs").
"""

from __future__ import annotations

import dataclasses
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cvd_reporter.app.profiles import load_policy, organisation_policy
from cvd_reporter.app.userfiles import UnsafeFile, UserFile, read_user_file
from cvd_reporter.core.contacts import key_kind
from cvd_reporter.core.findings import Finding
from cvd_reporter.core.i18n import N_, say
from cvd_reporter.core.lint import scan_text
from cvd_reporter.core.messages import make
from cvd_reporter.core.model import Report, parse_report
from cvd_reporter.core.pgp.packets import TAG_SECRET_SUBKEY, TAG_SIGNATURE, TAG_USER_ID, PacketError, iter_packets
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
    reporter_key: ReporterKey | None = None
    org_key: bytes | None = None  # organisation.key when it names a file beside the report


@dataclass(frozen=True)
class ReporterKey:
    """The reporter's public key as it will travel (only the armored block), and the file it came from."""

    armored: str
    file: UserFile | None


@dataclass
class EvidenceFile:
    path: Path
    description: str | None
    content: bytes | None = None  # text files only; binary evidence stays on disk
    text: str | None = None  # None for binary files
    findings: list[Finding] = field(default_factory=list)
    file: UserFile | None = None  # what was read: resolved path, size, SHA-256


def read_text_file(path: Path, *, what: str, max_bytes: int) -> str:
    """Read a UTF-8 text file or raise InputFileError with one sentence (missing, binary, too big)."""
    ids = _FILE_TEXTS.get(what, _FILE_TEXTS["file"])
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputFileError.t(ids["missing"], path=str(path)) from None
    except OSError as e:
        raise InputFileError.t(ids["unreadable"], path=str(path), reason=e.strerror) from None
    if path.is_dir():
        raise InputFileError.t(ids["folder"], path=str(path))
    if size > max_bytes:
        raise InputFileError.t(ids["too_big"], path=str(path), size=f"{size / 1048576:.1f}",
                               limit=max_bytes // 1048576)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputFileError.t(ids["unreadable"], path=str(path), reason=e.strerror) from None
    if b"\x00" in raw:
        raise InputFileError.t(ids["binary"], path=str(path))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InputFileError.t(ids["not_utf8"], path=str(path), offset=e.start) from None


# The sentences of read_text_file per kind of file (``what``): Dutch names each kind with its own word.
_FILE_TEXTS = {
    "report file": {"missing": N_("file.report.missing"), "unreadable": N_("file.report.unreadable"),
                    "folder": N_("file.report.folder"), "too_big": N_("file.report.too_big"),
                    "binary": N_("file.report.binary"), "not_utf8": N_("file.report.not_utf8")},
    "policy file": {"missing": N_("file.policy.missing"), "unreadable": N_("file.policy.unreadable"),
                    "folder": N_("file.policy.folder"), "too_big": N_("file.policy.too_big"),
                    "binary": N_("file.policy.binary"), "not_utf8": N_("file.policy.not_utf8")},
    "file": {"missing": N_("file.any.missing"), "unreadable": N_("file.any.unreadable"),
             "folder": N_("file.any.folder"), "too_big": N_("file.any.too_big"),
             "binary": N_("file.any.binary"), "not_utf8": N_("file.any.not_utf8")},
}


def _yaml_loader() -> type[yaml.SafeLoader]:
    """A SafeLoader that refuses aliases (no billion laughs in a report file)."""
    class NoAliasLoader(yaml.SafeLoader):
        def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
            if self.check_event(yaml.events.AliasEvent):
                event = self.peek_event()  # type: ignore[no-untyped-call]  # not typed in types-PyYAML
                raise yaml.composer.ComposerError(None, None,
                                                  "YAML aliases are not allowed here (no &anchor or *alias)",
                                                  event.start_mark)
            return super().compose_node(parent, index)

    # Dates stay text here: the model parses them and reports an impossible one (2026-02-30) as a
    # finding on its field, where PyYAML's own constructor would raise from inside the parser.
    # types-PyYAML binds the constructor's self to the base loader class, so a subclass's own method
    # does not fit its signature (a limit of the stubs, not of PyYAML).
    NoAliasLoader.add_constructor("tag:yaml.org,2002:timestamp",
                                  NoAliasLoader.construct_yaml_str)  # type: ignore[type-var]
    return NoAliasLoader


MAX_DEPTH = 32  # a report is about five levels deep; far deeper nesting is a hostile or broken file


def _depth_ok(data: Any) -> bool:
    """True when no container in ``data`` is nested deeper than MAX_DEPTH (iterative: no recursion)."""
    stack = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_DEPTH:
                return False
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return True


def parse_document(text: str, path: Path) -> Any:
    """YAML or JSON (by extension; YAML otherwise, which also reads JSON) with line and column on errors.

    Hostile shapes end as InputFileError too: nesting past MAX_DEPTH (also where the parser itself
    would run out of stack) and integers past Python's digit limit.
    """
    try:
        data = _parse(text, path)
    except RecursionError:
        data = None
    except ValueError as e:  # int() of a number over Python's 4,300-digit limit, in JSON or YAML
        if "digits" in str(e):
            raise InputFileError.t("file.huge_number", path=str(path)) from None
        raise InputFileError.t("file.broken_value", path=str(path), kind=type(e).__name__) from None
    else:
        if _depth_ok(data):
            return data
    raise InputFileError.t("file.too_deep", path=str(path), depth=MAX_DEPTH)


def _parse(text: str, path: Path) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as e:
            raise InputFileError.t("file.bad_json", data={"line": e.lineno, "column": e.colno}, path=str(path),
                                   detail=e.msg, line=e.lineno, column=e.colno) from None
    try:
        return yaml.load(text, Loader=_yaml_loader())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        problem = getattr(e, "problem", None) or "syntax error"
        if mark:
            raise InputFileError.t("file.bad_yaml_at", path=str(path), problem=problem, line=mark.line + 1,
                                   column=mark.column + 1,
                                   data={"line": mark.line + 1, "column": mark.column + 1}) from None
        raise InputFileError.t("file.bad_yaml", path=str(path), problem=problem,
                               data={"line": None, "column": None}) from None


def load_report_file(path: Path, *, lang: str = "en") -> LoadedReport:
    text = read_text_file(path, what="report file", max_bytes=MAX_REPORT_BYTES)
    data = parse_document(text, path)
    if data is None:
        raise InputFileError.t("file.report.empty", path=str(path))
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
        ev = EvidenceFile((base / item.path).expanduser(), item.description)
        out.append(ev)
        try:
            ev.file = read_user_file(item.path, base, max_bytes=MAX_EVIDENCE_BYTES, binary_head_only=True)
        except UnsafeFile as e:
            ev.findings.append(make("evidence_missing", "error", lang, field=field_path, value=item.path)
                               if e.reason == "does not exist" else
                               make("evidence_unreadable", "error", lang, field=field_path, value=item.path,
                                    reason=e.phrase(lang)))
            continue
        if ev.file.outside_folder:
            ev.findings.append(make("evidence_outside_folder", "warning", lang, field=field_path, value=item.path,
                                    resolved=str(ev.file.resolved)))
        if ev.file.complete:  # text is kept whole for the personal-data scan; binary stays on disk
            try:
                ev.text = ev.file.content.decode("utf-8")
                ev.content = ev.file.content
            except UnicodeDecodeError:
                ev.text = None
                ev.file = dataclasses.replace(ev.file, content=ev.file.content[:65536], complete=False)
        if ev.text is None:
            ev.findings.append(make("evidence_binary", "info", lang, field=field_path, value=item.path))
    return out


def check_report_file(path: Path, *, policy_name: str, lang: str, today: Any, settings: Any = None,
                      home: Path | None = None, explicit: bool = True) -> CheckedReport:
    """Load, parse, validate and lint a report file and its evidence: what `validate` prints and what
    `submit` refuses to send on errors. With ``settings`` and ``home`` the policy is the organisation's
    profile applied to it (app/profiles.organisation_policy); ``explicit``: ``policy_name`` came from
    ``--policy`` (a FILE then wins over everything) rather than from the configuration."""
    loaded = load_report_file(path, lang=lang)
    if settings is not None and home is not None:
        policy = organisation_policy(loaded.report, policy_name=policy_name if explicit else None,
                                     default=policy_name, settings=settings, home=home)
    else:
        policy = load_policy(policy_name)
    return check_report(loaded, policy=policy, lang=lang, today=today)


def check_report(loaded: LoadedReport, *, policy: Any, lang: str, today: Any) -> CheckedReport:
    """Validate and lint a report already loaded (submit reads the file once) and read its evidence."""
    findings = list(loaded.findings)
    findings += validate_report(loaded.report, policy=policy, today=today, lang=lang)
    revealing = policy.profile.revealing_subject if getattr(policy, "profile", None) is not None else None
    if revealing is not None:
        findings.append(make("required_subject_reveals", "warning", lang, field="organisation.subject",
                             subject=revealing.value, source=revealing.source,
                             sent=policy.profile.subject_as_sent or "-"))
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
            findings += _capped(scan_text(text, own_emails=own_emails, own_phones=own_phones, path=field_path),
                                field_path, lang)
    evidence = read_evidence(loaded, lang=lang)
    for i, ev in enumerate(evidence):
        findings += ev.findings
        if ev.text is not None:
            findings += _capped(scan_text(ev.text, own_emails=own_emails, own_phones=own_phones, path=str(ev.path)),
                                str(ev.path), lang)
        elif ev.file is not None and is_secret_key_packet(ev.file.content):  # the first bytes are enough
            findings.append(make("secret_key_material", "error", lang, field=f"evidence[{i}].path",
                                 value=str(ev.path)))
    # A private key found by the linter is a warning in `lint`; in something that is about to be sent it
    # is an error: secret-key material never leaves the machine.
    findings += [make("secret_key_material", "error", lang, field=f.field, value=f.field)
                 for f in list(findings) if f.code == "lint_private_key"]
    reporter_key, key_findings = read_reporter_key(reporter.pgp_key, loaded.path.parent, lang=lang)
    findings += key_findings
    org_key, org_findings = read_org_key(loaded.report.organisation.key, loaded.path.parent, lang=lang)
    findings += org_findings
    return CheckedReport(loaded, policy, findings, evidence, reporter_key, org_key)


def read_org_key(value: str | None, base: Path, *, lang: str) -> tuple[bytes | None, list[Finding]]:
    """``organisation.key`` when it is a file beside the report: its bytes (an OpenPGP public key), or
    a finding. A URL or a fingerprint is used by submit, not read here."""

    if not value or key_kind(value) != "file":
        return None, []
    field_path = "organisation.key"
    try:
        data = read_user_file(value, base, max_bytes=MAX_KEY_BYTES).content
    except UnsafeFile as e:
        return None, [make("org_key_missing", "error", lang, field=field_path, path=field_path, value=value,
                           reason=e.phrase(lang))]
    if b"PRIVATE KEY" in data[:4096] or is_secret_key_packet(data):
        return None, [make("secret_key_material", "error", lang, field=field_path, value=value)]
    return data, []


MAX_LINT_FINDINGS = 100  # per field or evidence file: a list a person can read, and bounded memory


def _capped(hits: list[Any], where: str, lang: str) -> list[Finding]:
    """The first MAX_LINT_FINDINGS hits as findings, then one that says how many more there are.
    A private key is always kept: it blocks sending, wherever it sits in the file."""
    shown = hits[:MAX_LINT_FINDINGS]
    rest = hits[MAX_LINT_FINDINGS:]
    out = [h.to_finding(lang) for h in shown]
    out += [h.to_finding(lang) for h in rest if h.code == "private_key"]
    hidden = sum(h.code != "private_key" for h in rest)
    if hidden:
        out.append(make("lint_more", "warning", lang, field=where, count=hidden, where=where))
    return out


MAX_KEY_BYTES = 1024 * 1024
_SECRET_TAGS = (5, 7)  # OpenPGP Secret-Key and Secret-Subkey packets (RFC 9580 §5.5.1.3, §5.5.1.4)


def is_secret_key_packet(data: bytes) -> bool:
    """Does binary ``data`` start as an exported OpenPGP secret key: a whole Secret-Key packet of a known
    key version (4, 5 or 6), followed by a User ID, signature or Secret-Subkey packet? One byte that
    happens to look like the tag is not enough: random evidence (a capture, a video) starts with one
    in thirty cases."""
    if not data or not data[0] & 0x80:
        return False
    try:
        first, second = itertools.islice(iter_packets(data[: 1 << 20]), 2)
    except (PacketError, ValueError):  # also fewer than two whole packets
        return False
    return (first.tag in _SECRET_TAGS and _key_body_is_plausible(data[first.body:first.end])
            and second.tag in (TAG_USER_ID, TAG_SIGNATURE, TAG_SECRET_SUBKEY))


# Public-key algorithm ids of RFC 9580 §9.1 (RSA 1-3, Elgamal 16, DSA 17, ECDH 18, ECDSA 19, EdDSA
# legacy 22, X25519 25, X448 26, Ed25519 27, Ed448 28).
_KEY_ALGORITHMS = frozenset({1, 2, 3, 16, 17, 18, 19, 22, 25, 26, 27, 28})


def _key_body_is_plausible(body: bytes) -> bool:
    """The start of a key packet body as RFC 9580 §5.5.2 lays it out: version 4, 5 or 6, a creation
    time, a known algorithm, then key material that fits in the packet (v5/v6 state its length; v4
    starts with an MPI whose bit count agrees with its first byte, or a curve OID for ECC keys).
    Random bytes pass each step rarely and all of them almost never."""
    if len(body) < 8 or body[0] not in (4, 5, 6) or body[5] not in _KEY_ALGORITHMS:
        return False
    if body[0] in (5, 6):  # a four-octet count of the key material follows the algorithm
        return 0 < int.from_bytes(body[6:10], "big") <= len(body) - 10
    if body[5] in (18, 19, 22):  # ECC: a curve OID (1 octet length) comes first
        size = body[6]
        return 5 <= size <= 10 and len(body) > 7 + size and body[7] in (0x2A, 0x2B)
    bits = int.from_bytes(body[6:8], "big")
    size = (bits + 7) // 8
    return bits > 0 and 8 + size <= len(body) and body[8].bit_length() == (bits - 1) % 8 + 1


def read_reporter_key(value: str | None, base: Path, *, lang: str) -> tuple[ReporterKey | None, list[Finding]]:
    """``reporter.pgp_key`` (armored text, or a file beside the report): a public key, or findings.

    It travels with the report so the organisation can answer encrypted; a secret key must never go
    with it (gpg --export-secret-keys --armor looks much like gpg --export --armor)."""
    field_path = "reporter.pgp_key"
    if not value:
        return None, []
    file = None
    text = value
    if "-----BEGIN PGP" not in value:
        try:
            file = read_user_file(value, base, max_bytes=MAX_KEY_BYTES)
            text = file.content.decode("utf-8")
        except UnsafeFile as e:
            return None, [make("reporter_key_unusable", "error", lang, field=field_path, value=value,
                               reason=e.phrase(lang))]
        except UnicodeDecodeError:
            return None, [make("reporter_key_unusable", "error", lang, field=field_path, value=value,
                               reason=say(lang, "reporter_key.not_armored"))]
    if "PRIVATE KEY" in text or (file is not None and is_secret_key_packet(file.content)):
        return None, [make("secret_key_material", "error", lang, field=field_path, value=value)]
    if "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in text:
        return None, [make("reporter_key_unusable", "error", lang, field=field_path, value=value,
                           reason=say(lang, "reporter_key.not_public"))]
    start = text.index("-----BEGIN PGP PUBLIC KEY BLOCK-----")
    end = text.find("-----END PGP PUBLIC KEY BLOCK-----", start)
    if end < 0:
        return None, [make("reporter_key_unusable", "error", lang, field=field_path, value=value,
                           reason=say(lang, "reporter_key.no_end"))]
    armored = text[start:end + len("-----END PGP PUBLIC KEY BLOCK-----")] + "\n"
    return ReporterKey(armored, file), []
