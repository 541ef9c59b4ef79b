"""Python-Markdown's patterns run only where they can match (issue #15 item 4).

Python-Markdown's ``InlineProcessor`` (the ``inline`` tree processor) tries every inline
pattern, in order, on every piece of text of a document: ~15 regular-expression scans of
each paragraph, most of which find nothing (~45 % of a brief's conversion); its block
parser searches every block with each block processor's expression before the block is
found to be a paragraph (~15 %). A pattern whose every match contains a given character
cannot match a text without it. So:

- ``SkippingInlineProcessor`` is Python-Markdown's own but for one test: before a
  pattern is first tried on a text, does the text hold one of the strings every match of
  it holds (NEEDS)? If not, it moves on to the next pattern, as the stock loop does after
  a pattern that found nothing. Every pattern that can match runs as stock, in the same
  order, from the same place; the escape pattern's matches (``\\.`` ends every sentence
  the builder writes) are made in one ``sub`` with the same stash calls in the same order
  as the stock loop's one by one. The tree, its stashes and their numbering are stock's.
- ``Guarded`` wraps a block processor's (or fenced_code's) compiled expression: its
  ``search``/``match`` answer None at once for a block lacking what a match needs, else
  are the expression's (BLOCK_NEEDS, PRE_NEEDS).

The strings are read off Python-Markdown 3.11's own patterns, named by class and by the
very expression (and flags); any other (another extension's, another version's) is
always tried, as stock: no document is declined, each pattern is. Installed on the
parsers site/blog_speed.Parsers makes (seam ``markdown-inline``: the InlineProcessor
source whose loop is mirrored is pinned by hash). Checked: bench/md11_equal.py (every
post of the 10k corpus converted both ways), tests/site/test_md11_markdown.py.
"""

from __future__ import annotations

import re

from markdown import blockprocessors as bp
from markdown import inlinepatterns as ip
from markdown import treeprocessors, util
from markdown.extensions import fenced_code

# (pattern class, its regular expression) -> strings one of which every match contains.
NEEDS: dict[tuple[type, str], tuple[str, ...]] = {
    (ip.BacktickInlineProcessor, ip.BACKTICK_RE): ("`",),  # both branches: a backtick (or lookahead one)
    (ip.EscapeInlineProcessor, ip.ESCAPE_RE): ("\\",),
    (ip.ReferenceInlineProcessor, ip.REFERENCE_RE): ("[",),
    (ip.LinkInlineProcessor, ip.LINK_RE): ("[",),
    (ip.ImageInlineProcessor, ip.IMAGE_LINK_RE): ("![",),
    (ip.ImageReferenceInlineProcessor, ip.IMAGE_REFERENCE_RE): ("![",),
    (ip.ShortReferenceInlineProcessor, ip.REFERENCE_RE): ("[",),
    (ip.ShortImageReferenceInlineProcessor, ip.IMAGE_REFERENCE_RE): ("![",),
    (ip.AutolinkInlineProcessor, ip.AUTOLINK_RE): ("<",),
    (ip.AutomailInlineProcessor, ip.AUTOMAIL_RE): ("<",),
    (ip.SubstituteTagInlineProcessor, ip.LINE_BREAK_RE): ("  \n",),
    (ip.HtmlInlineProcessor, ip.HTML_RE): ("<",),
    (ip.HtmlInlineProcessor, ip.ENTITY_RE): ("&",),
}


def needs(pattern) -> tuple[str, ...] | None:
    """What every match of this pattern contains (one of), or None: try it always."""
    kind = type(pattern)
    if kind is ip.DelimiterProcessor:
        # Its expression is its tokens, escaped and joined by "|" (DelimiterProcessor.add).
        tokens = tuple(pattern.tokens)
        expected = "|".join(re.escape(t) for t in tokens)
        return tokens if tokens and all(tokens) and pattern.pattern == expected else None
    return NEEDS.get((kind, getattr(pattern, "pattern", None)))


def _plain_escape(pattern) -> bool:
    """Python-Markdown's own escape pattern: its handleMatch gives a string or declines,
    looking at the match alone; no ancestor excludes it."""
    return (type(pattern) is ip.EscapeInlineProcessor and pattern.pattern == ip.ESCAPE_RE
            and not pattern.ANCESTOR_EXCLUDES)


class SkippingInlineProcessor(treeprocessors.InlineProcessor):
    """``InlineProcessor`` that does not try a pattern on a text that lacks what each of
    its matches contains (see the module's docstring)."""

    def run(self, tree, ancestors=None):
        self._patterns = patterns = list(self.inlinePatterns)
        self._needs = [needs(p) for p in patterns]
        self._escape = next((i for i, p in enumerate(patterns) if _plain_escape(p)), -1)
        return super().run(tree, ancestors)

    def _escapes(self, pattern, data: str) -> str:
        """What the stock loop makes of ``data`` with the escape pattern, in one pass: it
        stashes each escaped character (a string) in order and goes on after the match, so
        its matches are those of one ``sub``, each replaced by its stash's placeholder (or
        left, where ``handleMatch`` declines a character)."""
        stash = self._InlineProcessor__stashNode
        kind = pattern.type()

        def one(m):
            node, _, _ = pattern.handleMatch(m, data)
            return m.group(0) if node is None else stash(node, kind)

        return pattern.getCompiledRegExp().sub(one, data)

    # The stock __handleInline (name-mangled: InlineProcessor's own calls reach this one)
    # with one test before a pattern is first tried on the text.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if not isinstance(data, util.AtomicString):
            apply = self._InlineProcessor__applyPattern
            patterns, needed = self._patterns, self._needs
            startIndex = 0
            count = len(patterns)
            while patternIndex < count:
                need = needed[patternIndex]
                # (startIndex is 0 whenever a pattern is first tried: stock resets it there)
                if need is not None and startIndex == 0:
                    for s in need:
                        if s in data:
                            break
                    else:
                        patternIndex += 1
                        continue
                    if patternIndex == self._escape:
                        data = self._escapes(patterns[patternIndex], data)
                        patternIndex += 1
                        continue
                data, matched, startIndex = apply(patterns[patternIndex], data, patternIndex, startIndex)
                if not matched:
                    patternIndex += 1
        return data


# Block processors: (class, attribute, its expression, flags) -> strings one of which
# every match contains. These expressions are searched in every block the parser meets
# (a paragraph is tested by each processor before it is found to be one): the guard
# answers "no match" at once where the block lacks what a match needs, else asks the
# expression itself. The tests around them (a sibling admonition, details) run as stock.
_ADMONITION = r'(?:^|\n)!!! ?([\w\-]+(?: +[\w\-]+)*)(?: +"(.*?)")? *(?:\n|$)'
_DETAILS = r'(?:^|\n)\?{3}(\+)? ?(?:([\w\-]+(?: +[\w\-]+)*?)?(?: +"(.*?)")|([\w\-]+(?: +[\w\-]+)*?)) *(?:\n|$)'
BLOCK_NEEDS: dict[tuple[str, str, str, int], tuple[str, ...]] = {
    ("markdown.blockprocessors.HashHeaderProcessor", "RE",
     r'(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)', re.U): ("#",),
    ("markdown.blockprocessors.SetextHeaderProcessor", "RE",
     r'^.*?\n(?:=+|-+)[ ]*(\n|$)', re.M | re.U): ("\n=", "\n-"),
    ("markdown.blockprocessors.HRProcessor", "SEARCH_RE", bp.HRProcessor.RE, re.M | re.U): ("-", "_", "*"),
    ("markdown.blockprocessors.BlockQuoteProcessor", "RE", r'(^|\n)[ ]{0,3}>[ ]?(.*)', re.U): (">",),
    ("markdown.blockprocessors.ReferenceProcessor", "RE",
     r'^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$',
     re.M | re.U): ("]:",),
    ("markdown.extensions.admonition.AdmonitionProcessor", "RE", _ADMONITION, re.U): ("!!!",),
    ("pymdownx.details.DetailsProcessor", "START", _DETAILS, re.U): ("???",),
}
# The same for preprocessors (run once over the whole document): fenced_code's search for
# a fence.
PRE_NEEDS: dict[tuple[str, str, str, int], tuple[str, ...]] = {
    ("markdown.extensions.fenced_code.FencedBlockPreprocessor", "FENCED_BLOCK_RE",
     fenced_code.FencedBlockPreprocessor.FENCED_BLOCK_RE.pattern, re.M | re.S | re.X | re.U): ("```", "~~~"),
}


class Guarded:
    """A compiled expression whose ``search`` and ``match`` answer None at once for a
    string holding none of ``needs`` (no match can be found there); all else is the
    expression's."""

    __slots__ = ("_needs", "_re")

    def __init__(self, regex: re.Pattern, needs: tuple[str, ...]):
        self._re, self._needs = regex, needs

    def search(self, string, *args):
        for s in self._needs:
            if s in string:
                return self._re.search(string, *args)
        return None

    def match(self, string, *args):
        for s in self._needs:
            if s in string:
                return self._re.match(string, *args)
        return None

    def __getattr__(self, name):
        return getattr(self._re, name)


def guard_blocks(md) -> int:
    """Guard the expressions of the parser's block processors and preprocessors that
    BLOCK_NEEDS and PRE_NEEDS know (the very class, attribute, expression and flags);
    returns how many were guarded."""
    done = 0
    for proc, table in [*((p, BLOCK_NEEDS) for p in md.parser.blockprocessors),
                        *((p, PRE_NEEDS) for p in md.preprocessors)]:
        kind = type(proc)
        for (name, attr, pattern, flags), need in table.items():
            if f"{kind.__module__}.{kind.__qualname__}" != name:
                continue
            regex = getattr(proc, attr, None)
            if isinstance(regex, Guarded):
                done += 1
            elif isinstance(regex, re.Pattern) and regex.pattern == pattern and regex.flags == flags:
                setattr(proc, attr, Guarded(regex, need))
                done += 1
    return done


def install(md) -> bool:
    """Replace the parser's ``inline`` tree processor by the skipping one (same priority)
    and guard its block processors' expressions. False (the inline processor left as it
    is) if it is not Python-Markdown's own."""
    guard_blocks(md)
    tp = md.treeprocessors
    if "inline" not in tp:
        return False
    current = tp["inline"]
    if type(current) is SkippingInlineProcessor:
        return True
    if type(current) is not treeprocessors.InlineProcessor or current.inlinePatterns is not md.inlinePatterns:
        return False
    priority = next(p.priority for p in tp._priority if p.name == "inline")
    tp.register(SkippingInlineProcessor(md), "inline", priority)
    return True
