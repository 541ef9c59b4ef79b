"""newsbrief: raw article dumps -> a clean news-brief archive (MkDocs + Material)."""

__version__ = "0.1.0"
