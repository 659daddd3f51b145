"""Key pins: trust on first use. The first verified key for a contact is remembered; a different
key later stops the run (KeyProblem ``pin_changed``, exit 6) until the user forgets the pin or
accepts the new key explicitly.

Layout under ``settings.home`` (0700): ``pins.json`` (0600, atomic writes) and ``keys/<FPR>.pgp``
(the pinned certificates, binary, 0600), so ``key show`` and delivery work offline.
"""

from __future__ import annotations

import builtins
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cvd_reporter.core.i18n import N_
from cvd_reporter.errors import KeyProblem, StoreError
from cvd_reporter.store.fs import private_dir, write_private

PINS_VERSION = 1
ORG_PREFIX = "org:"  # an organisation's pin: "org:" + its registrable domain
_FPR = re.compile(r"^(?:0X)?([0-9A-F]{16}|[0-9A-F]{40}|[0-9A-F]{64})$")


def normalise_contact(contact: str) -> str:
    text = contact.strip()
    if text.lower().startswith("mailto:"):
        text = text[7:].split("?", 1)[0]
    return text.lower()


def normalise_fingerprint(text: str) -> str | None:
    """Uppercase hex without spaces, or None when ``text`` is not a fingerprint / key id."""
    m = _FPR.match(re.sub(r"\s", "", text).upper())
    return m.group(1) if m else None


@dataclass
class Pin:
    contact: str
    fingerprint: str
    first_seen: str
    last_seen: str
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class PinStore:
    def __init__(self, home: Path) -> None:
        self.home = Path(home)
        self.path = self.home / "pins.json"
        self.keys_dir = self.home / "keys"

    # ---- file ------------------------------------------------------------------------------
    def _read(self) -> dict[str, dict[str, Any]]:
        try:
            raw = self.path.read_text("utf-8")
        except FileNotFoundError:
            return {}
        except OSError as e:
            raise StoreError.t("store.pins.unreadable", path=self.path, reason=e.strerror) from None
        try:
            doc = json.loads(raw)
            pins = doc["pins"]
            if doc.get("version") != PINS_VERSION or not isinstance(pins, dict):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise StoreError.t("store.pins.damaged", path=self.path) from None
        return pins

    def _write(self, pins: dict[str, dict[str, Any]]) -> None:
        private_dir(self.home)
        write_private(self.path, json.dumps({"version": PINS_VERSION, "pins": pins}, indent=2, sort_keys=True))

    # ---- API -------------------------------------------------------------------------------
    def get(self, contact: str) -> Pin | None:
        entry = self._read().get(normalise_contact(contact))
        return Pin(**entry) if entry else None

    def list(self) -> list[Pin]:
        return [Pin(**e) for _, e in sorted(self._read().items())]

    def check_and_pin(self, contact: str, fingerprint: str, *, accept_new: bool = False,
                      source: str | None = None, now: datetime | None = None,
                      organisation: str | None = None) -> str:
        """Pin on first use. Returns "new", "same" or "replaced" (only with ``accept_new``).

        A different key for a pinned contact raises KeyProblem code ``pin_changed`` (exit 6) with
        both fingerprints, and changes nothing. With ``organisation`` (its registrable domain) the key
        is pinned for the organisation too, so a new address *and* a new key together still stop the run.
        """
        fpr = fingerprint.replace(" ", "").upper()
        stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        pins = self._read()
        keys = self._keys(contact, organisation)
        results = [self._judge(pins, key, fpr, accept_new=accept_new) for key in keys]
        for key, result in zip(keys, results, strict=True):
            entry = pins.get(key)
            if result == "same" and entry is not None:
                entry["last_seen"] = stamp
            else:
                pins[key] = Pin(key, fpr, stamp, stamp, source).to_dict()
        self._write(pins)
        return results[0]

    def check(self, contact: str, fingerprint: str, *, accept_new: bool = False,
              organisation: str | None = None) -> str:
        """Like check_and_pin but writes nothing (a dry run): "new", "same" or "replaced"."""
        fpr = fingerprint.replace(" ", "").upper()
        pins = self._read()
        # every key is judged (a changed organisation pin raises too); the contact's verdict is returned
        results = [self._judge(pins, key, fpr, accept_new=accept_new) for key in self._keys(contact, organisation)]
        return results[0]

    @staticmethod
    def _keys(contact: str, organisation: str | None) -> builtins.list[str]:
        keys = [normalise_contact(contact)]
        if organisation:
            keys.append(ORG_PREFIX + organisation.strip().rstrip(".").lower())
        return keys

    def _judge(self, pins: dict[str, dict[str, Any]], key: str, fpr: str, *, accept_new: bool) -> str:
        entry = pins.get(key)
        if entry and entry["fingerprint"] == fpr:
            return "same"
        self._refuse_change(key, fpr, entry, accept_new=accept_new)
        return "replaced" if entry else "new"

    @staticmethod
    def _refuse_change(key: str, fpr: str, entry: dict[str, Any] | None, *, accept_new: bool) -> None:
        if entry and not accept_new:
            org = key.startswith(ORG_PREFIX)
            msgid = N_("store.pins.changed_org") if org else N_("store.pins.changed")
            raise KeyProblem.t(
                msgid, who=key[len(ORG_PREFIX):] if org else key,
                pinned=entry["fingerprint"], first_seen=entry["first_seen"][:10], offered=fpr, key=key,
                code="pin_changed",
                data={"contact": key, "pinned_fingerprint": entry["fingerprint"], "offered_fingerprint": fpr})

    def forget(self, contact_or_fpr: str) -> builtins.list[Pin]:
        """Remove the pins of a contact, or every pin of a fingerprint (or key id); returns them."""
        pins = self._read()
        fpr = normalise_fingerprint(contact_or_fpr)
        contact = normalise_contact(contact_or_fpr)
        removed = [k for k, e in pins.items()
                   if k == contact or (fpr and (e["fingerprint"] == fpr or e["fingerprint"].endswith(fpr)))]
        gone = [Pin(**pins.pop(k)) for k in removed]
        if gone:
            self._write(pins)
            still = {e["fingerprint"] for e in pins.values()}
            for pin in gone:
                if pin.fingerprint not in still:
                    (self.keys_dir / f"{pin.fingerprint}.pgp").unlink(missing_ok=True)
        return gone

    def find(self, contact_or_fpr: str) -> builtins.list[Pin]:
        fpr = normalise_fingerprint(contact_or_fpr)
        contact = normalise_contact(contact_or_fpr)
        return [p for p in self.list() if p.contact == contact
                or (fpr and (p.fingerprint == fpr or p.fingerprint.endswith(fpr)))]

    # ---- the pinned certificates -----------------------------------------------------------
    def save_certificate(self, fingerprint: str, raw: bytes) -> Path:
        private_dir(self.keys_dir)
        return write_private(self.keys_dir / f"{fingerprint.upper()}.pgp", raw)

    def certificate(self, fingerprint: str) -> bytes | None:
        try:
            return (self.keys_dir / f"{fingerprint.upper()}.pgp").read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StoreError.t("store.pins.key_unreadable", fingerprint=fingerprint, reason=e.strerror) from None
