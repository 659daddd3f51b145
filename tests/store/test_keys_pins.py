"""Trust on first use: the pin store on disk."""

from __future__ import annotations

import json
import stat

import pytest

from cvd_reporter.errors import KeyProblem, StoreError
from cvd_reporter.store.pins import PinStore, normalise_fingerprint

A = "A" * 40
B = "B" * 40


def test_first_use_pins_and_the_same_key_passes(tmp_path) -> None:
    store = PinStore(tmp_path / "home")
    assert store.get("security@gemeente.test") is None
    assert store.check_and_pin("mailto:Security@Gemeente.test", A, source="wkd-direct") == "new"
    assert store.check_and_pin("security@gemeente.test", A.lower()) == "same"
    pin = store.get("SECURITY@gemeente.test")
    assert (pin.contact, pin.fingerprint, pin.source) == ("security@gemeente.test", A, "wkd-direct")
    assert [p.contact for p in store.list()] == ["security@gemeente.test"]


def test_private_file_modes(tmp_path) -> None:
    store = PinStore(tmp_path / "home")
    store.check_and_pin("a@b.test", A)
    store.save_certificate(A, b"\x99key")
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.home.stat().st_mode) == 0o700
    assert stat.S_IMODE((store.keys_dir / f"{A}.pgp").stat().st_mode) == 0o600
    assert store.certificate(A) == b"\x99key" and store.certificate(B) is None


def test_a_changed_key_stops_with_both_fingerprints(tmp_path) -> None:
    store = PinStore(tmp_path)
    store.check_and_pin("a@b.test", A)
    with pytest.raises(KeyProblem) as e:
        store.check_and_pin("a@b.test", B)
    assert e.value.code == "pin_changed" and e.value.exit_code == 6
    assert A in e.value.message and B in e.value.message and "key forget" in e.value.message
    assert e.value.data == {"contact": "a@b.test", "pinned_fingerprint": A, "offered_fingerprint": B}
    assert store.get("a@b.test").fingerprint == A  # nothing changed
    assert store.check_and_pin("a@b.test", B, accept_new=True) == "replaced"
    assert store.get("a@b.test").fingerprint == B


def test_forget_by_contact_or_fingerprint(tmp_path) -> None:
    store = PinStore(tmp_path)
    store.check_and_pin("a@b.test", A)
    store.check_and_pin("c@b.test", A)
    store.check_and_pin("d@b.test", B)
    store.save_certificate(A, b"a")
    assert [p.contact for p in store.forget("mailto:a@b.test")] == ["a@b.test"]
    assert store.certificate(A) == b"a"  # still pinned for c@b.test
    assert [p.contact for p in store.forget(A[-16:])] == ["c@b.test"]  # a key id works too
    assert store.certificate(A) is None
    assert store.forget("nobody@b.test") == []
    assert [p.contact for p in store.list()] == ["d@b.test"]


def test_damaged_pin_file_is_a_clear_error(tmp_path) -> None:
    store = PinStore(tmp_path)
    store.check_and_pin("a@b.test", A)
    store.path.write_text("{not json")
    with pytest.raises(StoreError) as e:
        store.get("a@b.test")
    assert "damaged" in e.value.message
    store.path.write_text(json.dumps({"version": 99, "pins": {}}))
    with pytest.raises(StoreError):
        store.list()


@pytest.mark.parametrize("text, expected", [
    (A, A), ("0x" + "ab" * 8, "AB" * 8), ("aaaa " * 10, A), ("security@x.test", None), ("ABC", None),
])
def test_normalise_fingerprint(text: str, expected: str | None) -> None:
    assert normalise_fingerprint(text) == expected


def test_a_new_address_with_a_new_key_still_stops_for_the_same_organisation(tmp_path) -> None:
    """Pins per contact alone miss an attacker who swaps both the Contact and the key in security.txt."""
    store = PinStore(tmp_path)
    a, b = "A" * 40, "B" * 40
    assert store.check_and_pin("mailto:security@gemeente.test", a, organisation="gemeente.test") == "new"
    with pytest.raises(KeyProblem) as e:
        store.check("mailto:attacker-box@gemeente.test", b, organisation="gemeente.test")
    assert e.value.code == "pin_changed" and "organisation gemeente.test" in e.value.message
    with pytest.raises(KeyProblem):
        store.check_and_pin("mailto:attacker-box@gemeente.test", b, organisation="gemeente.test")
    assert store.get("attacker-box@gemeente.test") is None  # nothing was pinned on the refusal
    # the same key behind a new address (a shared service taking over) passes, and is pinned for it
    assert store.check_and_pin("ciso@1stroom.test", a, organisation="gemeente.test") == "new"
    # accepting the new key deliberately moves both pins
    assert store.check_and_pin("mailto:new@gemeente.test", b, organisation="gemeente.test", accept_new=True) == "new"
    assert store.check("security@other.test", b, organisation="gemeente.test") == "new"
