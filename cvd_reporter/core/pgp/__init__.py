"""OpenPGP for cvd-reporter, one module per concern. Pure: no network, no files.

- :mod:`.armor`: CRC-24, ASCII armor writing and reading (RFC 9580 §6);
- :mod:`.packets`: packet headers and lengths, signature and key packets (RFC 9580 §4, §5);
- :mod:`.cleartext`: the cleartext signature framework security.txt uses (RFC 9580 §7);
- :mod:`.verify`: one signature against one key packet, on the original bytes;
- :mod:`.certificates`: key data to certificates (pgpy parses, our framing checks);
- :mod:`.keys`: may we encrypt to this certificate at ``now``, and why (not);
- :mod:`.encrypt`: encryption and signing of a report;
- :mod:`.stream`, :mod:`.stream_armor`, :mod:`.stream_mime`: the same as a stream (partial body
  lengths, incremental armor and CRC-24, MIME bodies filled in as the evidence is read).

pgpy (the PGPym fork) stays behind certificates, keys and encrypt, so another engine can replace it.
"""
