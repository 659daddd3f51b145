"""Delivery channels: SMTP, HTTPS API, GitHub, outbox."""
