"""Loopback websites of organisations without a (usable) security.txt, for the contact search tests.

The pages are written for these tests, in our own words, modelled on how Dutch municipalities publish
their CVD pages: a link in the footer of the home page, a page at a well-known path, an address on a
shared service's domain. All names and addresses are invented (`.test` / `.example`).
"""

from __future__ import annotations

from tests.servers.https import Response

HTML = "text/html; charset=utf-8"


def home_page(*links: tuple[str, str], filler: int = 12) -> Response:
    """A municipal home page: navigation, some news, and the given (href, text) links in the footer."""
    nav = "".join(f'<li><a href="/onderwerp-{i}">Onderwerp {i}</a></li>' for i in range(filler))
    foot = " ".join(f'<a href="{href}">{text}</a>' for href, text in links)
    return Response(200, f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<title>Gemeente Voorbeeld</title></head><body>
<header><nav><ul>{nav}</ul></nav></header>
<main><h1>Welkom bij de gemeente</h1><p>Vraag een paspoort aan of meld een kapotte lantaarnpaal.
Mail ons via info@gemeente.test.</p></main>
<footer><a href="/privacy">Privacy</a> <a href="/cookies">Cookies</a> {foot}</footer>
</body></html>""", HTML)


def policy_page(address: str, *, title: str = "Kwetsbaarheid melden", extra: str = "") -> Response:
    """A Dutch CVD page that names ``address`` as where reports go (3 working days, a subject)."""
    return Response(200, f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title}</title>
</head><body><nav><a href="/">Home</a> <a href="mailto:info@gemeente.test">Contact</a></nav>
<main><h1>{title}</h1>
<p>Vindt u een zwakke plek in een van onze systemen? Meld deze kwetsbaarheid dan zo snel mogelijk.</p>
<p>Stuur uw melding per e-mail naar {address}, onder vermelding van 'Melding kwetsbaarheid'.</p>
<p>Wij reageren binnen drie werkdagen op uw melding.</p>{extra}
</main><footer>Gemeente Voorbeeld</footer></body></html>""", HTML)


def form_only_page(form_url: str) -> Response:
    return Response(200, f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>CVD</title></head>
<body><main><h1>Coordinated Vulnerability Disclosure</h1>
<p>Heeft u een kwetsbaarheid gevonden? Gebruik dan het <a href="{form_url}">meldformulier</a> om het
aan ons door te geven.</p><p>U krijgt binnen vijf werkdagen een reactie.</p></main></body></html>""", HTML)


def phone_only_page(number: str) -> Response:
    return Response(200, f"""Kwetsbaarheid melden

Heeft u een zwakke plek gevonden in onze systemen? Bel dan met ons servicepunt via {number} en vraag naar
de informatiebeveiliger.

Wij nemen binnen 48 kantooruren contact met u op.
""", "text/plain; charset=utf-8")


def link_flood(count: int = 10_000) -> Response:
    """A home page with ``count`` links whose text says 'kwetsbaarheid' (all leading nowhere useful)."""
    links = "".join(f'<a href="/kwetsbaarheid-{i}">Kwetsbaarheid {i}</a>\n' for i in range(count))
    return Response(200, f"<!DOCTYPE html><html><body><footer>{links}</footer></body></html>", HTML)
