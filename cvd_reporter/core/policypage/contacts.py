"""Where a policy page says to report: e-mail addresses, web forms and platforms, phone numbers.

Rules, not guesses: an address must be written on the page (plainly, in a ``mailto:`` link, with
``&#64;``, or spelled out as ``ciso [at] gemeente [dot] nl``); a form or platform must be named in a
sentence that sends the reader there or be a link whose text says so; a phone number must stand in
a sentence about calling.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from cvd_reporter.core.i18n import Phrase
from cvd_reporter.core.policypage.extract import Link
from cvd_reporter.core.policypage.model import Contact, Sentence, matching

EMAIL = re.compile(r"(?<![\w.+%-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])")
_BRACKET_AT = re.compile(r"\s*[\[({<]\s*(?:at|apenstaartje|@)\s*[\])}>]\s*", re.I)
_BRACKET_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|punt|\.)\s*[\])}>]\s*", re.I)
_WORDS_AT = re.compile(r"(?<![\w.-])([A-Za-z0-9][\w.+-]*)\s+(?:at|AT|apenstaartje)\s+"
                       r"([A-Za-z0-9-]+(?:\s+(?:dot|DOT|punt)\s+[A-Za-z0-9-]+)+)(?![\w-])")
CLOUDFLARE_PLACEHOLDER = "[email protected]"
_MAYBE_EMAIL = re.compile(r"@|\bat\b|\bAT\b|apenstaartje|\[email", re.I)

# (name, sentence pattern, link pattern). A sentence names the platform; a link goes to it.
PLATFORMS: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = (
    ("Zerocopter", re.compile(r"\bzerocopter\b", re.I), re.compile(r"zerocopter\.com", re.I)),
    ("Intigriti", re.compile(r"\bintigriti\b", re.I), re.compile(r"intigriti\.(com|io)", re.I)),
    ("HackerOne", re.compile(r"\bhacker\s?one\b", re.I), re.compile(r"hackerone\.com", re.I)),
    ("Bugcrowd", re.compile(r"\bbugcrowd\b", re.I), re.compile(r"bugcrowd\.com", re.I)),
    ("VNG Meldpunt Kwetsbaarheden", re.compile(r"\bmeldpunt\s+kwetsbaarheden\b.{0,80}\b(VNG|Vereniging "
                                               r"(van )?Nederlandse Gemeenten|IBD)\b|\b(VNG|IBD)\b.{0,40}"
                                               r"\bmeldpunt\s+kwetsbaarheden\b", re.I),
     re.compile(r"(vng\.nl|informatiebeveiligingsdienst\.nl).*(kwetsba|meldpunt|cvd)", re.I)),
    ("NCSC CVD form", re.compile(
        r"\b(CVD|kwetsbaarheid)[- ]?(report |meld)?(form|formulier)\b.{0,60}\b(NCSC|National Cyber Security Cent"
        r"|Nationaal Cyber Security Centrum)|\b(NCSC|National Cyber Security Centre)(['’]s)? (CVD[- ])?"
        r"(report )?(form|formulier)\b|\bmelden (aan|bij|via) (het )?(NCSC|Nationaal Cyber Security Centrum)\b"
        r"|\b(report|submit)\b.{0,40}\b(to|via|through) the (NCSC|National Cyber Security Cent|Dutch Government"
        r" GOV-CERT)", re.I),
     re.compile(r"ncsc\.nl/.*(kwetsbaarheid|cvd|melden|report)", re.I)),
)
_FORM_SENTENCE = re.compile(
    r"formulier(en)?\b|formlier\b|\bonline regelen\b|\b(web|online|report|reporting|contact|submission|CVD)[- ]?form\b"
    r"|\b(via|using|use|through|fill (in|out)|complete) (the|our|this|a) ([\w-]+ )?form\b"
    r"|\bvia (de|onderstaande|deze) (knop|link|button)\b|\bklik (hier|op de knop)\b.{0,40}\bmeld|\bclick here to report"
    r"|\b(upload|uploaden) via\b|\bvia (ons|het) (e-?loket|meldpunt)\b|\bthe (button|link) below\b", re.I)
_BUTTON_LINE = re.compile(
    r"^((direct|online|nu|hier)\s+(melden|regelen)|.{0,30}\bmelden zonder inloggen|meld (een|uw|het) (datalek|"
    r"kwetsbaarheid|zwakke plek|beveiligingslek|lek|probleem)|(report|submit) (a |your )?(vulnerability|report|"
    r"finding|issue)s?( here| now)?)\W*$", re.I)
_FORM_LINK_TEXT = re.compile(r"formulier|formlier|\bform\b|kwetsbaarheid|zwakke plek|datalek|beveiligingslek|"
                             r"vulnerab|responsible disclosure|\bcvd\b|direct melden|online regelen|meld(en)?\b|"
                             r"report", re.I)
_PHONE_SENTENCE = re.compile(r"\b(bel|bellen|belt|telefo\w*|mobiel|phone|call|tel\b|tel\.|sms|gsm)", re.I)
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)31[\s.-]?(?:\(0\)[\s.-]?)?|0)(?:\d[\s.-]?){8}\d(?!\d)"
                    r"|(?<!\d)14\s?0\d{2,3}(?!\d)")


def deobfuscate(text: str) -> str:
    """``ciso [at] gemeente [dot] nl``, ``ciso(at)gemeente.nl``, ``ciso at gemeente dot nl`` -> an address."""
    out = _BRACKET_AT.sub("@", text)
    out = _BRACKET_DOT.sub(".", out)
    return _WORDS_AT.sub(lambda m: m.group(1) + "@" + re.sub(r"\s+(?:dot|DOT|punt)\s+", ".", m.group(2)), out)


def emails_in(text: str) -> list[str]:
    return [m.group(0).rstrip(".") for m in EMAIL.finditer(text)]


def find_emails(sents: list[Sentence], links: list[Link]) -> tuple[list[Contact], list[str]]:
    """E-mail contacts in page order (one per address), and notes (e.g. Cloudflare-hidden addresses)."""
    found: dict[str, Contact] = {}
    notes: list[str] = []
    for s in matching(sents, _MAYBE_EMAIL):
        plain = emails_in(s.text)
        for address in plain:
            found.setdefault(address.lower(), Contact("email", f"mailto:{address}", evidence=s.text, line=s.line))
        clear = deobfuscate(s.text)
        if clear != s.text:
            for address in emails_in(clear):
                if address.lower() not in found:
                    found[address.lower()] = Contact("email", f"mailto:{address}", evidence=s.text, line=s.line,
                                                     note=Phrase("policypage.note.obfuscated"))
        if CLOUDFLARE_PLACEHOLDER in s.text and not plain:
            notes.append(Phrase("policypage.note.cloudflare"))
    for link in links:
        if link.href.lower().startswith("mailto:"):
            target = unquote(link.href[7:].split("?", 1)[0])
            for address in emails_in(target):
                if address.lower() not in found:
                    found[address.lower()] = Contact("email", f"mailto:{address}", evidence=f"link: {link.text}",
                                                     note=Phrase("policypage.note.mailto_link"))
    return list(found.values()), notes


def mailto_subjects(links: list[Link]) -> list[tuple[str, Link]]:
    """Subjects preset in ``mailto:...?subject=...`` links."""
    out = []
    for link in links:
        if link.href.lower().startswith("mailto:") and "?" in link.href:
            query = parse_qs(link.href.split("?", 1)[1])
            for key, values in query.items():
                if key.lower() == "subject" and values and values[0].strip():
                    out.append((values[0].strip(), link))
    return out


def _absolute(href: str, base: str | None) -> str | None:
    url = urljoin(base, href) if base else href
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return url


def find_forms(sents: list[Sentence], links: list[Link], *, base_url: str | None = None,
               have_email: bool = False) -> list[Contact]:
    """Platforms and web forms: named in a sentence, linked, or (text pages) a button label."""
    out: list[Contact] = []
    seen: set[str] = set()

    def add(c: Contact) -> None:
        key = c.value or c.name
        if key not in seen:
            seen.add(key)
            out.append(c)

    page = urlsplit(base_url)._replace(fragment="").geturl() if base_url else None
    for link in links:
        url = _absolute(link.href, base_url)
        if url is None or (page and urlsplit(url)._replace(fragment="").geturl() == page):
            continue
        for name, _text, pattern in PLATFORMS:
            if pattern.search(url):
                add(Contact("platform", url, name, evidence=f"link: {link.text or url}"))
                break
        else:
            if _FORM_LINK_TEXT.search(link.text) and re.search(r"formulier|form|meld|report|loket|kwetsba|cvd",
                                                               url + " " + link.text, re.I):
                add(Contact("form", url, link.text, evidence=f"link: {link.text}"))
    for name, text_pattern, _url in PLATFORMS:
        hits = matching(sents, text_pattern)
        if hits and not any(c.name == name for c in out):
            add(Contact("platform", None, name, evidence=hits[0].text, line=hits[0].line))
    for s in matching(sents, r"https://"):
        for url in re.findall(r"https://[^\s<>\"')]+", s.text):
            for name, _text, pattern in PLATFORMS:
                if pattern.search(url):
                    out[:] = [c for c in out if not (c.name == name and c.value is None)]
                    seen.discard(name)
                    add(Contact("platform", url.rstrip(".,;"), name, evidence=s.text, line=s.line))
    hits = matching(sents, _FORM_SENTENCE)
    if hits and not any(c.kind in ("form", "platform") for c in out):
        add(Contact("form", None, Phrase("policypage.name.web_form"), evidence=hits[0].text, line=hits[0].line,
                    note=Phrase("policypage.note.form_named")))
    if not out and not have_email:
        for s in sents:
            if len(s.text) <= 60 and _BUTTON_LINE.match(s.text):
                add(Contact("form", None, s.text, evidence=s.text, line=s.line,
                            note=Phrase("policypage.note.button_label")))
                break
    return out


def _tel(raw: str) -> str:
    digits = re.sub(r"[^\d+]", "", raw.replace("(0)", ""))
    if digits.startswith("0031"):
        digits = "+31" + digits[4:]
    elif digits.startswith("14"):
        return f"tel:{digits}"
    elif digits.startswith("0"):
        digits = "+31" + digits[1:]
    return f"tel:{digits}"


def find_phones(sents: list[Sentence], links: list[Link]) -> list[Contact]:
    out: dict[str, Contact] = {}
    for s in matching(sents, _PHONE_SENTENCE):
        for m in _PHONE.finditer(s.text):
            value = _tel(m.group(0))
            out.setdefault(value, Contact("phone", value, evidence=s.text, line=s.line))
    for link in links:
        if link.href.lower().startswith("tel:"):
            value = _tel(unquote(link.href[4:]))
            out.setdefault(value, Contact("phone", value, evidence=f"link: {link.text}",
                                          note=Phrase("policypage.note.tel_link")))
    return list(out.values())
