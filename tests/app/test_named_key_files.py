"""A key file the reporter names (`key import FILE`, `submit --sign-with FILE`) is read by one function,
app/userfiles.py: read_named_key_file. Each way it can fail is one sentence naming the file, exit 3,
in the words of the command that asked (an organisation's key file, or the reporter's signing key).
Real files on disk: a missing one, one too big to be a key, a folder, a symlink loop."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from cvd_reporter.app.first_contact import read_key_file
from cvd_reporter.app.submit import SubmitOptions, load_signer
from cvd_reporter.app.userfiles import MAX_KEY_FILE_BYTES, read_named_key_file
from cvd_reporter.errors import InputFileError

IDS = {"too_big": "key_file.too_big", "missing": "key_file.missing", "unreadable": "key_file.unreadable"}


def _bad_files(tmp_path: Path) -> dict[str, Path]:
    big = tmp_path / "big.asc"
    big.write_bytes(b"A" * (MAX_KEY_FILE_BYTES + 1))
    folder = tmp_path / "keys"
    folder.mkdir()
    loop = tmp_path / "loop.asc"
    os.symlink(loop, loop)  # unreadable even for root, unlike a file without permissions
    return {"missing": tmp_path / "nowhere.asc", "too_big": big, "folder": folder, "loop": loop}


def test_each_failure_is_one_sentence_naming_the_file(tmp_path):
    files = _bad_files(tmp_path)
    said = {}
    for case, path in files.items():
        with pytest.raises(InputFileError) as caught:
            read_named_key_file(path, **IDS)
        assert caught.value.exit_code == 3 and str(path) in caught.value.message
        said[case] = caught.value
    assert said["missing"].message == f"The key file {files['missing']} does not exist."
    assert said["too_big"].message == f"{files['too_big']} is larger than 1 MiB; that is not a key file."
    assert said["folder"].msgid == "key_file.unreadable" and "directory" in said["folder"].message.lower()
    assert said["loop"].msgid == "key_file.unreadable" and "symbolic links" in said["loop"].message
    assert "bestaat niet" in said["missing"].say("nl")  # the reader's language, from the same id


def test_a_good_file_is_read_whole_and_the_limit_is_the_callers(tmp_path):
    key = tmp_path / "key.asc"
    key.write_bytes(b"-----BEGIN PGP PUBLIC KEY BLOCK-----\n")
    assert read_named_key_file(key, **IDS) == key.read_bytes()
    with pytest.raises(InputFileError) as caught:
        read_named_key_file(key, **IDS, max_bytes=10)
    assert caught.value.msgid == "key_file.too_big"


def test_key_import_and_sign_with_keep_their_own_sentences(tmp_path):
    files = _bad_files(tmp_path)
    settings = SimpleNamespace(secret=lambda *_a, **_k: None)
    expected = {"missing": "missing", "too_big": "too_big", "folder": "unreadable", "loop": "unreadable"}
    for case, path in files.items():
        with pytest.raises(InputFileError) as imported:
            read_key_file(path)
        with pytest.raises(InputFileError) as signing:
            load_signer(SubmitOptions(sign_with=path), settings)
        assert imported.value.msgid == f"key_file.{expected[case]}"
        assert signing.value.msgid == f"signing_key.{expected[case]}"
        assert signing.value.code == imported.value.code == "input_file"  # the --json code, unchanged
    assert signing.value.message.startswith("Cannot read the signing key ")


def test_a_device_that_never_ends_is_too_big_not_a_hang(tmp_path):
    """/dev/zero claims a size of 0 and never ends: the reader stops one byte past the limit."""
    with pytest.raises(InputFileError) as e:
        read_named_key_file(Path("/dev/zero"), **IDS, max_bytes=4096)
    assert e.value.code == "input_file" and "/dev/zero" in e.value.message
    assert "not a key file" in e.value.message
