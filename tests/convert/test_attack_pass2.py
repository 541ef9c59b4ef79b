"""Issue 11, second attack pass: input readers and the conversion, with inputs beyond the
hostile corpus (encodings, characters that XML forbids, special files, races)."""

from __future__ import annotations

from builder.pipeline import process
from builder.read import read_bytes
from builder.rules import load_rules

RULES = load_rules()


def brief(title: str = "A plain title for this brief", body: str = "A plain paragraph of the brief "
          "with enough words in it to be a real sentence of an article.") -> str:
    return "\n".join(["9_-1-7", "", title, "", "May 13, 2025", "", "Summary", "",
                      "A first paragraph that sets the scene for the content below in this brief.", "",
                      body, "", "", "The content is provided by Test Author, Evil Wire", ""])


# --- noncharacters: U+FFFE and U+FFFF are not allowed in XML 1.0 (feed.xml) -----------

def test_noncharacters_are_removed_at_read():
    nonchars = "\ufffe\uffff\ufdd0\ufdef"
    out = process(brief(title=f"Title{nonchars} with ]]> in it", body=f"Body {nonchars}text of the brief "
                        "with enough words in it to be a real sentence.").encode(), "n.txt", RULES)
    a = out.article
    assert a is not None, out.error
    assert a.title == "Title with ]]> in it"
    text = "\n".join(p for s in a.sections for p in s.paragraphs)
    assert "Body text of the brief" in text
    assert not any(c in text + a.title for c in nonchars)
    assert a.dump.repairs[0].startswith("8 invisible")


def test_noncharacters_removed_in_cp1252_and_utf16_too():
    text = brief(title="Caf\u00e9 \ufffe title")
    dump = read_bytes(b"\xff\xfe" + text.encode("utf-16-le"), "u.txt")
    assert "\ufffe" not in "\n".join(line.text for line in dump.lines)
