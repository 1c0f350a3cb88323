"""A synthetic population of the region with known duplicates, for benchmarks and tests.

Every name is drawn from Faker's word lists (es_MX, es_CO, es) and from short lists of
Haitian, Garifuna and extra-continental names below, combined at random: no real person.

How a duplicate is corrupted, each independently (probabilities in `CORRUPTIONS`):
- a name word respelled: a Spanish sound variant (b/v, s/z/c, ll/y, h, j/g, x/j, qu/k, gü/gu,
  i/y), a doubled or undoubled letter, or a typo (a letter dropped, swapped with its
  neighbour, or replaced by a neighbouring key);
- accents dropped; a nickname or abbreviation for the given name (Ma., Chuy, Pepe, Lupe);
- surnames swapped, or the second surname missing;
- birth date: day and month swapped, year off by one, or only the year known ("01-01-YYYY"),
  or missing;
- address, locality and postcode of another office (60 %);
- document number missing or retyped with one digit wrong; phone missing or reformatted
  (spaces, dashes, with or without the country code).
Duplicates per person follow a skewed distribution: most persons have none, a few have many.
"""

import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from faker import Faker

from amparo.lib import csvsafe
from amparo.lib.text import strip_accents

COLUMNS = [
    "id",
    "given_name",
    "surname",
    "second_surname",
    "sex",
    "birth_date",
    "nationality",
    "document_number",
    "phone",
    "address",
    "locality",
    "postcode",
]

HAITIAN_GIVEN = ["Jean", "Jean-Baptiste", "Pierre", "Marie", "Jean-Claude", "Rose-Marie", "Wilner",
                 "Dieudonné", "Jocelyne", "Fabiola", "Nadège", "Wisline", "Roodly", "Guerline",
                 "Ricardo", "Jacques", "Mackenson", "Louis", "Nathalie", "Esther"]  # fmt: skip
HAITIAN_SURNAMES = ["Pierre-Louis", "Jean-Baptiste", "Joseph", "Louis", "Charles", "Desir",
                    "Beauvais", "Toussaint", "Fils-Aimé", "Célestin", "Augustin", "Moïse",
                    "Dorvil", "Thermidor", "Petit-Frère", "Rousseau", "Bazile", "Jeune",
                    "Michel", "Saint-Fleur"]  # fmt: skip
GARIFUNA_SURNAMES = ["Güity", "Arzú", "Bernárdez", "Sabio", "Cacho", "Lambert", "Colón", "Lino",
                     "Palacio", "Ellington", "Castillo", "Zúñiga", "Martínez",
                     "Álvarez"]  # fmt: skip
EXTRA_GIVEN = ["Mohammed", "Ahmad", "Ibrahim", "Fatima", "Aisha", "Yusuf", "Abdul", "Omar",
               "Thanh", "Minh", "Anh", "Rajesh", "Priya", "Tesfaye", "Selam", "Mamadou",
               "Aminata", "Ousmane"]  # fmt: skip
EXTRA_SURNAMES = ["Nguyen", "Tran", "Pham", "Singh", "Kumar", "Rahman", "Hossain", "Gebre",
                  "Tekle", "Diallo", "Traoré", "Ibrahim", "Mohammed", "Ahmed", "Haidari",
                  "Sow", "Bah", "Kamara"]  # fmt: skip

# Nationality mix of the registrations in the region (share, ISO alpha-2 code, origin).
NATIONALITIES = [
    (0.22, "VE", "es"), (0.16, "HN", "es"), (0.10, "GT", "es"), (0.08, "SV", "es"),
    (0.06, "NI", "es"), (0.06, "CO", "es_co"), (0.05, "EC", "es"), (0.05, "CU", "es"),
    (0.07, "HT", "ht"), (0.03, "HN", "garifuna"), (0.04, "MX", "es_mx"), (0.02, "DO", "es"),
    (0.02, "IN", "extra"), (0.01, "BD", "extra"), (0.01, "AF", "extra"), (0.01, "SN", "extra"),
    (0.01, "ET", "extra"),
]  # fmt: skip

LOCALITIES = ["Tapachula", "Ciudad de Guatemala", "San Pedro Sula", "Tijuana", "Ciudad Juárez",
              "Panamá", "San José", "Tegucigalpa", "Esquipulas", "Ciudad Hidalgo"]  # fmt: skip

NICKNAME_OF = {
    "María": ["Ma.", "Mª", "Ma"], "José": ["Pepe", "Chepe"], "Jesús": ["Chuy", "Chucho"],
    "Guadalupe": ["Lupe", "Lupita"], "Francisco": ["Paco", "Pancho", "Fco."],
    "José María": ["Chema"], "Ignacio": ["Nacho"], "Guillermo": ["Memo"],
    "Antonio": ["Toño", "Toni"], "Eduardo": ["Lalo"], "Alberto": ["Beto"],
    "Enrique": ["Kike", "Quique"], "Rosario": ["Charo", "Chayo"], "Dolores": ["Lola"],
    "Mohammed": ["Muhammad", "Mohamed"], "Ahmad": ["Ahmed"], "Yusuf": ["Youssef"],
}  # fmt: skip

# (pattern, replacement): sound variants a clerk writes for the same spoken name.
SOUND_VARIANTS = [
    ("v", "b"), ("b", "v"), ("z", "s"), ("s", "z"), ("ce", "se"), ("ci", "si"), ("se", "ce"),
    ("ll", "y"), ("y", "ll"), ("h", ""), ("je", "ge"), ("ge", "je"), ("ji", "gi"), ("gi", "ji"),
    ("x", "j"), ("j", "x"), ("qu", "k"), ("gü", "gu"), ("i", "y"), ("y", "i"), ("ñ", "n"),
    ("rr", "r"), ("ou", "u"), ("eau", "o"), ("ph", "f"), ("c", "k"), ("que", "ke"),
]  # fmt: skip

_KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]

CORRUPTIONS = {
    "respell_given": 0.20,
    "respell_surname": 0.30,
    "nickname": 0.15,
    "drop_accents": 0.50,
    "swap_surnames": 0.12,
    "drop_second_surname": 0.15,
    "swap_day_month": 0.06,
    "year_off_by_one": 0.08,
    "approximate_birth_date": 0.08,
    "birth_date_missing": 0.04,
    "document_missing": 0.25,
    "document_retyped": 0.08,
    "phone_missing": 0.30,
    "phone_reformatted": 0.40,
    "registered_elsewhere": 0.60,
}


def _neighbour(letter: str, rng: random.Random) -> str:
    for row in _KEYBOARD:
        at = row.find(letter)
        if at >= 0:
            options = [row[i] for i in (at - 1, at + 1) if 0 <= i < len(row)]
            return rng.choice(options)
    return letter


def typo(word: str, rng: random.Random) -> str:
    """One keyboard slip: a letter dropped, swapped with the next, or a neighbouring key."""
    if len(word) < 3:
        return word
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:at] + word[at + 1 :]
    if kind == 1:
        return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    return word[:at] + _neighbour(word[at].lower(), rng) + word[at + 1 :]


def sound_variant(word: str, rng: random.Random) -> str:
    """The same spoken name written another way, or the word itself when no rule applies."""
    lower = word.lower()
    options = [(a, b) for a, b in SOUND_VARIANTS if a in lower]
    if not options:
        return word
    old, new = rng.choice(options)
    at = lower.find(old)
    changed = lower[:at] + new + lower[at + len(old) :]
    return changed[:1].upper() + changed[1:] if word[:1].isupper() else changed


def respell(word: str, rng: random.Random, *, typo_share: float = 0.25) -> str:
    """A variant spelling of a name as another office writes it: mostly sound variants or a
    doubled letter, sometimes a typo. Never returns the word unchanged when it can change."""
    for _ in range(5):
        roll = rng.random()
        if roll < typo_share:
            changed = typo(word, rng)
        elif roll < typo_share + 0.1 and len(word) > 3:
            at = rng.randrange(1, len(word))
            changed = word[:at] + word[at - 1] + word[at:]
        else:
            changed = sound_variant(word, rng)
        if strip_accents(changed).lower() != strip_accents(word).lower():
            return changed
    return word


@dataclass
class _Pools:
    given: dict[str, tuple[list[str], list[str]]]  # origin -> (female, male)
    surnames: dict[str, list[str]]


def _pools() -> _Pools:
    def provider(locale: str) -> object:
        return Faker(locale).provider("faker.providers.person")

    given: dict[str, tuple[list[str], list[str]]] = {}
    surnames: dict[str, list[str]] = {}
    for origin, locale in [("es", "es_ES"), ("es_mx", "es_MX"), ("es_co", "es_CO")]:
        p = provider(locale)
        given[origin] = (list(p.first_names_female), list(p.first_names_male))  # type: ignore[attr-defined]
        surnames[origin] = list(p.last_names)  # type: ignore[attr-defined]
    given["ht"] = (HAITIAN_GIVEN[3:], HAITIAN_GIVEN)
    surnames["ht"] = HAITIAN_SURNAMES
    given["garifuna"] = given["es"]
    surnames["garifuna"] = GARIFUNA_SURNAMES
    given["extra"] = (EXTRA_GIVEN[3:], EXTRA_GIVEN)
    surnames["extra"] = EXTRA_SURNAMES
    return _Pools(given=given, surnames=surnames)


def surname_pool() -> list[str]:
    """Every distinct surname the generator draws from (for the sound-key figures)."""
    pools = _pools()
    return sorted({s for names in pools.surnames.values() for s in names})


def _duplicates(rng: random.Random) -> int:
    """Skewed: about 70 % have no duplicate; the rest mostly 1, a few up to 8."""
    if rng.random() < 0.7:
        return 0
    return min(8, 1 + int(rng.expovariate(1.3)))


def _person(rng: random.Random, pools: _Pools) -> dict[str, str]:
    weights = [w for w, _, _ in NATIONALITIES]
    _, nationality, origin = rng.choices(NATIONALITIES, weights=weights)[0]
    sex = rng.choice(["female", "male"])
    female, male = pools.given[origin]
    names = female if sex == "female" else male
    given = rng.choice(names)
    if rng.random() < 0.35:
        given = f"{given} {rng.choice(names)}"
    birth = f"{rng.randint(1950, 2020):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    has_document = rng.random() < 0.7
    document = "".join(rng.choices(string.digits, k=rng.choice([8, 9, 10]))) if has_document else ""
    phone = (
        f"+{rng.choice(['504', '502', '503', '52', '58', '509'])}{rng.randint(10**7, 10**8 - 1)}"
    )
    return {
        "given_name": given,
        "surname": rng.choice(pools.surnames[origin]),
        "second_surname": rng.choice(pools.surnames[origin]) if origin.startswith("es") else "",
        "sex": sex,
        "birth_date": birth,
        "nationality": nationality,
        "document_number": document,
        "phone": phone if rng.random() < 0.8 else "",
        **_place(rng),
    }


def _place(rng: random.Random) -> dict[str, str]:
    """Where the person stays when registered; another office often records another place."""
    return {
        "address": f"Calle {rng.randint(1, 99)} #{rng.randint(1, 999)}",
        "locality": rng.choice(LOCALITIES),
        "postcode": f"{rng.randint(10000, 99999)}",
    }


def _corrupt_names(record: dict[str, str], rng: random.Random, happens: dict[str, bool]) -> None:
    if happens["nickname"]:
        for formal, short in NICKNAME_OF.items():
            if record["given_name"].startswith(formal):
                record["given_name"] = rng.choice(short) + record["given_name"][len(formal) :]
                break
    if happens["respell_given"]:
        words = record["given_name"].split(" ")
        at = rng.randrange(len(words))
        words[at] = respell(words[at], rng)
        record["given_name"] = " ".join(words)
    if happens["respell_surname"]:
        field = rng.choice(["surname", "second_surname"]) if record["second_surname"] else "surname"
        record[field] = respell(record[field], rng)
    if happens["swap_surnames"] and record["second_surname"]:
        record["surname"], record["second_surname"] = record["second_surname"], record["surname"]
    elif happens["drop_second_surname"]:
        record["second_surname"] = ""
    if happens["drop_accents"]:
        for name in ("given_name", "surname", "second_surname"):
            record[name] = strip_accents(record[name])


def _corrupt_dates_and_numbers(
    record: dict[str, str], rng: random.Random, happens: dict[str, bool]
) -> None:
    year, month, day = record["birth_date"].split("-")
    if happens["swap_day_month"] and int(day) <= 12:
        month, day = day, month
    if happens["year_off_by_one"]:
        year = f"{int(year) + rng.choice([-1, 1]):04d}"
    record["birth_date"] = f"{year}-{month}-{day}"
    if happens["approximate_birth_date"]:
        record["birth_date"] = f"{year}-01-01"
    if happens["birth_date_missing"]:
        record["birth_date"] = ""
    if happens["document_missing"]:
        record["document_number"] = ""
    elif happens["document_retyped"] and record["document_number"]:
        number = record["document_number"]
        at = rng.randrange(len(number))
        record["document_number"] = number[:at] + rng.choice(string.digits) + number[at + 1 :]
    if happens["phone_missing"]:
        record["phone"] = ""
    elif happens["phone_reformatted"] and record["phone"]:
        digits = record["phone"].lstrip("+")
        local = digits[-8:]
        record["phone"] = rng.choice(
            [f"{local[:4]}-{local[4:]}", f"+{digits[:-8]} {local[:4]} {local[4:]}", local]
        )


def corrupt(original: dict[str, str], rng: random.Random) -> dict[str, str]:
    """A duplicate registration of the same person, as another office might record it."""
    record = dict(original)
    happens = {name: rng.random() < share for name, share in CORRUPTIONS.items()}
    _corrupt_names(record, rng, happens)
    _corrupt_dates_and_numbers(record, rng, happens)
    if happens["registered_elsewhere"]:
        record.update(_place(rng))
    return record


def generate(count: int, *, seed: int = 0) -> Iterator[tuple[dict[str, str], int]]:
    """`count` records with their true person number, in a shuffled order of ids."""
    rng = random.Random(seed)
    pools = _pools()
    rows: list[tuple[dict[str, str], int]] = []
    person = 0
    while len(rows) < count:
        original = _person(rng, pools)
        rows.append((original, person))
        for _ in range(_duplicates(rng)):
            if len(rows) < count:
                rows.append((corrupt(original, rng), person))
        person += 1
    rng.shuffle(rows)
    for number, (record, person_number) in enumerate(rows, start=1):
        yield {"id": f"r{number:08d}", **record}, person_number


def write_population(count: int, people: TextIO, truth: TextIO, *, seed: int = 0) -> int:
    """Write PEOPLE.csv and TRUTH.csv (`id,person`); returns the number of persons."""
    people_writer = csvsafe.dict_writer(people, fieldnames=COLUMNS, lineterminator="\n")
    truth_writer = csvsafe.writer(truth, lineterminator="\n")
    people_writer.writeheader()
    truth_writer.writerow(["id", "person"])
    persons: set[int] = set()
    for record, person in generate(count, seed=seed):
        people_writer.writerow(record)
        truth_writer.writerow([record["id"], f"p{person:08d}"])
        persons.add(person)
    return len(persons)


def open_for_writing(path: str) -> TextIO:
    return Path(path).open("w", encoding="utf-8", newline="")
