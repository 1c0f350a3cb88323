"""Names of the region, normalised once for the registration check and for batch linkage.

What is handled, and where:
- accents and ñ, case, punctuation, abbreviations with a dot ("Ma.", "Mª", "Fco.");
- particles (de, del, de la, y, da, dos) dropped, prefixes that belong to a surname kept
  joined ("San Martín" -> "sanmartin"), hyphenated compounds kept whole
  ("García-López" -> "garcialopez");
- married names: "Pérez de Gómez" gives the woman's own surname and her husband's;
- nicknames (Chuy, Pepe, Lupe, Chema, Paco) and transliterations of extra-continental names
  (Mohammed / Muhammad) replaced by one formal spelling (`variants.py`);
- Spanish sound variants and French / Haitian spellings, in the sound key (`phonetic.py`).

Swapped and dropped second surnames are a matter of comparison, not normalisation: the
linkage model compares each surname with both surnames of the other record.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

from amparo.lib.names.phonetic import sound_key
from amparo.lib.names.variants import JOINED_PREFIXES, NICKNAMES, PARTICLES, TRANSLITERATIONS
from amparo.lib.text import normalise_name

__all__ = [
    "NormalisedName",
    "comparable",
    "given_words",
    "name_keys",
    "normalise_person_name",
    "sound_key",
    "surname_words",
    "tokens",
]

_SEPARATORS = re.compile("[\\s'\u2019.,;/_()]+")  # \u2019: a typographic apostrophe


def _words(text: str) -> list[str]:
    return [w for w in _SEPARATORS.split(normalise_name(text)) if w]


def _formal(word: str) -> list[str]:
    word = TRANSLITERATIONS.get(word, word)
    return NICKNAMES.get(word, word).split()


def given_words(text: str) -> list[str]:
    """Given names: nicknames expanded, particles dropped ('Ma. de Jesús' -> maria, jesus)."""
    found: list[str] = []
    for word in _words(text.replace("-", " ")):
        if word not in PARTICLES:
            found.extend(_formal(word))
    return found


def surname_words(text: str) -> list[str]:
    """Surnames as whole units: particles dropped, 'San Martín' and 'García-López' joined."""
    return list(_surname_words(text))


@lru_cache(maxsize=100_000)  # registries repeat the same surnames again and again
def _surname_words(text: str) -> tuple[str, ...]:
    found: list[str] = []
    pending = ""
    for word in _words(text):
        if word in PARTICLES:
            continue
        if word in JOINED_PREFIXES:
            pending += word
            continue
        joined = pending + "".join(TRANSLITERATIONS.get(w, w) for w in word.split("-") if w)
        found.append(joined)
        pending = ""
    if pending:
        found.append(pending)
    return tuple(found)


@dataclass(frozen=True)
class NormalisedName:
    """A person's name reduced for comparison: formal given names, whole surnames."""

    given: tuple[str, ...]
    surname: str
    second_surname: str
    married_surname: str = ""

    @property
    def surnames(self) -> tuple[str, ...]:
        return tuple(s for s in (self.surname, self.second_surname, self.married_surname) if s)


def normalise_person_name(given: str, surname: str, second_surname: str = "") -> NormalisedName:
    """One normalisation for every comparison of names.

    A second surname given as 'de Gómez' (or a first surname 'Pérez de Gómez') is a married
    name: it is kept apart so that 'Pérez' alone still matches.
    """
    married = ""
    first: tuple[str, ...]
    second: tuple[str, ...]
    first, has_de, _ = _surname_field(surname)
    if has_de and len(first) == 2:  # her surname, then "de" and his
        first, married = first[:1], first[-1]
    second, _, starts_with_de = _surname_field(second_surname)
    if starts_with_de and len(second) == 1 and not married:
        married, second = second[0], ()
    return NormalisedName(
        given=tuple(given_words(given)),
        surname=first[0] if first else "",
        second_surname=" ".join((*first[1:], *second)),
        married_surname=married,
    )


@lru_cache(maxsize=100_000)
def _surname_field(text: str) -> tuple[tuple[str, ...], bool, bool]:
    """The surname words of a field, whether it holds 'de', whether it starts with it."""
    plain = normalise_name(text)
    return _surname_words(text), bool(re.search(r"\bde\s", plain)), plain.startswith("de ")


def tokens(full_name: str) -> list[str]:
    """Normalised words of a whole name, particles dropped, nicknames replaced."""
    found: list[str] = []
    for word in _words(full_name.replace("-", " ")):
        if word not in PARTICLES:
            found.extend(_formal(word))
    return found


def name_keys(full_name: str) -> set[str]:
    """Blocking keys for the registration check, selective enough for a million persons.

    One key per unordered pair of name words, by sound ('w:') and by the first three letters
    of the sound ('q:', for a typo later in a word): any two words written alike find the
    person, whatever their order, with a surname missing or another word misspelled. A name
    of one word gets that word's key alone.
    """
    words = sorted({key for key in (sound_key(w) for w in tokens(full_name)) if len(key) >= 2})
    if len(words) == 1:
        return {f"s:{words[0]}"}
    keys: set[str] = set()
    for one, other in combinations(words, 2):
        keys.add(f"w:{one}|{other}")
        keys.add("q:" + "|".join(sorted((one[:3], other[:3]))))
    return keys


def comparable(full_name: str) -> str:
    """The name reduced for similarity scoring: sound keys of its words, in order."""
    return " ".join(sound_key(w) for w in tokens(full_name))
