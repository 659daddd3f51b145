"""`cvd-reporter directory list|show|import`: a reporter finds a known channel with its source and age,
and adds the community's list beside ours without changing the bundled data."""

from __future__ import annotations

import json
import stat
from importlib import resources

from tests.support.paths import DATA

DIODB = DATA / "directory" / "program-list.json"


def test_show_by_name_tells_source_age_and_other_domain(cli):
    out = cli("directory", "show", "gemeente", "Westervoort")
    assert out.exit_code == 0
    assert "mailto:ciso@1stroom.nl" in out.stdout
    assert "https://www.westervoort.nl/responsible-disclosure; seen 2026-12-07" in out.stdout
    assert "days ago" in out.stdout
    assert "other domain: ciso@1stroom.nl is on 1stroom.nl" in out.stdout


def test_show_json_and_unknown_name(cli):
    doc = cli("--json", "directory", "show", "www.epe.nl").json
    [epe] = doc["data"]["organisations"]
    assert epe["response"] == {"amount": 1, "unit": "working_days"} and isinstance(epe["age_days"], int)
    assert epe["domain_notes"][0].startswith("incident@IBDgemeenten.nl is on ibdgemeenten.nl")
    out = cli("--json", "directory", "show", "Nergenshuizen")
    assert out.exit_code == 5 and "Next:" in out.json["errors"][0]["message"]


def test_import_diodb_list_is_private_kept_apart_and_replaced_on_reimport(cli, isolated_env, tmp_path):
    bundled_before = (resources.files("cvd_reporter") / "data" / "directory.yaml").read_bytes()
    out = cli("--json", "directory", "import", str(DIODB))
    assert out.exit_code == 0 and out.json["data"]["imported"] == 2
    stored = isolated_env / "directory" / "imported.json"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600 and stat.S_IMODE(stored.parent.stat().st_mode) == 0o700
    shown = cli("directory", "show", "harbour.example")
    assert "security@harbour.example" in shown.stdout and "imported from program-list.json" in shown.stdout
    assert "safe_harbor: full" in shown.stdout
    listing = cli("--json", "directory", "list").json["data"]["organisations"]
    assert any(o["name"] == "Gemeente Epe" for o in listing) and any(o["name"] == "Form Only Org" for o in listing)
    # a newer file of the same name replaces the older entries instead of doubling them
    newer = tmp_path / "program-list.json"
    newer.write_text(json.dumps([{"program_name": "Example Harbour Authority", "contact_email": "psirt@harbour.example",
                                  "policy_url": "https://www.harbour.example/security-policy"}]))
    again = cli("--json", "directory", "import", str(newer)).json["data"]
    assert (again["imported"], again["replaced"]) == (1, 2)
    only = cli("--json", "directory", "list", "--imported").json["data"]["organisations"]
    assert [o["contacts"] for o in only] == [["mailto:psirt@harbour.example"]]
    assert (resources.files("cvd_reporter") / "data" / "directory.yaml").read_bytes() == bundled_before


def test_import_our_own_schema_as_an_update(cli, tmp_path):
    update = tmp_path / "directory-2027.yaml"
    update.write_text("schema: cvd-directory/1\norganisations:\n  - name: Gemeente Nieuwdorp\n    domains: [nieuwdorp.example]\n"
                      "    contacts: [mailto:cvd@nieuwdorp.example]\n    source: {url: 'https://nieuwdorp.example/cvd', seen: 2027-01-05}\n")
    assert cli("directory", "import", str(update)).exit_code == 0
    assert "seen 2027-01-05" in cli("directory", "show", "Nieuwdorp").stdout


def test_bad_import_files_are_exit_3_and_change_nothing(cli, tmp_path, isolated_env):
    bad = tmp_path / "list.json"
    bad.write_text('{"schema": "cvd-directory/1", "organisations": [{"name": "X", "contacts": ["ftp://x"], '
                   '"source": {"seen": "2026-01-01"}}]}')
    aliases = tmp_path / "bomb.yaml"
    aliases.write_text("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n")
    for path in (bad, aliases, tmp_path / "missing.json", tmp_path):
        out = cli("directory", "import", str(path))
        assert out.exit_code == 3 and "Traceback" not in out.stderr
    assert not (isolated_env / "directory" / "imported.json").exists()


def test_escalation_points_show_how_to_use_them_and_where_their_address_comes_from(cli):
    out = cli("directory", "show", "IBD")
    assert out.exit_code == 0
    assert "mailto:incident@IBDgemeenten.nl" in out.stdout and "`escalate ID --to ibd` (for gemeente" in out.stdout
    assert "https://www.epe.nl/beveiligingslek-datalek-melden; seen 2026-12-07" in out.stdout
    assert "key:" not in out.stdout  # no page seen gives the IBD's key: nothing is made up
