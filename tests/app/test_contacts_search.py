"""The search for where to report beyond security.txt, against real HTTPS sites on loopback (trustme CA):
a policy page linked from the home page, one at a well-known path, a security.txt with only a Policy
field, a page behind two redirects, hostile pages, and the directory as the last resort."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from cvd_reporter.app.contacts import search_contacts
from cvd_reporter.core.securitytxt import WELL_KNOWN_PATH as WK
from tests.servers.https import big_body, endless_chunked, redirect, slow_body
from tests.support.policy_sites import form_only_page, home_page, link_flood, phone_only_page, policy_page
from tests.support.securitytxt import live_body, make_fetcher


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def search(https, pki, target: str = "gemeente.test", *, timeout: float = 10.0, home: Path | None = None):
    return search_contacts(target, make_fetcher(https, pki, timeout=timeout), now=now(), home=home)


def test_home_page_link_leads_to_a_policy_page_naming_an_address_on_another_domain(https, pki, tmp_path):
    https.add("/", home_page(("/over-deze-site/zwakke-plek-melden", "Kwetsbaarheid melden")), host="gemeente.test")
    https.add("/over-deze-site/zwakke-plek-melden", policy_page("ciso@werkorganisatie.example"),
              host="gemeente.test")
    found = search(https, pki, home=tmp_path)
    first = found.contacts[0]
    assert first.uri == "mailto:ciso@werkorganisatie.example" and first.kind == "email"
    assert first.source.kind == "policy_page"
    assert first.source.url == "https://gemeente.test/over-deze-site/zwakke-plek-melden"
    assert "ciso@werkorganisatie.example" in (first.source.evidence or "")
    assert "werkorganisatie.example, not on gemeente.test" in first.note
    # the home page's own info@ address and the navigation's mailto are not taken for the CVD contact
    assert all("info@gemeente.test" not in c.uri for c in found.contacts)
    assert found.steps[0].stage == "security_txt" and found.steps[-1].stage == "home_page"
    block = found.organisation_block()
    assert block["contact"] == ["mailto:ciso@werkorganisatie.example"]
    assert block["subject"] == "Melding kwetsbaarheid" and block["response"] == "3 working days"
    assert block["source"]["contact"]["kind"] == "policy_page"


def test_policy_at_a_well_known_path_of_the_www_host(https, pki, tmp_path):
    https.add("/kwetsbaarheid-melden", policy_page("security@gemeente.test"), host="www.gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert [c.uri for c in found.contacts] == ["mailto:security@gemeente.test"]
    assert found.contacts[0].source.url == "https://www.gemeente.test/kwetsbaarheid-melden"
    assert found.contacts[0].note == ""  # the organisation's own domain: nothing to flag
    tried = [(r["host"], r["path"]) for r in https.log]
    assert ("gemeente.test", "/responsible-disclosure") in tried  # the common paths come first
    assert tried.index(("gemeente.test", "/responsible-disclosure")) < tried.index(
        ("www.gemeente.test", "/kwetsbaarheid-melden"))


def test_a_security_txt_whose_only_useful_field_is_policy(https, pki, tmp_path):
    https.add(WK, live_body("Policy: https://other.test/beleid/cvd", contact=None), host="gemeente.test")
    https.add("/beleid/cvd", policy_page("cert@other.test"), host="other.test")
    found = search(https, pki, home=tmp_path)
    assert [c.uri for c in found.contacts] == ["mailto:cert@other.test"]
    assert found.contacts[0].source.url == "https://other.test/beleid/cvd"
    assert [s.stage for s in found.steps] == ["security_txt", "policy_field"]
    assert found.security_txt is not None and not found.security_txt.valid
    # the Policy field answered: no guessing at well-known paths
    assert not any(r["path"] == "/responsible-disclosure" for r in https.log)


def test_a_page_behind_two_redirects_keeps_its_final_address(https, pki, tmp_path):
    https.add("/responsible-disclosure", redirect("/r/1", 301), host="gemeente.test")
    https.add("/r/1", redirect("https://www.gemeente.test/beleid/responsible-disclosure", 302), host="gemeente.test")
    https.add("/beleid/responsible-disclosure", policy_page("cvd@gemeente.test"), host="www.gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert found.contacts[0].source.url == "https://www.gemeente.test/beleid/responsible-disclosure"
    assert "after 2 redirect(s)" in found.steps[-1].message


def test_a_soft_404_that_returns_the_home_page_is_not_a_policy(https, pki, tmp_path):
    https.add("/responsible-disclosure", redirect("/", 302), host="gemeente.test")
    https.add("/", home_page(), host="gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert found.contacts == []
    assert any(s.outcome == "not_a_policy" and "home page" in s.message for s in found.steps)


def test_form_only_and_phone_only_pages_give_those_channels(https, pki, tmp_path):
    https.add("/cvd", form_only_page("https://gemeente.test/formulieren/kwetsbaarheid"), host="gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert [(c.kind, c.uri) for c in found.contacts] == [("form", "https://gemeente.test/formulieren/kwetsbaarheid")]
    assert found.emails == []
    https.clear()
    https.add("/beveiliging", phone_only_page("0123 45 67 89"), host="www.gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert [(c.kind, c.uri) for c in found.contacts] == [("phone", "tel:+31123456789")]


def test_huge_and_endless_pages_are_cut_off_and_the_search_goes_on(https, pki, tmp_path):
    https.add("/responsible-disclosure", big_body(), host="gemeente.test")  # 50 MB announced
    https.add("/coordinated-vulnerability-disclosure", endless_chunked, host="gemeente.test")
    https.add("/cvd", policy_page("cvd@gemeente.test"), host="www.gemeente.test")
    found = search(https, pki, timeout=5, home=tmp_path)
    outcomes = {s.url: s.outcome for s in found.steps}
    assert outcomes["https://gemeente.test/responsible-disclosure"] == "too_large"
    assert outcomes["https://gemeente.test/coordinated-vulnerability-disclosure"] == "too_large"
    assert [c.uri for c in found.contacts] == ["mailto:cvd@gemeente.test"]


def test_a_dripping_page_and_a_link_flood_end_within_the_one_deadline(https, pki, tmp_path):
    https.add("/", link_flood(10_000), host="gemeente.test")
    https.add("/responsible-disclosure", slow_body(0.1), host="gemeente.test")  # one byte at a time
    t0 = time.monotonic()
    found = search(https, pki, timeout=1.5, home=tmp_path)
    assert time.monotonic() - t0 < 4  # the 1.5 s deadline covers the whole search, not each request
    assert found.contacts == [] and found.deadline_hit
    deadline = next(s for s in found.steps if s.outcome == "deadline")
    assert "whole search" in deadline.message
    assert found.steps[-1].stage == "directory"  # offline: still consulted after the deadline


def test_ten_thousand_links_are_looked_at_without_following_them_all(https, pki, tmp_path):
    https.add("/", link_flood(10_000), host="gemeente.test")
    found = search(https, pki, home=tmp_path)
    followed = [r for r in https.log if r["path"].removeprefix("/kwetsbaarheid-").isdigit()]
    assert found.contacts == [] and 0 < len(followed) <= 3
    assert any(s.stage == "home_page" and "links to 3 page(s)" in s.message for s in found.steps)


def test_the_directory_is_the_last_resort_with_its_age(https, pki, tmp_path):
    from cvd_reporter.app.directory import import_file

    listing = tmp_path / "ours.yaml"
    listing.write_text("schema: cvd-directory/1\norganisations:\n  - name: Gemeente Voorbeeld\n"
                       "    domains: [gemeente.test]\n    contacts: [mailto:ciso@shared-service.example]\n"
                       "    source: {url: 'https://gemeente.test/old-cvd-page', seen: 2026-01-10}\n")
    import_file(tmp_path, listing, dt.date(2026, 12, 1))
    found = search(https, pki, home=tmp_path)
    c = found.contacts[0]
    assert c.uri == "mailto:ciso@shared-service.example" and c.source.kind == "directory"
    assert c.source.entry == "Gemeente Voorbeeld" and c.source.seen == "2026-01-10"
    assert c.source.age_days == (now().date() - dt.date(2026, 1, 10)).days
    assert "imported directory ours.yaml" in c.source.describe() and "day(s) old" in c.source.describe()


def test_a_valid_security_txt_with_an_address_ends_the_search(https, pki, tmp_path):
    https.add(WK, live_body(contact="mailto:security@gemeente.test"), host="gemeente.test")
    https.add("/responsible-disclosure", policy_page("other@gemeente.test"), host="gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert [(c.uri, c.source.kind) for c in found.contacts] == [("mailto:security@gemeente.test", "security_txt")]
    assert not any(r["path"] == "/responsible-disclosure" for r in https.log)


def test_no_private_addresses_even_for_policy_pages(https, pki, tmp_path):
    from cvd_reporter.net.http import Fetcher

    # no --connect-to mapping: localhost resolves to loopback, which is refused
    fetcher = Fetcher(ca_bundle=pki.ca_pem, timeout=2)
    found = search_contacts(f"localhost:{https.port}", fetcher, now=now(), home=tmp_path)
    assert found.contacts == [] and https.log == []
    assert any(s.outcome == "private_address" for s in found.steps)


def test_a_host_that_sends_its_home_page_to_www_is_not_probed_itself(https, pki, tmp_path):
    https.add("/", redirect("https://www.gemeente.test/", 301), host="gemeente.test")
    https.add("/", home_page(), host="www.gemeente.test")
    https.add("/cvd", policy_page("cvd@gemeente.test"), host="www.gemeente.test")
    found = search(https, pki, home=tmp_path)
    assert [c.uri for c in found.contacts] == ["mailto:cvd@gemeente.test"]
    probed = {r["host"] for r in https.log if r["path"] in ("/responsible-disclosure", "/cvd")}
    assert probed == {"www.gemeente.test"}  # half the requests, same answer
