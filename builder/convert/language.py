"""Facts about the language of news copy that several stages share, kept in one place:
the names of months and weekdays (dates read them, tags must not take them for names),
and how many words make a line a sentence of the article (the byline search stops at
one, a footer line keeps it as content, learning never takes it for chrome)."""

from __future__ import annotations

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
MONTH_ABBREVIATIONS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                       "dec")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_ABBREVIATIONS = ("mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun")

# A line of fewer words is never a sentence of the article (a byline, a share button, a
# heading); one of at least SENTENCE_WORDS is one however it ends.
MIN_SENTENCE_WORDS = 12
SENTENCE_WORDS = 25
_CLOSERS = "”\"’»)"


def is_sentence(text: str) -> bool:
    """A line that reads as a sentence of the article: long, or long enough and ending
    like a sentence (closing quotes and brackets aside)."""
    n = len(text.split())
    return n >= SENTENCE_WORDS or (n >= MIN_SENTENCE_WORDS and text.rstrip(_CLOSERS).endswith((".", "!", "?", "…")))
