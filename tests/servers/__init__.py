"""Real servers on loopback for the tests: HTTPS (trustme CA), DNS (dnslib), SMTP (aiosmtpd), GnuPG.

Each binds port 0 (no races), is bounded in time and cleans up.
"""
