"""Drafts: private (0600 in 0700), atomic, resumable by id, listed newest first; report files written
0600 without clobbering and without touching the user's folder."""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path

import pytest

from cvd_reporter.errors import StoreError
from cvd_reporter.store.drafts import DraftStore, write_report_file

T0 = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone.utc)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_save_is_private_and_round_trips(tmp_path: Path):
    store = DraftStore(tmp_path / "home")
    draft = store.new(lang="nl", now=T0)
    draft.answers.update({"target": "https://www.gemeente.example/", "attest.no-dos": True})
    path = store.save(draft, now=T0)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    again = store.load(draft.id)
    assert again.answers == draft.answers and again.lang == "nl" and again.created == "2026-11-20T09:00:00+00:00"
    assert list(path.parent.iterdir()) == [path]  # no temporary files left behind


def test_ids_are_dated_and_random(tmp_path: Path):
    store = DraftStore(tmp_path)
    ids = {store.new(lang="en", now=T0).id for _ in range(20)}
    assert len(ids) == 20 and all(i.startswith("20261120-") for i in ids)


def test_list_unfinished_newest_first_and_skips_damaged_files(tmp_path: Path):
    store = DraftStore(tmp_path)
    older, newer = store.new(lang="en", now=T0), store.new(lang="en", now=T0)
    store.save(older, now=T0)
    store.save(newer, now=T0 + dt.timedelta(minutes=5))
    (store.folder / "20261120-badbad.json").write_text("{not json")
    assert [d.id for d in store.list_unfinished()] == [newer.id, older.id]
    with pytest.raises(StoreError, match="may be damaged"):
        store.load("20261120-badbad")


@pytest.mark.parametrize("bad", ["../../etc/passwd", "20261120-zzzzzz", "", "x" * 40])
def test_a_bad_id_is_refused_without_touching_the_disk(tmp_path: Path, bad: str):
    with pytest.raises(StoreError, match="is not a draft id"):
        DraftStore(tmp_path).load(bad)


def test_unknown_id_says_how_to_find_drafts(tmp_path: Path):
    with pytest.raises(StoreError, match="`cvd-reporter new` lists the unfinished drafts"):
        DraftStore(tmp_path).load("20261120-abcdef")


def test_remove(tmp_path: Path):
    store = DraftStore(tmp_path)
    draft = store.new(lang="en", now=T0)
    store.save(draft)
    store.remove(draft.id)
    store.remove(draft.id)  # twice is fine
    assert store.list_unfinished() == []


def test_report_file_is_0600_and_never_clobbers(tmp_path: Path):
    folder = tmp_path / "project"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    path = write_report_file(folder / "r.yaml", "schema: cvd-report/1\n")
    assert mode(path) == 0o600 and mode(folder) == 0o755  # the user's folder keeps its mode
    with pytest.raises(StoreError, match="already exists"):
        write_report_file(path, "other\n")
    assert path.read_text() == "schema: cvd-report/1\n"
    write_report_file(path, "replaced\n", overwrite=True)
    assert path.read_text() == "replaced\n" and sorted(p.name for p in folder.iterdir()) == ["r.yaml"]


def test_report_file_in_a_missing_folder_is_one_sentence(tmp_path: Path):
    with pytest.raises(StoreError, match="Cannot write in"):
        write_report_file(tmp_path / "nope" / "r.yaml", "x")
