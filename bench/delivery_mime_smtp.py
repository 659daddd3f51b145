#!/usr/bin/env python3
"""Delivery with 2 MB of evidence: where the time goes, against named baselines measured here.

    python bench/delivery_mime_smtp.py [--reps 5]

- MIME build (build_inner + build_encrypted, encrypt excluded) vs the baseline
  ``base64.encodebytes`` of the same evidence (the cost no PGP/MIME message can avoid);
- encryption with gpg (stand-in for the app's encryption module; pgpy is much slower: its armor
  computes CRC-24 bit by bit in Python, ``Armorable.crc24`` in PGPy's pgpy/types.py), for scale only;
- delivery.smtp.send (STARTTLS, AUTH, DATA to aiosmtpd on loopback) vs the baseline of plain
  smtplib doing the same STARTTLS + AUTH + sendmail with the same bytes.

Prints medians and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import base64
import os
import smtplib
import ssl
import statistics
import sys
import tempfile
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
warnings.simplefilter("ignore")

from cvd_reporter.core import mime  # noqa: E402
from cvd_reporter.delivery import smtp as smtp_delivery  # noqa: E402
from cvd_reporter.net.tls import make_ssl_context  # noqa: E402
from cvd_reporter.settings import ConnectTo, Settings  # noqa: E402
from tests.servers.gpg import GnuPG  # noqa: E402
from tests.servers.pki import make_pki  # noqa: E402
from tests.servers.smtp import PASSWORD, USER, LocalSMTP  # noqa: E402

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=timezone.utc)
REPORT_ID = "0f8e2c1a-5b7d-4e3f-9a21-6c4d8b2e7f10"


def median_time(fn, reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    reps = parser.parse_args().reps
    blob = os.urandom(2 * 1024 * 1024)
    attachments = [("dump.bin", blob, "application/octet-stream")]
    mid = mime.message_id_for(REPORT_ID, "reporter.test")
    text = "Titel: XSS\n" + "Beschrijving van de kwetsbaarheid.\n" * 200
    fake_armor = b"-----BEGIN PGP MESSAGE-----\n\n" + base64.encodebytes(b"\0" * 64) + b"-----END PGP MESSAGE-----\n"

    def build(encrypt=lambda data: fake_armor) -> bytes:
        inner = mime.build_inner(report_text=text, subject="Melding", from_addr="a@reporter.test",
                                 to_addr="security@gemeente.test", message_id=mid, date=NOW,
                                 attachments=attachments, reporter_key=None, lang="nl")
        return mime.build_encrypted(inner, encrypt=encrypt, from_addr="a@reporter.test",
                                    to_addr="security@gemeente.test", message_id=mid, date=NOW, report_id=REPORT_ID)

    t_b64 = median_time(lambda: base64.encodebytes(blob), reps)
    t_mime = median_time(build, reps)
    print(f"2 MiB evidence, median of {reps}")
    print(f"  baseline base64.encodebytes      {t_b64 * 1000:8.1f} ms")
    print(f"  MIME build (encrypt excluded)    {t_mime * 1000:8.1f} ms   = {t_mime / t_b64:5.1f} x baseline")

    gpg = GnuPG()
    try:
        fpr = gpg.gen("Bench <security@gemeente.test>")
        encrypt = lambda data: gpg.gpg("--trust-model", "always", "-e", "-a", "-r", fpr, input=data)  # noqa: E731
        t_full = median_time(lambda: build(encrypt), reps)
        wire = build(encrypt)
        print(f"  MIME build + gpg encryption      {t_full * 1000:8.1f} ms   "
              f"(gpg share {(t_full - t_mime) * 1000:.1f} ms;"
              f" message {len(wire) / 1e6:.2f} MB)")
    finally:
        gpg.close()

    with tempfile.TemporaryDirectory() as tmp:
        pki = make_pki(Path(tmp))
        with LocalSMTP(pki.chain, pki.key) as server:
            settings = Settings(ca_bundle=pki.ca_pem, timeout=10, smtp_host="smtp.gemeente.test", smtp_user=USER,
                                connect_to=(ConnectTo("smtp.gemeente.test", 587, "127.0.0.1", server.port),))
            ctx = ssl.create_default_context(cafile=pki.ca_pem)

            def plain_smtplib() -> None:
                with smtplib.SMTP("127.0.0.1", server.port, timeout=10, local_hostname="bench") as s:
                    s.starttls(context=ctx)
                    s.login(USER, PASSWORD)
                    s.sendmail("a@reporter.test", ["security@gemeente.test"], wire)

            def ours() -> None:
                smtp_delivery.send(wire, settings=settings, password=PASSWORD, mail_from="a@reporter.test",
                                   rcpt_to=["security@gemeente.test"])

            # (plain smtplib verifies against the name 127.0.0.1, which the test certificate carries)
            t_plain = median_time(plain_smtplib, reps)
            t_ours = median_time(ours, reps)
            t_ctx = median_time(lambda: make_ssl_context(pki.ca_pem), reps)
    print(f"  baseline smtplib STARTTLS+AUTH   {t_plain * 1000:8.1f} ms")
    print(f"  delivery.smtp.send               {t_ours * 1000:8.1f} ms   = {t_ours / t_plain:5.2f} x baseline"
          f" (of which {t_ctx * 1000:.1f} ms loading the trust store, which the baseline does once outside)")
    print(f"  build + gpg + SMTP               {(t_full + t_ours) * 1000:8.1f} ms (discovery not included)")


if __name__ == "__main__":
    main()
