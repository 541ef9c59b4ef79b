# ruff: noqa: E501  (the dumps are written one paragraph a line, as scrapers write them)
"""The project's own fixture dumps: `python tests/write_fixtures.py` (re)writes
tests/fixtures/NN_name.txt and, next to each, NN_name.expected.json, its answer in the
export's form (the format of ../shared/fixtures: see the README's "Tests" section).

The files are committed, so a reviewer reads exactly what the tests feed the builder;
tests/convert/test_fixtures.py checks that this script still writes the same bytes.

Each dump is written here line by line with the role of every line, and its answer is
made from those roles, never from the builder's output:

    ID      the scraper's id            -> `id`, and a removed line
    TITLE   the title                   -> `title`
    DATE    the publication date        -> `date` (ISO, given with the dump), a removed line
    BP      boilerplate                 -> must be in `removed`, never in the text
    LABEL   the highlights label        -> neither (the label of the highlights list)
    HL      a highlight bullet          -> `highlights`, without its bullet
    H       a section heading           -> a new entry of `sections`
    P       a paragraph (one a line)    -> that section's `paragraphs`
    BY      the byline                  -> `authors`/`publisher` (given with the dump), removed

A line's text is written as it should come out. The damage a real scraper does (CRLF,
a byte-order mark, Windows-1252 or UTF-16 bytes, mojibake, non-breaking and zero-width
spaces, trailing blanks) is applied when the dump is written, so the answer holds the
repaired text.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent / "fixtures"

ROLES = ("ID", "TITLE", "DATE", "BP", "LABEL", "HL", "H", "P", "BY")
WIDGETS_MUST_NOT = ["Share", "Sponsored", "Breaking News", "Featured", "Highlights", "post_author"]


@dataclass
class Fixture:
    name: str
    date: str  # ISO
    authors: list[str]
    publisher: str | None
    source: str  # "ROLE text" lines; a blank line is blank
    tags_must: list[str]
    tags_must_not: list[str] = field(default_factory=list)
    related: list[str] | None = None  # other fixtures this one must list as related, exactly
    encoding: str = "utf-8"  # utf-8, utf-8-sig, cp1252, utf-16, mojibake
    crlf: bool = False
    final_newline: bool = False
    damage: dict[str, str] = field(default_factory=dict)  # clean text -> text as the dump has it

    def lines(self) -> list[tuple[str, str]]:
        out = []
        for raw in self.source.strip("\n").split("\n"):
            if not raw.strip():
                out.append(("", ""))
                continue
            role, _, text = raw.partition(" ")
            assert role in ROLES, (self.name, raw)
            out.append((role, text))
        return out

    def text(self) -> str:
        """The dump as the scraper wrote it (before encoding)."""
        out = []
        for _, text in self.lines():
            for clean, dirty in self.damage.items():
                text = text.replace(clean, dirty)
            out.append(text)
        text = "\n".join(out) + ("\n" if self.final_newline else "")
        return text.replace("\n", "\r\n") if self.crlf else text

    def data(self) -> bytes:
        text = self.text()
        if self.encoding == "mojibake":  # UTF-8 read as Windows-1252, saved again as UTF-8
            for ch in "’‘“–—éè£":
                text = text.replace(ch, ch.encode("utf-8").decode("cp1252"))
            return text.encode("utf-8")
        return text.encode(self.encoding)

    def answer(self) -> dict:
        lines = self.lines()
        ident = next(t for r, t in lines if r == "ID")
        title = next(t for r, t in lines if r == "TITLE")
        sections: list[dict] = []
        highlights: list[str] = []
        boilerplate: list[str] = []
        for role, text in lines:
            if role in ("ID", "DATE", "BP", "BY"):
                boilerplate.append(text)
            elif role == "HL":
                highlights.append(text[2:])  # "– Label: text" -> "Label: text"
            elif role == "H":
                sections.append({"heading": text, "paragraphs": []})
            elif role == "P":
                if not sections:
                    sections.append({"heading": None, "paragraphs": []})
                sections[-1]["paragraphs"].append(text)
        out = {"status": "ok", "id": ident, "title": title, "date": self.date, "authors": self.authors,
               "publisher": self.publisher, "highlights": highlights, "sections": sections,
               "boilerplate": list(dict.fromkeys(boilerplate)), "tags_must": self.tags_must,
               "tags_must_not": self.tags_must_not}
        if self.related is not None:
            out["related"] = self.related
        return out


FERRY = Fixture(
    name="01_ferry_contract_long",
    date="2025-06-03",
    authors=["Maren Holt"],
    publisher="Harbourline Press",
    tags_must=["Skerry Ferries", "Elin Marsh", "Port Ardmore"],
    tags_must_not=[*WIDGETS_MUST_NOT, "Maren"],
    related=["13_ferry_contract_followup.txt"],
    source="""
ID 4_-1873350921-6

TITLE Islanders fear ‘lifeline’ ferry contract will cut winter sailings

DATE June 3, 2025
BP June 3, 2025

BP Islanders fear ‘lifeline’ ferry contract will cut winter sailings

BP Share

LABEL Highlights:

HL – Contract Award: Skerry Ferries won the eight-year contract to run the Port Ardmore crossing, beating the incumbent operator on price.
HL – Winter Timetable: The new timetable drops the early-morning winter sailing that commuters and hospital patients rely on.
HL – Political Pressure: Transport minister Elin Marsh said the timetable would be reviewed before the contract starts in October.

BP Explore exclusive content on island transport and public contracts below.

H Summary

P Skerry Ferries has won the contract to run the ferry between Port Ardmore and the Callan islands for the next eight years, the transport ministry announced on Tuesday, ending a 22-year run by the state-owned operator.
P Islanders welcomed the promise of two new vessels but said the timetable attached to the contract would cut the first winter sailing of the day, which leaves Callan at 6.10 a.m.
P Transport minister Elin Marsh said the timetable was “a starting point, not a final word” and that she would meet the Callan community council before the contract takes effect.

H The Contract

P The contract is worth £214 million over eight years and includes an option to extend it by two more.
P Skerry Ferries, which already runs three routes on the west coast, will lease two hybrid vessels that are being built at a yard in Gdańsk and are due to enter service in 2027.
P Until then the company will run the two ageing ships it takes over from the state operator, the Ardmore Isle and the Callan Star.
P Share prices of Skerry Ferries’ parent company rose 4 percent in early trading after the announcement.

H The Winter Timetable

P Under the new timetable, the first winter crossing from Callan would leave at 8.40 a.m., too late for patients with morning appointments at Port Ardmore’s hospital to arrive on time.
P “My dialysis starts at nine,” said Callan resident Agnes Moffat, 71. “With this timetable I would have to stay overnight on the mainland three times a week.”
P The ministry said the earlier sailing carried an average of 11 passengers in the winter months, against 140 on the first summer crossing.

H Community Reaction

P The Callan community council called an emergency meeting for Thursday evening and said it would ask the minister to make the early sailing a condition of the contract.
P Councillor Duncan Reid said the islands had been “told about our own lifeline in a press release”.
P Sponsored by the community council, a petition calling for the early sailing to stay had gathered more than 900 signatures by Tuesday night, in a community of about 1,300 people.

H What Happens Next

P Elin Marsh is due to visit Callan on Friday and will face questions from the transport committee of the regional assembly next week.
P The state operator’s 160 crew members will transfer to Skerry Ferries under the existing terms of their employment, the ministry said.
P The contract starts on October 1, when the winter timetable would also take effect.


BY The content is provided by Maren Holt, Harbourline Press

BP Maren

BP June 3, 2025
BP Breaking News
BP Sponsored
BP Featured
BP [post_author]
""",
)

FOLLOWUP = Fixture(
    name="13_ferry_contract_followup",
    date="2025-06-06",
    authors=["Maren Holt"],
    publisher="Harbourline Press",
    tags_must=["Elin Marsh", "Skerry Ferries"],
    tags_must_not=[*WIDGETS_MUST_NOT, "Maren"],
    related=["01_ferry_contract_long.txt"],
    final_newline=True,
    source="""
ID 4_-1873355012-1

TITLE Minister keeps early Callan sailing after islanders’ protest

DATE June 6, 2025

BP Share

H Summary

P Transport minister Elin Marsh has told Skerry Ferries to keep the 6.10 a.m. winter sailing from Callan, three days after the islands protested against a timetable that would have dropped it.
P Speaking at the Callan community hall on Friday, Marsh said the early crossing would be written into the contract as a condition, at an estimated cost of £1.2 million over eight years.

H Reaction

P Callan resident Agnes Moffat, who had said she would have to stay on the mainland for dialysis, called the decision “the first good news from Port Ardmore in years”.
P Skerry Ferries said it would adjust its crewing plan and that the change would not delay the arrival of its new vessels.

BY The content is provided by Maren Holt, Harbourline Press

BP Maren

BP June 6, 2025
BP Featured
""",
)

FIXTURES = [
    FERRY,
    Fixture(
        name="02_school_meals_crlf",
        date="2025-06-14",
        authors=["Tobias Renwick"],
        publisher=None,
        tags_must=["Lowfield", "Hannah Okoro"],
        tags_must_not=["Breaking News", "Featured", "Highlights", "Tobias"],
        crlf=True,
        final_newline=True,
        source="""
ID 2_-660153298-3

TITLE Lowfield schools to serve free breakfasts from September

DATE 14 June 2025

LABEL Highlights:

HL — Free Breakfasts: Every primary school in Lowfield will offer a free breakfast club from the start of the autumn term.
HL — Funding: The district will pay for the scheme from an unspent catering reserve for its first two years.

BP Discover more coverage of schools and family budgets below.

H Summary

P Lowfield district council voted on Friday to offer free breakfasts in all 23 of its primary schools from September, after a pilot in four schools cut late arrivals by almost a third.
P Council education lead Hannah Okoro said the clubs would open at 7.45 a.m. and that no family would be asked about its income.

P “Nobody learns on an empty stomach.”

H Cost

P The scheme is expected to cost about £610,000 a year, most of it for food and for extra hours for catering staff.
P Okoro said the catering reserve would cover the first two years while the council looked for a permanent source of money.

H Opposition

P Two councillors voted against, saying the reserve should be kept for repairs to school kitchens.


BY By Tobias Renwick

BP Breaking News
BP Featured
""",
    ),
    Fixture(
        name="03_museum_reopening_bom",
        date="2025-06-05",
        authors=["Lena Brandt"],
        publisher=None,
        tags_must=["Vossberg", "Clara Imhof"],
        tags_must_not=["Share", "post_author", "Lena"],
        encoding="utf-8-sig",
        source="""
ID 1_-908812374-5

TITLE @Vossberg: the “glass museum” reopens after a 40-month repair

DATE 2025-06-05

BP Share

H Summary

P The Vossberg Glass Museum reopened on Thursday after 40 months of repairs to its roof, which had let rain into two of its galleries during a storm in early 2022.
P Director Clara Imhof said all 3,800 objects had been checked and that 41 of them had been restored, most of them 19th-century drinking glasses.

H New Galleries

P The repair added a gallery for the museum’s collection of scientific glass, including a set of thermometers made in Vossberg in the 1850s.
P Entry will be free for the first month, and Clara Imhof said the museum would open late on Fridays over the summer.

H Visitors

P About 600 people queued before the doors opened at 10 a.m., and the museum said it had sold out its guided tours for June.

BY The content is provided by Lena Brandt

BP [post_author]
""",
    ),
    Fixture(
        name="04_bridge_repairs_cp1252",
        date="2025-06-12",
        authors=["Farah Siddiqui", "Colm Byrne"],
        publisher="Riverside Courier",
        tags_must=["Kellow Bridge", "Network Rail"],
        tags_must_not=[*WIDGETS_MUST_NOT, "Farah"],
        encoding="cp1252",
        source="""
ID 3_-1120478836-7

TITLE #2 on the repair list: Kellow Bridge to shut for 14 weeks

DATE Thursday, June 12, 2025

BP #2 on the repair list: Kellow Bridge to shut for 14 weeks

BP Share

LABEL Highlights:

HL • Closure: Kellow Bridge will close to all traffic from July 7 while its steel deck is replaced.
HL • Diversion: Drivers face a 9-mile diversion through Easterby; a free shuttle bus will carry pedestrians.
HL • Cost: The repair will cost £11.6m, shared by the county and Network Rail.

BP Explore exclusive content on roads and local services below.

H Summary

P Kellow Bridge, which carries the A614 over the railway and the river Kell, will close for 14 weeks from July 7 so that its corroded steel deck can be replaced, the county council said on Thursday.
P The bridge was second on the county’s list of structures needing urgent repair after an inspection in March found “significant section loss” in two of its main girders.

H The Works

P Network Rail will close the line beneath the bridge for four weekends so that cranes can lift the old deck out in sections.
P The council said the new deck would be designed to last 120 years and would include a wider footpath and a segregated cycle lane.

H Businesses

P Traders in Kellow’s market square said the closure would cost them their busiest weeks of the year.
P “We make a third of our money in the summer,” said café owner Ros Delaney. “Fourteen weeks is a whole season.”

H Diversion

P The signed diversion runs through Easterby and adds about 20 minutes to a crossing at peak times.


BY By Farah Siddiqui and Colm Byrne, Riverside Courier

BP Farah

BP June 12, 2025
BP Breaking News
BP Sponsored
BP Featured
""",
    ),
    Fixture(
        name="05_cocoa_prices_mojibake",
        date="2025-06-09",
        authors=["Kofi Asante"],
        publisher="Commodity Ledger",
        tags_must=["Ghana", "Abena Mensah"],
        tags_must_not=[*WIDGETS_MUST_NOT, "Kofi"],
        encoding="mojibake",
        source="""
ID 3_-2047719315-2

TITLE Chocolate makers’ costs climb as cocoa hits a record – again

DATE June 9, 2025 4:15 PM

BP Share

LABEL Highlights:

HL - Record Price: Cocoa futures closed above $12,000 a tonne for the first time on Monday.
HL - Weather: Dry weather in Ghana and Côte d’Ivoire cut the mid-crop harvest by about a fifth.
HL - Shelf Prices: Chocolate makers said prices in shops would rise again before the autumn.

H Summary

P Cocoa futures in New York closed at a record $12,140 a tonne on Monday, extending a rally that has more than tripled the price of the bean in 18 months.
P Traders said dry weather in Ghana and Côte d’Ivoire, which grow more than half of the world’s cocoa, had cut the mid-crop harvest by about a fifth.

H Makers

P The confectioner Delacroix et Fils said it would raise its prices by 8 percent in September, its third rise in a year.
P Its chief executive, Abena Mensah, said the company had already cut the size of some bars rather than raise prices further.
P Other makers would follow, Abena Mensah predicted, because the cost of cocoa could no longer be absorbed.

H Outlook

P Analysts said the next sign would come from the ‘main crop’ forecasts due in October – and that prices could fall sharply if the rains return.

BY The content is provided by Kofi Asante, Commodity Ledger

BP Kofi

BP June 9, 2025
BP Breaking News
BP [post_author]
""",
    ),
    Fixture(
        name="06_heatwave_ambiguous_date_whitespace",
        date="2025-06-04",
        authors=["Ines Varga"],
        publisher="Danube Evening",
        tags_must=["Szekeres", "Lake Balaton"],
        tags_must_not=["Share", "Sponsored", "Ines"],
        damage={
            "04/06/2025": "04/06/2025 ",
            "Share": "Share\u00a0\u00a0",
            "Summary": "Summary\t ",
            "at 38.4 degrees": "at 38.4\u00a0degrees",
            "The national": "\u200bThe national",
            "Ines Varga, Danube": "Ines Varga,\u00a0Danube",
            "Swimmers at": "Swimmers  at",
        },
        source="""
ID 2_-377012649-8

TITLE Heatwave: Szekeres orders shorter shifts for outdoor workers

DATE 04/06/2025
BP 04/06/2025

BP Share

LABEL Highlights:

HL * Heat Order: Outdoor work must stop between noon and 4 p.m. while the heat warning lasts.
HL * Hospitals: Emergency departments reported twice the usual number of heat-related visits.

H Summary

P Labour minister Pál Szekeres ordered employers on Wednesday to stop outdoor work between noon and 4 p.m. after temperatures in the south of the country peaked at 38.4 degrees.
P The national weather service kept its highest heat warning in force for five counties and said it expected no relief before Sunday.

H On the Lakes

P Swimmers at Lake Balaton were told to stay in the shade at midday after lifeguards treated 40 people for heat exhaustion on Tuesday, the busiest day on Lake Balaton this year.

BY The content is provided by Ines Varga, Danube Evening

BP Ines
""",
    ),
    Fixture(
        name="07_library_levy_utf16",
        date="2025-06-18",
        authors=["Rhiannon Pryce", "Dafydd Morgan"],
        publisher="Valleys Post",
        tags_must=["Aberwen", "Gwen Harries"],
        tags_must_not=[*WIDGETS_MUST_NOT, "Rhiannon"],
        encoding="utf-16",
        source="""
ID 1_-515720064-9

TITLE Aberwen libraries saved by a £4 levy – for now

DATE 18/06/2025

BP Share

H Summary

P Aberwen’s five branch libraries will stay open for at least three more years after councillors approved a £4 annual levy on every household on Wednesday.
P Council leader Gwen Harries said the levy would raise about £190,000 a year, enough to keep the branches open three days a week.

H Critics

P Opposition councillors said the levy was a tax by another name and that it would fall hardest on pensioners in Aberwen.
P Gwen Harries said the council would look again at the levy if the Welsh government increased its grant.

BY The content is provided by Rhiannon Pryce and Dafydd Morgan, Valleys Post

BP Rhiannon

BP Sponsored
""",
    ),
    Fixture(
        name="08_boil_water_hostile_markdown",
        date="2025-06-25",
        authors=["Sunita Rao"],
        publisher="Millgate Echo",
        tags_must=["Quarry Lane", "Mill Row"],
        tags_must_not=[*WIDGETS_MUST_NOT, "Sunita"],
        source="""
ID 3_-733901482-5

TITLE !Notice: ‘boil water’ order for Quarry Lane & "Mill Row" #3

DATE Wednesday, June 25, 2025

BP !Notice: ‘boil water’ order for Quarry Lane & "Mill Row" #3

BP Share

LABEL Highlights:

HL * Order: About 2,100 homes on Quarry Lane and Mill Row must boil their tap water until further notice.
HL * Cause: Tests at the Millgate reservoir found E. coli after a valve failed on Monday night.

BP Explore exclusive content on water and public health below.

H Summary

P Millgate Water told about 2,100 households on Quarry Lane and Mill Row on Wednesday to boil their tap water before drinking it, after routine tests found E. coli at the Millgate reservoir.
P # Residents queued at the depot on Quarry Lane before dawn, some carrying empty jerry cans.
P 2. Boil the water for one minute; 3. let it cool; 4. keep it covered, the leaflet says.
P > A notice taped to the depot door read: “Two packs of bottled water per household.”
P - Bottled water is limited to two packs per household at the Mill Row depot.
P * Schools on the estate will stay open, the district office confirmed.

H The Utility’s Website

P Someone posted <script>alert('water')</script> in the comment form on the utility’s website, which showed it as plain text.
P For several hours the outage map linked to [the advisory](javascript:alert(document.cookie)) instead of the notice itself.
P Its email template still showed {{ customer.first_name }} and {% if outage %} where names should have been, and <img src=x onerror=alert(7)> in the legend.

H Next Steps

P The company said it expected to lift the order on Friday if two further rounds of tests came back clear.


BY The content is provided by Sunita Rao, Millgate Echo

BP Sunita

BP June 25, 2025
BP Breaking News
BP Sponsored
BP Featured
BP [post_author]
""",
    ),
    Fixture(
        name="09_wildfire_greek",
        date="2025-07-02",
        authors=["Νίκος Παπαδάκης"],
        publisher="Αιγαίο Ειδήσεις",
        tags_must=["Λαμπράκης", "Κύμη"],
        tags_must_not=["Share", "Sponsored", "Featured", "Νίκος"],
        source="""
ID 2_-1290045713-4

TITLE Πυρκαγιά στην Κύμη: εκκενώθηκαν τρία χωριά

DATE 2 July 2025

BP Πυρκαγιά στην Κύμη: εκκενώθηκαν τρία χωριά

BP Share

LABEL Highlights:

HL – Εκκένωση: Τρία χωριά κοντά στην Κύμη εκκενώθηκαν προληπτικά την Τετάρτη.
HL – Δυνάμεις: Περισσότεροι από 200 πυροσβέστες και έξι αεροσκάφη επιχειρούν στην περιοχή.

H Περίληψη

P Πυρκαγιά που ξέσπασε το μεσημέρι της Τετάρτης σε δασική έκταση κοντά στην Κύμη οδήγησε στην εκκένωση τριών χωριών.
P Ο δήμαρχος Γιώργος Λαμπράκης δήλωσε ότι δεν υπάρχουν τραυματίες και ότι οι κάτοικοι φιλοξενούνται σε σχολεία της πόλης.
P Ο Λαμπράκης ζήτησε από τους κατοίκους να ακολουθούν τις οδηγίες της πολιτικής προστασίας.

H Οι επόμενες ώρες

P Η πυροσβεστική υπηρεσία ανέφερε ότι οι ισχυροί άνεμοι δυσκολεύουν το έργο των εναέριων μέσων.

BY The content is provided by Νίκος Παπαδάκης, Αιγαίο Ειδήσεις

BP Νίκος

BP Featured
BP Sponsored
""",
    ),
    Fixture(
        name="10_port_strike_revised",
        date="2025-06-21",
        authors=["Joost Verhagen"],
        publisher="Scheldt Daily",
        tags_must=["Dockers Union", "Marit Claes"],
        tags_must_not=["Share", "Joost"],
        source="""
ID 1_-448812765-3

TITLE Port strike called off after overnight deal on shift pay

DATE June 21, 2025

BP Share

H Summary

P The Dockers Union called off a 48-hour strike at the port on Saturday morning, hours before it was due to start, after reaching a deal on pay for night shifts.
P Union leader Marit Claes said members would vote on the deal next week.
P The port authority thanked Marit Claes and the employers for working through the night.

H The Deal

P Night-shift rates will rise by 9 percent from August, and by a further 3 percent next year.

BY The content is provided by Joost Verhagen, Scheldt Daily

BP Joost
""",
    ),
    FOLLOWUP,
]

REVISED = FIXTURES[-2]
FIRST_VERSION_TEXT = """\
1_-448812765-3

Dockers to strike for 48 hours over night-shift pay

June 20, 2025

Share

Summary

The Dockers Union said on Friday that its members would strike for 48 hours from Saturday noon after talks on pay for night shifts broke down.
Union leader Marit Claes said the port’s offer of 5 percent was “not a serious offer”.

The content is provided by Joost Verhagen, Scheldt Daily

Joost"""

# A real PNG image (8x8, grey) saved with a .txt name.
def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes([128] * 8) for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def files() -> dict[str, bytes]:
    """Every fixture file: name -> bytes."""
    out: dict[str, bytes] = {}

    def put(stem: str, data: bytes, answer: dict) -> None:
        out[f"{stem}.txt"] = data
        out[f"{stem}.expected.json"] = (json.dumps(answer, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    for f in FIXTURES:
        put(f.name, f.data(), f.answer())
    # The same id with other text and an earlier date: superseded by the revision, though
    # it comes later in path order (the later date wins, not the later file).
    put("11_port_strike_first_version", FIRST_VERSION_TEXT.encode("utf-8"),
        {"status": "superseded", "superseded_by": f"{REVISED.name}.txt", "id": "1_-448812765-3",
         "date": "2025-06-20"})
    # The same id and the same text as 01, saved by another scraper run: CRLF and a BOM.
    put("12_ferry_contract_copy", b"\xef\xbb\xbf" + FERRY.text().replace("\n", "\r\n").encode("utf-8"),
        {"status": "duplicate", "duplicate_of": f"{FERRY.name}.txt", "id": "4_-1873350921-6"})
    rejects = {
        "14_empty": (b"", "empty"),
        "15_whitespace_only": (" \t\r\n\u00a0\r\n  \n".encode(), "empty"),
        "16_binary_png": (_png(), "not text"),
        "17_no_date": ((b"5_-300918277-1\n\nHospital car park charges scrapped for night staff\n\n"
                       b"Summary\n\nNight-shift staff at Westmere General will no longer pay to park, "
                       b"the hospital trust said, after a campaign by nurses.\n\nBy Alan Pike\n"),
                       "no date"),
        "18_unreadable_date": ((b"5_-300918391-2\n\nTram extension opens to passengers\n\n31 June 2025\n\n"
                               b"Summary\n\nThe tram extension to Northgate carried its first passengers "
                               b"on Monday, two years late.\n\nBy Alan Pike\n"),
                               "unreadable date"),
        "19_id_only": (b"5_-300918502-3\n\n\n", "no title"),
    }
    for stem, (data, error) in rejects.items():
        put(stem, data, {"status": "rejected", "error_contains": error})
    return out


def main() -> None:
    HERE.mkdir(exist_ok=True)
    want = files()
    for old in HERE.glob("*"):
        if old.name not in want and re.fullmatch(r"\d\d_.*\.(txt|expected\.json)", old.name):
            old.unlink()
    for name, data in want.items():
        (HERE / name).write_bytes(data)
    print(f"wrote {len(want)} files to {HERE}")


if __name__ == "__main__":
    main()
