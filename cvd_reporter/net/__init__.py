"""Network edges: one HTTPS fetcher (net.http), one resolver factory (net.dns), discovery on top."""
