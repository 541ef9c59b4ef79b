"""Convert: the pure per-dump stages, bytes -> Outcome (read, parse, clean, enrich)."""
