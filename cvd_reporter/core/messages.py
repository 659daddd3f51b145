"""Finding messages for report validation, in English and Dutch: one plain sentence each."""

from __future__ import annotations

from typing import Any

from cvd_reporter.core.findings import Finding, Severity

MESSAGES: dict[str, dict[str, str]] = {
    "schema_version": {
        "en": "The report needs the line 'schema: cvd-report/1'{found}.",
        "nl": "Het rapport heeft de regel 'schema: cvd-report/1' nodig{found}.",
    },
    "unknown_field": {
        "en": "Unknown field {path}{hint}.",
        "nl": "Onbekend veld {path}{hint}.",
    },
    "wrong_type": {
        "en": "{path} should be {expected}, not {got}.",
        "nl": "{path} moet {expected} zijn, niet {got}.",
    },
    "invalid_value": {
        "en": "{path} is {value!r}; allowed: {allowed}{hint}.",
        "nl": "{path} is {value!r}; toegestaan: {allowed}{hint}.",
    },
    "invalid_date": {
        "en": "{path} is {value!r}, not a date like 2026-11-20.",
        "nl": "{path} is {value!r}, geen datum zoals 2026-11-20.",
    },
    "missing_field": {
        "en": "{path} is required by the policy ({policy}).",
        "nl": "{path} is verplicht volgens het beleid ({policy}).",
    },
    "no_contact": {
        "en": "Leave at least one e-mail address or phone number (a pseudonym is fine), or set "
              "reporter.anonymous: true.",
        "nl": "Laat minimaal één e-mailadres of telefoonnummer achter (een schuilnaam mag), of zet "
              "reporter.anonymous: true.",
    },
    "anonymous": {
        "en": "You report anonymously: the organisation cannot contact you or answer you.",
        "nl": "U meldt anoniem: de organisatie kan geen contact met u opnemen of u antwoorden.",
    },
    "anonymous_with_contact": {
        "en": "reporter.anonymous is true but contact details are given; they will be left out of the report.",
        "nl": "reporter.anonymous staat aan maar er zijn contactgegevens ingevuld; die worden weggelaten.",
    },
    "invalid_email": {
        "en": "{path} {value!r} is not a valid e-mail address ({reason}).",
        "nl": "{path} {value!r} is geen geldig e-mailadres ({reason}).",
    },
    "invalid_phone": {
        "en": "{path} {value!r} is not a valid phone number (use +31 6 12345678 or 06 12345678).",
        "nl": "{path} {value!r} is geen geldig telefoonnummer (gebruik +31 6 12345678 of 06 12345678).",
    },
    "no_target": {
        "en": "Give at least one URL or IP address of the vulnerable system (target.urls or target.ips).",
        "nl": "Geef minimaal één URL of IP-adres van het kwetsbare systeem (target.urls of target.ips).",
    },
    "invalid_url": {
        "en": "{path} {value!r} is not an http(s) URL with a host name.",
        "nl": "{path} {value!r} is geen http(s)-URL met een hostnaam.",
    },
    "invalid_ip": {
        "en": "{path} {value!r} is not an IPv4 or IPv6 address.",
        "nl": "{path} {value!r} is geen IPv4- of IPv6-adres.",
    },
    "discovered_future": {
        "en": "conduct.discovered ({value}) is in the future.",
        "nl": "conduct.discovered ({value}) ligt in de toekomst.",
    },
    "discovered_stale": {
        "en": "You found this {days} days ago; the policy asks you to report as soon as possible.",
        "nl": "U vond dit {days} dagen geleden; het beleid vraagt zo snel mogelijk te melden.",
    },
    "missing_attestation": {
        "en": "Confirm the policy rule {id!r}: \"{text}\"",
        "nl": "Bevestig de regel {id!r} van het beleid: \"{text}\"",
    },
    "unknown_attestation": {
        "en": "{path} {value!r} is not a rule of this policy{hint}.",
        "nl": "{path} {value!r} is geen regel van dit beleid{hint}.",
    },
    "invalid_cwe": {
        "en": "{path} {value!r} is not a CWE id like CWE-79.",
        "nl": "{path} {value!r} is geen CWE-id zoals CWE-79.",
    },
    "invalid_cvss": {
        "en": "{path} is not a valid CVSS 3.1 or 4.0 vector ({reason}).",
        "nl": "{path} is geen geldige CVSS 3.1- of 4.0-vector ({reason}).",
    },
    "disclosure_date_missing": {
        "en": "disclosure.intent is 'date' but disclosure.date is missing.",
        "nl": "disclosure.intent is 'date' maar disclosure.date ontbreekt.",
    },
    "shared_with_others": {
        "en": "You already shared this with {who}; the policy asks you to share nothing until it is fixed.",
        "nl": "U heeft dit al gedeeld met {who}; het beleid vraagt niets te delen tot het is opgelost.",
    },
    "no_steps": {
        "en": "No steps to reproduce: the policy asks for enough information to reproduce the problem.",
        "nl": "Geen stappen om te reproduceren: het beleid vraagt genoeg informatie om het probleem na te doen.",
    },
    "unsupported_language": {
        "en": "language {value!r} is not one of this policy's languages ({allowed}).",
        "nl": "taal {value!r} is geen taal van dit beleid ({allowed}).",
    },
    "not_one_line": {
        "en": "{path} must be one line, without line breaks or control characters.",
        "nl": "{path} moet één regel zijn, zonder regelafbrekingen of stuurtekens.",
    },
    "invalid_report_id": {
        "en": "id {value!r} may hold only letters, digits, '.', '_' and '-' (1-80, starting with a letter or "
              "digit, no two dots in a row, no dot at the end): it goes into mail headers and file names.",
        "nl": "id {value!r} mag alleen letters, cijfers, '.', '_' en '-' bevatten (1-80, beginnend met een letter "
              "of cijfer, geen twee punten achter elkaar, geen punt aan het eind): het komt in mailheaders en "
              "bestandsnamen.",
    },
    "evidence_missing": {
        "en": "Evidence file {value} does not exist; fix the path or remove the entry.",
        "nl": "Bewijsbestand {value} bestaat niet; verbeter het pad of verwijder de regel.",
    },
    "evidence_unreadable": {
        "en": "Evidence file {value} cannot be used: {reason}.",
        "nl": "Bewijsbestand {value} is niet bruikbaar: {reason}.",
    },
    "evidence_outside_folder": {
        "en": "Evidence file {value} is {resolved}, outside the report's folder; make sure you mean to send it.",
        "nl": "Bewijsbestand {value} is {resolved}, buiten de map van de melding; controleer dat u dit wilt "
              "meesturen.",
    },
    "secret_key_material": {
        "en": "{value} holds secret-key material (a private key); it is never sent. Remove or redact it "
              "(cvd-reporter lint --redact), or give your public key only (gpg --export --armor).",
        "nl": "{value} bevat geheim sleutelmateriaal (een privésleutel); dat wordt nooit verstuurd. Verwijder "
              "of maskeer het (cvd-reporter lint --redact), of geef alleen uw publieke sleutel "
              "(gpg --export --armor).",
    },
    "reporter_key_unusable": {
        "en": "reporter.pgp_key {value} cannot be used: {reason}.",
        "nl": "reporter.pgp_key {value} is niet bruikbaar: {reason}.",
    },
    "evidence_binary": {
        "en": "Evidence file {value} is binary; it was not scanned for personal data.",
        "nl": "Bewijsbestand {value} is binair; het is niet gescand op persoonsgegevens.",
    },
}


def make(code: str, severity: Severity, lang: str = "en", *, field: str | None = None,
         line: int | None = None, **params: Any) -> Finding:
    templates = MESSAGES[code]
    text = (templates.get(lang) or templates["en"]).format(**params)
    return Finding(code, severity, text, line=line, field=field)
