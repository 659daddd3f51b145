"""Local state: record, drafts, key pins, outbox. Files 0600 in 0700 folders, written atomically."""
