"""discovery's look-up notes and findings keep their catalogue id: a Dutch reader gets Dutch (issue 17).

Real loopback HTTPS server; ``--json`` (``message``/``to_dict``) stays English.
"""

from __future__ import annotations

import datetime as dt

import pytest

from cvd_reporter.core.securitytxt import LEGACY_PATH, WELL_KNOWN_PATH
from cvd_reporter.errors import DiscoveryError
from cvd_reporter.net.discovery import discover
from cvd_reporter.net.http import Fetcher
from tests.servers.https import Response
from tests.support.securitytxt import HOSTS, live_body, make_fetcher

HTML = Response(200, "<!DOCTYPE html>\n<html><body>Pagina niet gevonden</body></html>\n", "text/html")


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def test_nothing_found_is_said_in_dutch_with_the_most_telling_attempt(https, pki):
    https.add(WELL_KNOWN_PATH, HTML, host="gemeente.test")
    https.add(LEGACY_PATH, Response(200, "", "text/plain"), host="gemeente.test")
    with pytest.raises(DiscoveryError) as e:
        discover("gemeente.test", make_fetcher(https, pki), now=now())
    nl = e.value.say("nl")
    assert nl.startswith("Geen bruikbare security.txt gevonden voor gemeente.test (2 URL('s) geprobeerd): ")
    assert "gaf een HTML-pagina (een verkapte 404?), geen security.txt." in nl
    assert e.value.say("en") == e.value.message and "served an HTML page (a soft-404?)" in e.value.message
    assert e.value.to_dict()["code"] == "no_security_txt"


def test_an_untrusted_certificate_in_the_notes_is_dutch(https):
    https.add(WELL_KNOWN_PATH, Response(200, live_body(), "text/plain"), host="gemeente.test")
    mapping = {(n, 443): (https.host, https.port) for n in HOSTS}
    fetcher_without_ca = Fetcher(connect_to=mapping, timeout=3.0)  # no --ca-bundle: the test CA is not trusted
    with pytest.raises(DiscoveryError) as e:
        discover("gemeente.test", fetcher_without_ca, now=now())
    assert "Het TLS-certificaat van gemeente.test kon niet worden gecontroleerd" in e.value.say("nl")
    assert "The TLS certificate of gemeente.test could not be verified" in e.value.message


def test_findings_about_the_file_are_dutch_and_json_stays_english(https, pki):
    https.add(LEGACY_PATH, Response(200, live_body(), "text/html; charset=iso-8859-1"), host="gemeente.test")
    d = discover("gemeente.test", make_fetcher(https, pki), now=now())
    said = {f.code: f.say("nl") for f in d.findings}
    assert said["invalid_media"] == "Het Content-Type is 'text/html', niet text/plain (RFC 9116 §3)."
    assert said["invalid_charset"] == "De tekenset is 'iso-8859-1'; RFC 9116 §3 vraagt utf-8."
    assert said["location"].startswith("Het bestand is alleen gevonden op https://gemeente.test/security.txt")
    english = {f["code"]: f["message"] for f in (f.to_dict() for f in d.findings)}
    assert english["invalid_media"] == "The Content-Type is 'text/html', not text/plain (RFC 9116 §3)."
