"""The rest of a policy's terms: encryption and key, sharing, anonymity, forbidden techniques,
publication, and the page's language. Each value keeps the sentence it came from."""

from __future__ import annotations

import re

from cvd_reporter.core.policypage.model import Found, Sentence, matching, unknown

ENCRYPT = re.compile(r"versleutel|encrypt|pgp|gpg|openpgp|zivver|7-?zip|winzip|cryptshare|beveiligde? (e-?)?mail|"
                     r"secure (e-?)?mail|met een wachtwoord", re.I)
OPTIONAL = re.compile(r"indien mogelijk|waar mogelijk|zo mogelijk|als dat kan|bij voorkeur|if possible|where possible|"
                      r"preferably|if you (can|wish|want|would like)|wilt u|would you like|kunt u|you (can|may)|"
                      r"eventueel|optionally|mag u|desgewenst", re.I)
REQUIRED = re.compile(r"\bversleutel(d|de)?\b|\bencrypted\b|\bencrypt (your|the)\b|moet(en)? .{0,30}versleuteld|"
                      r"must be encrypted|\bversleutel\b", re.I)
METHODS = (("PGP", r"\b(open)?pgp\b|\bgpg\b"), ("Zivver", r"zivver"), ("7-Zip", r"7-?zip"), ("WinZip", r"winzip"),
           ("ZIP with a password", r"\bzip\b.{0,40}wachtwoord|password[- ]protected zip|\bzip\b.{0,40}password"),
           ("Cryptshare", r"cryptshare"), ("secure mail", r"beveiligde? (e-?)?mail|secure (e-?)?mail"))
FINGERPRINT = re.compile(r"(?<![0-9A-Fa-f])(?:[0-9A-F]{4}\s?){9}[0-9A-F]{4}(?![0-9A-Fa-f])")
KEY_SENTENCE = re.compile(r"(pgp|public)[- ]?(sleutel|key)|sleutel|\bkey\b|fingerprint|vingerafdruk|security\.txt|"
                          r"\.asc\b", re.I)
SHARE_VERB = re.compile(r"\bdee?l(en|t)?\b|gedeeld|\bshare[sd]?\b|\bforward|doorsturen|doorgestuurd|geeft .{0,30}door|"
                        r"doorgeven|informeren|inform\b|passes? on|melden (wij|we) (ook )?(aan|bij)", re.I)
PARTIES = (("IBD", r"\bIBD\b|Informatiebeveiligingsdienst|Information Security Service for (Dutch )?Municipalities"),
           ("NCSC", r"\bNCSC\b|Nationaal Cyber Security Centrum|National Cyber Security Cent"),
           ("Z-CERT", r"\bZ-CERT\b"), ("CERT-WM", r"\bCERT-WM\b"), ("DTC", r"Digital Trust Center|\bDTC\b"),
           ("VNG", r"\bVNG\b|Vereniging (van )?Nederlandse Gemeenten"))
ANON_YES = re.compile(r"anoniem (te )?(melden|meldt|gedaan|worden gedaan|doen)|melding (ook )?anoniem|ook anoniem|"
                      r"anonymously|anonymous(ly)? report|report anonymous", re.I)
ANON_NO = re.compile(r"niet anoniem|geen anonieme|anonieme meldingen (worden )?niet|not (be )?anonymous|"
                     r"anonymous reports (are|will) not|cannot (be made |report )?anonymous", re.I)
PSEUDO = re.compile(r"pseudoniem|pseudonym|schuilnaam|alias\b", re.I)
NEGATION = re.compile(r"\b(niet|geen|not|no|never|nooit)\b", re.I)
FORBIDDEN = (
    ("dos", r"denial[- ]of[- ]service|\(?d\)?dos\b|ddos|beschikbaarheid of bruikbaarheid|availability and/? ?or usab"
            r"|(overbelast|overload)"),
    ("physical", r"fysieke beveiliging|physical (security|attack)|toegangspas|fysiek"),
    ("social-engineering", r"social engineering|medewerkers van de gemeente te achterhalen|gebruikers te verleiden"),
    ("brute-force", r"brute[- ]?forc|brute kracht|wachtwoorden (te )?(kraken|raden|achterhalen)|password cracking"),
    ("spam", r"\bspam"), ("malware", r"malware|kwaadwillende software|schadelijke software|malicious software"),
    ("ransomware", r"ransomware|chantage"), ("backdoor", r"backdoor|achterdeur"), ("phishing", r"phishing"),
    ("third-party-apps", r"applicaties van derden|third[- ]party app"),
    ("automated-scans", r"automat\w* scan|actief (te )?scannen|actively scan|geautomatiseerde (scan|tool)|scanners?\b"),
    ("repeated-access", r"herhaaldelijk|repeatedly"),
    ("data-abuse", r"(kopi[eë]ren|wijzigen|verwijderen|aanpassen|downloaden|inkijken|inzien|modificeren).{0,60}"
                   r"(gegevens|data)|(gegevens|data).{0,60}"
                   r"(kopi[eë]ren|wijzigen|verwijder|aanpass|download|in te kijken"
                   r"|inzien|in te zien)|(copy|copying|modify|delete|deleting|download|view).{0,60}(data|information)"),
)
PUB_FIXED = re.compile(r"((niet|geen|niemand|not|do not|don't|no one|nobody).{0,80}(delen|openbaar|publiceren|vertel|"
                       r"share|disclos|public|reveal|tell)|(vertel|tell) (niemand|no one|nobody))"
                       r".{0,80}(totdat|tot|until|voordat|before).{0,40}(opgelost|verholpen|resolved|fixed|remedied|"
                       r"gedicht|oplossing)", re.I)
PUB_AGREE = re.compile(r"(in )?(onderling|gezamenlijk) overleg.{0,80}(publice|openbaar|bekend)|mutually agreed.{0,60}"
                       r"publish|(publiceren|openbaar maken).{0,60}(in )?overleg", re.I)
PUB_PERMISSION = re.compile(r"(zonder|without) (onze |our )?(uitdrukkelijke |explicit )?(schriftelijke |written )?"
                            r"(toestemming|permission)|until .{0,40}gives permission", re.I)
_PUB_DAYS = re.compile(r"(\d{1,3})\s*(dagen|days)", re.I)
KEY_SENTENCE_ANY = re.compile(KEY_SENTENCE.pattern + r"|https://", re.I)
ANY_ANON = re.compile(ANON_YES.pattern + "|" + ANON_NO.pattern + "|" + PSEUDO.pattern, re.I)
ANY_PUB = re.compile(r"publ|openbaar|disclos|public|delen|share|reveal|bekend|vertel|tell", re.I)
NL_WORDS = {"de", "het", "een", "van", "en", "u", "wij", "we", "niet", "is", "op", "te", "dat", "met", "voor", "uw",
            "zijn", "om", "als", "bij", "naar", "je", "ons", "kunt", "wordt"}
EN_WORDS = {"the", "and", "of", "to", "you", "your", "we", "not", "is", "on", "that", "with", "for", "our", "are",
            "be", "as", "by", "it", "this", "can", "will", "please"}


def find_encryption(sents: list[Sentence]) -> tuple[Found, Found]:
    """``(stance, key)``: required | preferred | not_mentioned, with the method; where a key is said to be."""
    stance: Found | None = None
    index = {id(s): i for i, s in enumerate(sents)}
    for s in matching(sents, ENCRYPT):
        methods = [name for name, pattern in METHODS if re.search(pattern, s.text, re.I)]
        i = index[id(s)]
        previous = sents[i - 1].text if i > 0 and sents[i - 1].line == s.line else ""
        if OPTIONAL.search(s.text):
            value = "preferred"
        elif REQUIRED.search(s.text):
            value = "required"
        elif methods and OPTIONAL.search(previous) and re.search(r"veilig|secure|versleut|encrypt", previous, re.I):
            value = "preferred"  # "Would you like to report securely? Then use our PGP key."
        else:
            continue
        if stance is None or (value == "required" and stance.value != "required"):
            stance = Found.at(value, s, methods=methods)
    key = unknown()
    for s in matching(sents, KEY_SENTENCE_ANY):
        fingerprint = FINGERPRINT.search(s.text.upper()) if "sleutel" in s.text.lower() or "key" in s.text.lower() \
            or "fingerprint" in s.text.lower() else None
        urls = [u.rstrip(".,;)") for u in re.findall(r"https://[^\s<>\"']+", s.text)
                if re.search(r"\.asc\b|pgp|key|sleutel|security\.txt|wkd", u, re.I)]
        if fingerprint or urls or (KEY_SENTENCE.search(s.text) and re.search(r"pgp|security\.txt", s.text, re.I)):
            extra: dict[str, str | bool] = {}
            if fingerprint:
                extra["fingerprint"] = re.sub(r"\s", "", fingerprint.group(0))
            if urls:
                extra["url"] = urls[0]
            if re.search(r"security\.txt", s.text, re.I):
                extra["security_txt"] = True
            key = Found.at("mentioned", s, **extra)
            if fingerprint or urls:
                break
    return stance or Found("not_mentioned"), key


def find_shares(sents: list[Sentence]) -> list[Found]:
    out: dict[str, Found] = {}
    for s in matching(sents, SHARE_VERB):
        for name, pattern in PARTIES:
            if re.search(pattern, s.text) and name not in out:
                conditional = bool(re.search(r"afhankelijk|indien nodig|if necessary|depending|eventueel|kan ",
                                             s.text, re.I))
                out[name] = Found.at(name, s, always=not conditional)
    return list(out.values())


def find_anonymous(sents: list[Sentence]) -> tuple[Found, Found]:
    anonymous, pseudonym = unknown(), unknown()
    for s in matching(sents, ANY_ANON):
        if not anonymous.known:
            if ANON_NO.search(s.text):
                anonymous = Found.at("not_allowed", s)
            elif ANON_YES.search(s.text):
                anonymous = Found.at("allowed", s)
        if not pseudonym.known and PSEUDO.search(s.text):
            pseudonym = Found.at("not_allowed" if NEGATION.search(s.text) else "allowed", s)
    return anonymous, pseudonym


def find_forbidden(sents: list[Sentence]) -> list[Found]:
    out: dict[str, Found] = {}
    for tag, pattern in FORBIDDEN:
        hits = matching(sents, pattern, re.I)
        if hits:
            out[tag] = Found.at(tag, hits[0])
    return sorted(out.values(), key=lambda f: f.line or 0)


def find_publication(sents: list[Sentence]) -> Found:
    for s in matching(sents, ANY_PUB):
        if PUB_AGREE.search(s.text):
            return Found.at("by_agreement", s)
        if PUB_PERMISSION.search(s.text) and re.search(r"publ|openbaar|disclos|public", s.text, re.I):
            days = _PUB_DAYS.search(s.text)
            return Found.at("with_permission", s, **({"days_after_fix": int(days.group(1))} if days else {}))
        if PUB_FIXED.search(s.text):
            return Found.at("not_before_fixed", s)
    return unknown()


def find_language(text: str) -> Found:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    nl = sum(w in NL_WORDS for w in words)
    en = sum(w in EN_WORDS for w in words)
    if nl + en < 5:
        return unknown()
    value = "nl" if nl >= 2 * en else "en" if en >= 2 * nl else "mixed"
    return Found(value, f"{nl} Dutch and {en} English function words", None)
