"""A whole municipality on loopback, to learn and demo the flow offline (`cvd-reporter practice`).

Everything is made fresh for each run and trusted by this process only: a one-off CA, an HTTPS site
with a signed security.txt, the organisation's OpenPGP key on WKD, a DNS server and an SMTP server
that accepts the report. Nothing leaves the machine.
"""
