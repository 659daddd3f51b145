"""core/escalation_fit.py: which escalation point serves an organisation, found from its kind in the
bundled directory (the real file), and an imported listing that disagrees or adds a point."""

from __future__ import annotations

import pytest

from cvd_reporter.app.directory import load_bundled
from cvd_reporter.core.directory import parse_directory
from cvd_reporter.core.escalation_fit import fit_for, fits, organisation_kind, usual_point

BUNDLED, _ = load_bundled()


@pytest.mark.parametrize(("organisation", "target", "kind"), [
    ("epe.nl", "https://www.epe.nl/beveiligingslek-datalek-melden", "gemeente"),  # by the target's domain
    ("Someone", "https://www.rivm.nl/contact", "rijk"),  # the domain wins over a name nobody knows
    ("Regionale Belasting Groep (RBG)", "https://portal.example/", "samenwerking"),  # by its name
    ("Waterschap Rijn en IJssel", "https://kaumera.com/x", "waterschap"),  # an entry without domains
    ("Gemeente Voorbeeld", "https://loket.gemeente.example/zoeken", "gemeente"),  # not listed: its name says it
    ("Hoogheemraadschap van Delfland", "https://hhdelfland.example/", "waterschap"),
    ("Voorbeeld BV", "https://voorbeeld.example/", None),  # nothing says what it is
    ("Gemeente", "https://voorbeeld.example/", None),  # a bare word is no name
])
def test_the_kind_comes_from_the_directory_else_from_the_name(organisation, target, kind):
    assert organisation_kind(BUNDLED, organisation=organisation, target=target) == kind


def test_entries_that_disagree_give_no_kind():
    listing = {"schema": "cvd-directory/1", "organisations": [
        {"name": "Dienst A", "kind": "gemeente", "domains": ["shared.example"], "contacts": [],
         "source": {"seen": "2026-12-01"}},
        {"name": "Dienst B", "kind": "rijk", "domains": ["shared.example"], "contacts": [],
         "source": {"seen": "2026-12-01"}}]}
    entries, _ = parse_directory(listing, "mine.yaml")
    assert organisation_kind(entries, organisation="Gemeente X", target="https://www.shared.example/") is None


def test_each_kind_gets_the_point_that_serves_it_and_ncsc_is_the_last_resort():
    assert usual_point("gemeente", BUNDLED).point_id == "ibd"
    assert usual_point("rijk", BUNDLED).point_id == "ncsc"
    water = usual_point("waterschap", BUNDLED)
    assert water.point_id == "ncsc" and "CERT-WM" in water.why_text("en") and "last resort" in water.why_text("en")
    assert "laatste mogelijkheid" in water.why_text("nl") and "waterschappen" in water.why_text("nl")
    joint = usual_point("samenwerking", BUNDLED)
    assert joint.point_id == "ncsc" and "serves a joint organisation of public bodies" in joint.why_text("en")
    assert usual_point(None, BUNDLED) is None
    assert usual_point("gemeente", []) is None  # no directory points at all: nothing to suggest


def test_command_names_the_point_and_why_in_the_readers_language():
    fit = fit_for(BUNDLED, organisation="RIVM", target="https://www.rivm.nl/")
    assert fit.command("R-1", "en").startswith("cvd-reporter escalate R-1 --to ncsc (NCSC-NL")
    assert "central-government organisation" in fit.command("R-1", "en")
    assert "rijksoverheid" in fit.command("R-1", "nl")


def test_a_point_fits_when_it_is_the_usual_one_or_serves_the_kind():
    municipality = usual_point("gemeente", BUNDLED)
    ministry = usual_point("rijk", BUNDLED)
    water = usual_point("waterschap", BUNDLED)
    assert fits("ibd", municipality, BUNDLED) and not fits("ncsc", municipality, BUNDLED)
    assert fits("ncsc", ministry, BUNDLED) and not fits("ibd", ministry, BUNDLED)
    assert fits("ncsc", water, BUNDLED) and not fits("ibd", water, BUNDLED)
    assert fits("", municipality, BUNDLED)  # an e-mail address given with --to: the reporter's own choice
    assert fits("ncsc", None, BUNDLED)  # kind unknown: nothing to question
    # an imported point that also serves municipalities fits them, and comes first as their usual point
    extra, _ = parse_directory({"schema": "cvd-directory/1", "organisations": [
        {"name": "Regio-CERT", "kind": "cert", "escalation": {"id": "regio", "serves": ["gemeente"]},
         "contacts": ["mailto:cert@regio.example"], "source": {"seen": "2026-12-01"}}]}, "mine.yaml")
    entries = extra + BUNDLED
    assert fits("regio", municipality, entries) and fits("ibd", usual_point("gemeente", entries), entries)
    assert usual_point("gemeente", entries).point_id == "regio"
