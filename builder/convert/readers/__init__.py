"""Readers: each turns one kind of dump (the family, a whole page's text, HTML) into the same
builder.model.Article; context.py holds what the other dumps of a source tell (repetition)."""
