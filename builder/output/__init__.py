"""Output: what a run writes (pages, authors file, index) and the conversion cache."""
