"""OpenPGP for cvd-reporter: packets, armor and encryption (pure: no network, no files)."""
