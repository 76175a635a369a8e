"""Messy Canadian mentions with ground truth, for the linkage benchmark.

    .venv/bin/python bench/generate_mentions.py --mentions 100000 --out mentions.csv \
        --truth truth.csv [--seed 42]

Writes the `harbour link` interchange format (mention_id,case_id,org,role,name,
phone,address) and a truth file (mention_id,true_entity). The data are fictional:
entities are drawn first (employers, recruiters, housing, worksites,
transporters), then cases, each naming one employer and, often, a recruiter,
housing, a worksite and a transporter. Pools are shared across employers, so one
recruiter or one house turns up under many employers, as in real networks.

Each mention renders its entity the way people type it:
- employers: numbered companies ("1234567 Ontario Inc.", "9123-4567 Québec inc."),
  legal suffixes in English and French and their variants (Inc./Incorporated/Ltée/
  Limitée/Inc./Ltée), `&` / and / et, an operating name instead of the numbered
  legal name (15 % of numbered-company mentions), case, dropped accents;
- people: "Last, First", nicknames (Bob / Robert, Paco / Francisco), an initial,
  a second surname dropped, accents dropped;
- phones in ten formats; 8 % of employers, recruiters and transporters use a
  second number in about a third of their mentions (with `1-`, `+1`, dots, spaces, parentheses, an
  extension), or missing;
- addresses with units in every common form, street types in English or French,
  directions, postal codes with or without the space, provinces by name or
  abbreviation in English or French, or missing;
- typos: one edit (substitution, deletion, transposition) in 6 % of names and 4 %
  of street names.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from dataclasses import dataclass
from pathlib import Path

GIVEN = {
    "Robert": ["Bob", "Rob", "Bobby"],
    "William": ["Bill", "Will"],
    "Michael": ["Mike"],
    "James": ["Jim", "Jimmy"],
    "Joseph": ["Joe"],
    "Thomas": ["Tom"],
    "David": ["Dave"],
    "Daniel": ["Dan", "Danny"],
    "Richard": ["Rick", "Rich"],
    "Anthony": ["Tony"],
    "Elizabeth": ["Liz", "Beth"],
    "Margaret": ["Maggie", "Peggy"],
    "Katherine": ["Kate", "Kathy"],
    "Patricia": ["Patty", "Trish"],
    "Francisco": ["Paco", "Pancho"],
    "José": ["Pepe"],
    "Jesús": ["Chuy"],
    "Guadalupe": ["Lupe"],
    "Ignacio": ["Nacho"],
    "Guillermo": ["Memo"],
    "Eduardo": ["Lalo"],
    "Antonio": ["Toño"],
    "Enrique": ["Quique"],
    "Manuel": ["Manolo"],
    "Dolores": ["Lola"],
    "Rosario": ["Charo"],
    "María": [],
    "Juan": [],
    "Carlos": [],
    "Luis": [],
    "Miguel": [],
    "Ana": [],
    "Sofía": [],
    "Lucía": [],
    "Rosa": [],
    "Pedro": [],
    "Jorge": [],
    "Andrés": [],
    "Ramón": [],
    "Raúl": [],
    "Héctor": [],
    "Óscar": [],
    "Julián": [],
    "Inés": [],
    "Beatriz": [],
    "Marisol": [],
    "Jean": [],
    "François": [],
    "Jean-François": ["JF"],
    "Jean-Pierre": ["JP"],
    "Marc": [],
    "Luc": [],
    "Amélie": [],
    "Geneviève": [],
    "Hélène": [],
    "Sébastien": [],
    "Stéphane": [],
    "Mélanie": [],
    "Nathalie": [],
    "Éric": [],
    "René": [],
    "Gaétan": [],
    "Josée": [],
    "Rodel": [],
    "Jericho": [],
    "Maricel": [],
    "Rowena": [],
    "Arnel": [],
    "Jennalyn": [],
    "Delroy": [],
    "Everton": [],
    "Marlon": [],
    "Shanice": [],
    "Tafari": [],
    "Kemar": [],
    "Priya": [],
    "Rajesh": [],
    "Harpreet": [],
    "Gurpreet": [],
    "Sandeep": [],
    "Anjali": [],
    "Nguyen": [],
    "Thi": [],
    "Minh": [],
    "Oksana": [],
    "Dmytro": [],
    "Olena": [],
}
_SURNAMES_TEXT = """
García López Martínez Hernández González Rodríguez Pérez Sánchez Ramírez Torres Flores Rivera
Gómez Díaz Cruz Morales Reyes Gutiérrez Ortiz Chávez Ramos Ruiz Jiménez Mendoza Álvarez
Castillo Romero Herrera Medina Aguilar Vargas Castro Guzmán Fernández Muñoz Rojas Tremblay
Gagnon Roy Côté Bouchard Gauthier Morin Lavoie Fortin Gagné Ouellet Pelletier Bélanger Lévesque
Bergeron Leblanc Paquette Girard Simard Boucher Caron Beaulieu Cloutier Dubé Poirier Fournier
Lapointe Leclerc Lefebvre Poulin Thibault St-Pierre Nadeau Martin Landry Desjardins Smith Brown
Wilson Campbell Stewart Anderson Taylor Thomson MacDonald Johnson Williams Jones Miller Davis
Clarke Wright Walker Robinson Thompson White Hughes Edwards Green Hall Wood Santos Reyes
Bautista Villanueva Mendoza Dela-Cruz Aquino Ramos Garcia Mercado Manalo Dizon Campbell Brown
Clarke Grant Powell Francis Morgan Gordon Henry Bailey Reid Lewis Spencer Singh Kaur Sharma
Patel Gill Sandhu Sidhu Dhillon Grewal Brar Nguyen Tran Le Pham Hoang Shevchenko Kovalenko
Bondarenko Tkachenko Kravchenko Oliynyk
"""
SURNAMES = _SURNAMES_TEXT.split()
_BUSINESS_NOUNS_TEXT = """
Farms Greenhouses Orchards Produce Packers Poultry Dairy Nurseries Vineyards Mushrooms Harvest
Growers Meats Seafood Fisheries Landscaping Construction Roofing Cleaning Janitorial Catering
Foods Bakery Restaurants Hospitality Logistics Trucking Warehousing Processing Berries Apples
Tomatoes Vegetables Sod Seeds Maple Livestock Feedlot Hogs
"""
BUSINESS_NOUNS = _BUSINESS_NOUNS_TEXT.split()
BUSINESS_FR = {
    "Farms": "Fermes",
    "Greenhouses": "Serres",
    "Orchards": "Vergers",
    "Produce": "Légumes",
    "Poultry": "Volailles",
    "Nurseries": "Pépinières",
    "Vineyards": "Vignobles",
    "Bakery": "Boulangerie",
    "Cleaning": "Entretien",
}
_ADJECTIVES_TEXT = """
Golden Sunrise Northern Prairie Lakeshore Valley Maple Riverside Green Evergreen Pine Cedar
Silver Blue Red Highland Royal Great Pacific Atlantic Western Eastern Southern Heritage Pioneer
Harvest Sunny Fresh Country Premier Summit Crystal Oak Willow Birch
"""
ADJECTIVES = _ADJECTIVES_TEXT.split()
AGENCY_WORDS = ["Staffing", "Recruitment", "Placement", "Agency", "Services", "Workforce"]
TRANSPORT_WORDS = ["Transport", "Bus Lines", "Shuttle Services", "Trucking", "Logistics"]
SUFFIXES = {
    "inc": ["Inc.", "Inc", "INC.", "Incorporated", "inc."],
    "ltd": ["Ltd.", "Ltd", "Limited", "LTD"],
    "ltee": ["Ltée", "Ltee", "Limitée", "ltée"],
    "bi": ["Inc./Ltée", "Ltd./Ltée", "Ltée/Ltd.", "Inc."],
    "corp": ["Corp.", "Corporation", "Corp"],
}
CITIES = [  # city, province code, province names, FSA letters
    ("Leamington", "ON", ["ON", "Ont.", "Ontario"], "N8H"),
    ("Kingsville", "ON", ["ON", "Ontario"], "N9Y"),
    ("Niagara-on-the-Lake", "ON", ["ON", "Ontario"], "L0S"),
    ("Brampton", "ON", ["ON", "Ont", "Ontario"], "L6P"),
    ("Toronto", "ON", ["ON", "Ontario"], "M5V"),
    ("Hamilton", "ON", ["ON", "Ontario"], "L8P"),
    ("Simcoe", "ON", ["ON", "Ontario"], "N3Y"),
    ("Bradford", "ON", ["ON", "Ontario"], "L3Z"),
    ("Montréal", "QC", ["QC", "Québec", "Quebec", "Qc", "P.Q."], "H2X"),
    ("Saint-Rémi", "QC", ["QC", "Québec", "Qué."], "J0L"),
    ("Sherbrooke", "QC", ["QC", "Québec"], "J1H"),
    ("Laval", "QC", ["QC", "Québec", "Quebec"], "H7N"),
    ("Gatineau", "QC", ["QC", "Québec"], "J8X"),
    ("Saint-Hyacinthe", "QC", ["QC", "Québec"], "J2S"),
    ("Kelowna", "BC", ["BC", "B.C.", "British Columbia", "C.-B."], "V1Y"),
    ("Abbotsford", "BC", ["BC", "British Columbia", "Colombie-Britannique"], "V2S"),
    ("Surrey", "BC", ["BC", "B.C."], "V3T"),
    ("Oliver", "BC", ["BC", "British Columbia"], "V0H"),
    ("Brooks", "AB", ["AB", "Alta.", "Alberta"], "T1R"),
    ("Calgary", "AB", ["AB", "Alberta"], "T2P"),
    ("High River", "AB", ["AB", "Alberta"], "T1V"),
    ("Brandon", "MB", ["MB", "Man.", "Manitoba"], "R7A"),
    ("Winnipeg", "MB", ["MB", "Manitoba"], "R3C"),
    ("Saskatoon", "SK", ["SK", "Sask.", "Saskatchewan"], "S7K"),
    ("Moncton", "NB", ["NB", "N.B.", "New Brunswick", "Nouveau-Brunswick"], "E1C"),
    ("Kentville", "NS", ["NS", "N.S.", "Nova Scotia", "Nouvelle-Écosse"], "B4N"),
    ("Charlottetown", "PE", ["PE", "PEI", "P.E.I.", "Prince Edward Island"], "C1A"),
    ("St. John's", "NL", ["NL", "Nfld", "Newfoundland and Labrador"], "A1C"),
]
NUMBERED_PLACES = {
    "ON": ["Ontario"],
    "QC": ["Québec", "Quebec"],
    "BC": ["B.C.", "BC"],
    "AB": ["Alberta"],
    "MB": ["Manitoba"],
    "SK": ["Saskatchewan"],
    "NB": ["New Brunswick"],
    "NS": ["Nova Scotia"],
    "PE": ["P.E.I."],
    "NL": ["Newfoundland"],
}
_STREET_NAMES_TEXT = """
Main King Queen Church Victoria Talbot Erie Mill Water Lakeshore Elm Maple Oak Pine Cedar Park
Centre Station Railway Bridge Wellington Dundas Ontario Front Hill Bay George Albert Elizabeth
Princess William Richmond Colborne Concession Seacliff Oak-Ridge Orchard Principale Saint-Jean
Notre-Dame Saint-Laurent Sherbrooke Papineau Champlain Laurier Cartier Saint-Denis Saint-Joseph
Des-Érables Dupont Lachapelle Provencher Taché Marquette Frontenac Vernon Lakeview Highland
Sunset Riverside Glenmore Crowchild Harvest Vineyard Sumac Poplar Fraser Kingsway Marine
Hastings Granville Broadway Cambie Fort Portage Pembina Regent Spadina Bathurst Yonge Bloor
College Dufferin Jane Finch Keele Weston Steeles Sheppard Finch
"""
STREET_NAMES = _STREET_NAMES_TEXT.split()
STREET_TYPES = {  # canonical: English forms, French forms (written before the name)
    "st": (["Street", "St", "St."], ["rue", "Rue"]),
    "av": (["Avenue", "Ave", "Ave.", "Av"], ["avenue", "av."]),
    "rd": (["Road", "Rd", "Rd."], ["chemin", "ch.", "Chemin"]),
    "blvd": (["Boulevard", "Blvd", "Blvd."], ["boulevard", "boul.", "Boul."]),
    "dr": (["Drive", "Dr", "Dr."], ["promenade"]),
    "cres": (["Crescent", "Cres", "Cres."], ["croissant"]),
}
DIRECTIONS = {
    "": ([""], [""]),
    "e": (["E", "East", "E."], ["Est", "E"]),
    "w": (["W", "West", "W."], ["Ouest", "O"]),
    "n": (["N", "North"], ["Nord"]),
    "s": (["S", "South"], ["Sud"]),
}
AREA_CODES = {
    "ON": ["416", "647", "905", "519", "226", "289", "613"],
    "QC": ["514", "438", "450", "819", "418", "579"],
    "BC": ["604", "778", "250"],
    "AB": ["403", "587", "780"],
    "MB": ["204", "431"],
    "SK": ["306", "639"],
    "NB": ["506"],
    "NS": ["902"],
    "PE": ["902"],
    "NL": ["709"],
}
ROLE_WEIGHTS = {"recruiter": 0.6, "housing": 0.6, "worksite": 0.45, "transporter": 0.3}
POOL_DIVISOR = {"employer": 4, "recruiter": 5, "housing": 4, "worksite": 4, "transporter": 6}


@dataclass
class Place:
    civic: int
    street: str
    kind: str
    direction: str
    city: int
    postal: str
    unit: str


@dataclass
class Entity:
    key: str
    role: str
    names: list[str]  # legal name first, then operating names
    person: tuple[str, list[str]] | None  # (given, surnames) for a person
    phone: str
    place: Place | None
    province: str
    other_phone: str = ""  # a second number some parties use


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.numbers: set[str] = set()
        self.phones: set[str] = set()

    # --- entities ---------------------------------------------------------------------

    def phone(self, province: str) -> str:
        while True:
            area = self.rng.choice(AREA_CODES[province])
            number = f"{area}{self.rng.randint(200, 999)}{self.rng.randint(0, 9999):04d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def place(self, unit_share: float) -> Place:
        rng = self.rng
        city = rng.randrange(len(CITIES))
        fsa = CITIES[city][3]
        postal = f"{fsa}{rng.randint(0, 9)}{rng.choice('ABCEGHJKLMNPRSTVWXYZ')}{rng.randint(0, 9)}"
        return Place(
            civic=rng.randint(1, 999) if rng.random() < 0.8 else rng.randint(1000, 29999),
            street=rng.choice(STREET_NAMES),
            kind=rng.choice(list(STREET_TYPES)),
            direction=rng.choice(["", "", "", "", "e", "w", "n", "s"]),
            city=city,
            postal=postal,
            unit=str(rng.randint(1, 40)) if rng.random() < unit_share else "",
        )

    def business(self, role: str, province: str) -> list[str]:
        rng = self.rng
        words = (
            AGENCY_WORDS
            if role == "recruiter"
            else (TRANSPORT_WORDS if role == "transporter" else BUSINESS_NOUNS)
        )
        noun = rng.choice(words)
        first = rng.choice(ADJECTIVES + SURNAMES)
        second = rng.choice(
            [
                "",
                rng.choice(ADJECTIVES),
                rng.choice(SURNAMES),
                rng.choice(STREET_NAMES).replace("-", " "),
            ]
        )
        joiner = rng.choice(["&", "and"]) if second and rng.random() < 0.5 else ""
        if province == "QC" and noun in BUSINESS_FR and rng.random() < 0.6:
            name = f"{rng.choice(['Les ', ''])}{BUSINESS_FR[noun]} {first}"
            if second:
                name += f" {'et' if joiner else ''} {second}"
        else:
            name = " ".join(part for part in (first, joiner, second, noun) if part)
        suffix = rng.choice(["ltee", "bi", "inc"] if province == "QC" else ["inc", "ltd", "corp"])
        operating = " ".join(name.split())
        if role == "employer" and rng.random() < 0.3:
            while True:
                number = str(rng.randint(1_000_000, 9_999_999))
                if number not in self.numbers:
                    break
            self.numbers.add(number)
            if province == "QC":
                number = f"9{number[1:4]}-{number[4:]}"
            place = rng.choice(NUMBERED_PLACES[province] + ["Canada"])
            return [f"{number} {place} {suffix}", operating]
        return [f"{operating} {suffix}"]

    def person(self) -> tuple[str, list[str]]:
        given = self.rng.choice(list(GIVEN))
        surnames = [self.rng.choice(SURNAMES)]
        if self.rng.random() < 0.5:
            surnames.append(self.rng.choice(SURNAMES))
        return given, surnames

    def entity(self, role: str, index: int) -> Entity:
        rng = self.rng
        province = CITIES[rng.randrange(len(CITIES))][1]
        person = None
        names: list[str]
        if role in ("recruiter", "transporter") and rng.random() < 0.65:
            person = self.person()
            names = [" ".join([person[0], *person[1]])]
        elif role == "housing" or (role == "worksite" and rng.random() < 0.5):
            names = [""]
        else:
            names = self.business(role, province)
        place = self.place(0.6 if role == "housing" else 0.15)
        province = CITIES[place.city][1]
        entity = Entity(
            f"{role}-{index}", role, names, person, self.phone(province), place, province
        )
        if role in ("employer", "recruiter", "transporter") and rng.random() < 0.08:
            entity.other_phone = self.phone(province)
        return entity

    # --- rendering ----------------------------------------------------------------------

    def typo(self, text: str, rate: float) -> str:
        rng = self.rng
        if len(text) < 5 or rng.random() >= rate:
            return text
        i = rng.randrange(1, len(text) - 1)
        kind = rng.randrange(3)
        if kind == 0:
            return text[:i] + rng.choice("aeioulnrst") + text[i + 1 :]
        if kind == 1:
            return text[:i] + text[i + 1 :]
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]

    def casing(self, text: str) -> str:
        draw = self.rng.random()
        if draw < 0.15:
            return text.upper()
        if draw < 0.25:
            return text.lower()
        return text

    def strip_accents(self, text: str) -> str:
        if self.rng.random() < 0.3:
            import unicodedata

            text = unicodedata.normalize("NFKD", text)
            return "".join(ch for ch in text if not unicodedata.combining(ch))
        return text

    def render_business(self, entity: Entity) -> str:
        rng = self.rng
        name = entity.names[0]
        if len(entity.names) > 1 and rng.random() < 0.15:
            name = entity.names[1]  # the operating name, no number
        words = name.split()
        if words and words[-1] in SUFFIXES:
            suffix = words.pop()
            if rng.random() < 0.8:
                words.append(rng.choice(SUFFIXES[suffix]))
        name = " ".join(words)
        draw = rng.random()
        if " & " in name and draw < 0.4:
            name = name.replace(" & ", rng.choice([" and ", " et ", "&"]))
        elif " and " in name and draw < 0.4:
            name = name.replace(" and ", " & ")
        if rng.random() < 0.2:
            name = name.replace(" ", "  ", 1).replace(".", "")
        return self.casing(self.strip_accents(self.typo(name, 0.06)))

    def render_person(self, entity: Entity) -> str:
        rng = self.rng
        assert entity.person
        given, surnames = entity.person
        if GIVEN[given] and rng.random() < 0.35:
            given = rng.choice(GIVEN[given])
        elif rng.random() < 0.08:
            given = given[0] + "."
        family = list(surnames)
        if len(family) > 1 and rng.random() < 0.4:
            family = family[:1]
        if len(family) > 1 and rng.random() < 0.5:
            family_text = "-".join(family)
        else:
            family_text = " ".join(family)
        text = (
            f"{family_text}, {given}"
            if rng.random() < 0.35 or len(family) > 1
            else f"{given} {family_text}"
        )
        return self.casing(self.strip_accents(self.typo(text, 0.06)))

    def render_phone(self, number: str) -> str:
        rng = self.rng
        a, b, c = number[:3], number[3:6], number[6:]
        formats = [
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"1-{a}-{b}-{c}",
            f"+1 {a} {b} {c}",
            f"{a}{b}{c}",
            f"+1{a}{b}{c}",
            f"{a} {b} {c}",
            f"{a}-{b}-{c} ext. {rng.randint(1, 99)}",
            f"({a}){b}{c} x{rng.randint(1, 9)}",
        ]
        return rng.choice(formats)

    def render_address(self, place: Place) -> str:
        rng = self.rng
        city, _, provinces, _ = CITIES[place.city]
        french = CITIES[place.city][1] == "QC" and rng.random() < 0.7
        english_types, french_types = STREET_TYPES[place.kind]
        english_dirs, french_dirs = DIRECTIONS[place.direction]
        street = self.typo(place.street.replace("-", rng.choice(["-", " "])), 0.04)
        if french:
            line = f"{rng.choice(french_types)} {street} {rng.choice(french_dirs)}".strip()
        else:
            line = f"{street} {rng.choice(english_types)} {rng.choice(english_dirs)}".strip()
        line = (
            f"{place.civic} {line}"
            if not french or rng.random() < 0.7
            else f"{place.civic}, {line}"
        )
        if place.unit:
            form = rng.randrange(5)
            unit = place.unit
            if form == 0:
                line = f"{unit}-{line}"
            elif form == 1:
                word = rng.choice(["Apt", "Apt.", "Unit", "Suite", "app.", "Appartement"])
                line = f"{word} {unit}, {line}"
            elif form == 2:
                line = f"{line} #{unit}"
            elif form == 3:
                line = f"{line}, {rng.choice(['apt', 'unit', 'app', 'bureau'])} {unit}"
            # form 4: the unit is left out
        parts = [line]
        if rng.random() < 0.9:
            parts.append(self.strip_accents(city))
        province = rng.choice(provinces)
        postal = place.postal
        postal = rng.choice(
            [postal[:3] + " " + postal[3:], postal, postal.lower(), postal[:3] + " " + postal[3:]]
        )
        tail = " ".join(
            p
            for p in (province if rng.random() < 0.85 else "", postal if rng.random() < 0.7 else "")
            if p
        )
        text = ", ".join([*parts, tail] if tail else parts)
        if rng.random() < 0.25:
            text = text.replace(",", "")
        return self.casing(text)

    def mention(self, entity: Entity) -> tuple[str, str, str]:
        rng = self.rng
        if entity.person:
            name = self.render_person(entity)
        elif entity.names[0]:
            name = self.render_business(entity)
        else:
            name = ""
        phone_missing = {
            "employer": 0.2,
            "recruiter": 0.1,
            "transporter": 0.2,
            "housing": 0.6,
            "worksite": 0.5,
        }[entity.role]
        address_missing = {
            "employer": 0.3,
            "recruiter": 0.7,
            "transporter": 0.7,
            "housing": 0.0,
            "worksite": 0.05,
        }[entity.role]
        number = entity.other_phone if entity.other_phone and rng.random() < 0.35 else entity.phone
        phone = "" if rng.random() < phone_missing else self.render_phone(number)
        address = (
            ""
            if rng.random() < address_missing or entity.place is None
            else self.render_address(entity.place)
        )
        if not name and not phone and not address:
            address = self.render_address(entity.place) if entity.place else ""
        if not phone and not address and rng.random() < 0.7:
            phone = self.render_phone(number)
        return name, phone, address


def generate(total: int, seed: int, out: Path, truth: Path) -> int:
    """Write about `total` mentions; returns how many were written."""
    g = Generator(seed)
    cases = max(1, round(total / (1 + sum(ROLE_WEIGHTS.values()))))
    pools: dict[str, list[Entity]] = {}
    for role, divisor in POOL_DIVISOR.items():
        share = 1.0 if role == "employer" else ROLE_WEIGHTS[role]
        size = max(1, round(cases * share / divisor))
        pools[role] = [g.entity(role, i) for i in range(size)]
    orgs = [f"org-{i}" for i in range(1, 13)]
    written = 0
    with (
        out.open("w", newline="", encoding="utf-8") as handle,
        truth.open("w", newline="", encoding="utf-8") as truth_handle,
    ):
        writer = csv.writer(handle)
        truth_writer = csv.writer(truth_handle)
        writer.writerow(["mention_id", "case_id", "org", "role", "name", "phone", "address"])
        truth_writer.writerow(["mention_id", "true_entity"])
        for case in range(cases):
            org = g.rng.choice(orgs)
            roles = ["employer"] + [r for r, w in ROLE_WEIGHTS.items() if g.rng.random() < w]
            for role in roles:
                pool = pools[role]
                # Skewed reuse: 5 % of mentions go to the first 1 % of parties ("hubs").
                hub = g.rng.random() < 0.05
                entity = pool[g.rng.randrange(max(1, len(pool) // 100) if hub else len(pool))]
                name, phone, address = g.mention(entity)
                written += 1
                mention_id = f"m{written}"
                writer.writerow([mention_id, f"c{case + 1}", org, role, name, phone, address])
                truth_writer.writerow([mention_id, entity.key])
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--truth", type=Path, required=True)
    args = parser.parse_args(argv)
    written = generate(args.mentions, args.seed, args.out, args.truth)
    print(f"wrote {written:,} mentions to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
