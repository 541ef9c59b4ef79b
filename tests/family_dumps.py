# ruff: noqa: E501  (the dumps are written one paragraph a line, as scrapers write them)
"""Dumps of the family from other desks: the variants a second scraper writes (teasers
worded otherwise, credits in every common form, date-times with zones and labels,
decorated headlines, short briefs whose names are mentioned once). Written with the
roles of tests/write_fixtures.py, so each answer comes from the roles, never from the
builder's output: `python tests/family_dumps.py` (re)writes tests/data/family/, and
tests/convert/test_family_variants.py checks the builder against every answer (and that
the committed files are what this script writes). ../shared/tools/score.py reads the
folder too."""

from __future__ import annotations

import re
from pathlib import Path

from write_fixtures import Fixture

HERE = Path(__file__).resolve().parent / "data" / "family"
WIDGETS = ["Share", "Sponsored", "Breaking News", "Featured", "Highlights"]

FAMILY = [
    Fixture(
        name="f01_teaser_find_story_for_publisher",
        date="2025-05-13",
        authors=["Harper Eastwood"],
        publisher="Scopewires",
        tags_must=["Ostrava", "Petra Novotná"],
        tags_must_not=[*WIDGETS, "Harper"],
        source="""
ID 7_-120044321-2

TITLE Ostrava steelworks to cut a third of its furnaces by winter

DATE May 13, 2025 10:42 AM EDT
BP May 13, 2025 10:42 AM EDT

BP Ostrava steelworks to cut a third of its furnaces by winter

BP Share

BP Find the full story from Scopewires below.

H Summary

P The steelworks in Ostrava will shut three of its nine blast furnaces by December, its owner said on Tuesday, blaming energy prices and cheaper imports.
P Plant director Petra Novotná said no worker would be laid off before the spring and that talks with the unions would start next week.

H Reaction

P The regional governor called the decision “a blow the region did not deserve”.

BY Harper Eastwood for Scopewires

BP Harper

BP May 13, 2025
BP Breaking News
BP Sponsored
""",
    ),
    Fixture(
        name="f02_teaser_get_more_pipe_credit",
        date="2025-05-14",
        authors=["Dana Whitcombe"],
        publisher="Capitol Ledger",
        tags_must=["Brennock", "Samuel Achterberg"],
        tags_must_not=[*WIDGETS, "Dana"],
        source="""
ID 7_-120044398-1

TITLE Brennock votes to keep its last public swimming pool open

DATE 2025-05-14T18:05:00Z

BP Share

BP Get more from the ledger below.

H Summary

P Brennock town council voted 9 to 4 on Wednesday to keep the Harbour Road baths open for three more years, reversing a plan to close them in June.
P Councillor Samuel Achterberg said the pool was the only place in the district where children could learn to swim.

H Cost

P Keeping the pool open will cost about £310,000 a year, to be met from the council’s leisure reserve.

BY Dana Whitcombe | Capitol Ledger

BP Dana

BP May 14, 2025
BP Featured
""",
    ),
    Fixture(
        name="f03_written_by_updated_label",
        date="2025-05-15",
        authors=["Ines Carvalho"],
        publisher=None,
        tags_must=["Lisbon", "Rui Matos"],
        tags_must_not=[*WIDGETS, "Ines", "Updated"],
        source="""
ID 7_-120044477-5

TITLE [UPDATED] Lisbon metro strike called off after late offer

DATE Published 15 May 2025 07:10 BST
BP Updated: May 15, 2025, 10:42 a.m.

BP Lisbon metro strike called off after late offer

BP Share

BP Read more on this story:

H Summary

P The unions representing Lisbon’s metro drivers called off Thursday’s 24-hour strike after the operator improved its pay offer overnight.
P Union spokesman Rui Matos said members would vote on the offer next week and that the overtime ban would stay in place until then.

H What Changes

P Drivers will get a 6 percent rise from July and an extra day of leave, the operator said.

BY Written by Ines Carvalho

BP Ines

BP Breaking News
""",
    ),
    Fixture(
        name="f04_reported_by_three_authors_iso",
        date="2025-05-16",
        authors=["Priya Natarajan", "Owen Fletcher", "Mei Haddad"],
        publisher="Millbrook Gazette",
        tags_must=["Tarnow Valley", "Greta Olsen"],
        tags_must_not=[*WIDGETS, "Priya", "Millbrook Gazette"],
        source="""
ID 7_-120044512-3

TITLE BREAKING: Dam inspection finds cracks above Tarnow Valley

DATE 2025-05-16 06:30:00 +0200
BP 2025-05-16

BP Dam inspection finds cracks above Tarnow Valley

BP Share

LABEL Key facts:

HL • Inspection: Divers found two cracks in the upstream face of the dam during a routine check on Thursday.
HL • Safety: The water level will be lowered by four metres as a precaution.

BP Sign up for our morning briefing here.

H Summary

P Engineers found two cracks in the upstream face of the dam above Tarnow Valley during a routine inspection, the water authority said on Friday.
P Authority chief executive Greta Olsen said there was no immediate danger and that the reservoir would be lowered while repairs are planned.

H Residents

P About 4,000 people live in the valley below the dam; none has been asked to leave.

BY Reported by Priya Natarajan, Owen Fletcher and Mei Haddad, Millbrook Gazette

BP Priya

BP May 16, 2025
BP Sponsored
BP Featured
""",
    ),
    Fixture(
        name="f05_short_brief_names_once_comma_credit",
        date="2025-05-17",
        authors=["Kwame Mensah"],
        publisher="Harbourside Times",
        tags_must=["Accra", "Ama Owusu", "Ghana"],
        tags_must_not=[*WIDGETS, "Kwame", "Saturday"],
        source="""
ID 7_-120044590-8

TITLE Accra opens its first electric bus depot

DATE Saturday, May 17, 2025

BP Share

BP Discover the latest from the coast below:

H Summary

P The city of Accra opened its first depot for electric buses on Saturday, with 40 vehicles due on the road by August.
P Ghana plans to replace a quarter of its urban bus fleet by 2030, transport minister Ama Owusu said at the opening.

BY Kwame Mensah, Harbourside Times

BP Kwame

BP May 17, 2025 10:42 AM
""",
    ),
    Fixture(
        name="f06_byline_next_to_date_decorated_title",
        date="2025-05-18",
        authors=["Felix Armitage", "Sofia Lindgren"],
        publisher="Civic Wire",
        tags_must=["Kestrel Bay", "Nora Haldane"],
        tags_must_not=[*WIDGETS, "Felix", "Breaking"],
        source="""
ID 7_-120044631-4

TITLE *Breaking* Ferry aground off Kestrel Bay, all passengers safe

DATE Sunday 18 May 2025 09:15 CEST

BY By Felix Armitage & Sofia Lindgren for Civic Wire

BP Share

H Summary

P A passenger ferry ran aground on a sandbank off Kestrel Bay early on Sunday; all 212 people on board were taken off safely by lifeboats.
P Coastguard commander Nora Haldane said the ship had lost steering in strong winds shortly after leaving port.

H Investigation

P The maritime safety board has opened an inquiry and the operator has suspended the route until Tuesday.

BP Breaking News
BP Sponsored
""",
    ),
    Fixture(
        name="f07_cyrillic_short_inflected",
        date="2025-05-19",
        authors=["Анна Соколова"],
        publisher="Сибирский спорт",
        tags_must=["Омск", "Павел Громов"],
        tags_must_not=[*WIDGETS, "Анна", "Среда", "Среду"],
        source="""
ID 7_-120044702-6

TITLE В Омске открыли новый ледовый дворец

DATE 19 May 2025

BP Share

H Главное

P Новый ледовый дворец на 6000 зрителей открылся в Омске в понедельник, строительство заняло два года.
P Директор арены Павел Громов сообщил, что первый матч пройдёт в среду, а билеты на него уже распроданы.
P Город Омск ждал новую арену с 2019 года.

BY The content is provided by Анна Соколова, Сибирский спорт

BP Анна

BP May 19, 2025
""",
    ),
    Fixture(
        name="f08_lone_numbers_and_body_datetime",
        date="2025-05-20",
        authors=["Jonas Novak"],
        publisher="Aviation Desk",
        tags_must=["Brightwater Airport", "Lena Voss"],
        tags_must_not=[*WIDGETS, "Jonas"],
        source="""
ID 7_-120044788-2

TITLE Brightwater Airport reopens its second runway

DATE Posted on May 20, 2025

BP Share

H Summary

P Brightwater Airport reopened its second runway on Tuesday after a four-month resurfacing, restoring capacity for about 30 extra flights a day.
P Operations director Lena Voss said delays caused by the works had fallen from 40 minutes at the peak to under ten.

H Numbers

P 7
P The runway is 3,200 metres long and was last resurfaced in 2009.

BY Jonas Novak for Aviation Desk

BP Jonas

BP 2025-05-20T16:30:00Z
BP 12
BP Featured
""",
    ),
]


def files() -> dict[str, bytes]:
    """Every file of tests/data/family: name -> bytes."""
    import json

    out: dict[str, bytes] = {}
    for f in FAMILY:
        out[f"{f.name}.txt"] = f.data()
        out[f"{f.name}.expected.json"] = (json.dumps(f.answer(), ensure_ascii=False, indent=2) + "\n").encode()
    return out


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    want = files()
    for old in HERE.glob("*"):
        if old.name not in want and re.fullmatch(r"f\d\d_.*\.(txt|expected\.json)", old.name):
            old.unlink()
    for name, data in want.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(want)} files to {HERE}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
