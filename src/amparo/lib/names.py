"""Name keys for search-before-create: tolerant of accents, particles, nicknames, common
Spanish and Haitian/French spelling variants, and typos at the end of a word."""

import re

from amparo.lib.text import normalise_name

PARTICLES = frozenset(
    {
        "de",
        "del",
        "la",
        "las",
        "los",
        "y",
        "e",
        "da",
        "das",
        "do",
        "dos",
        "di",
        "du",
        "le",
        "van",
        "von",
        "san",
    }
)

# Common nicknames in the region, mapped to the formal name they stand for.
NICKNAMES = {
    "pepe": "jose", "chepe": "jose", "paco": "francisco", "pancho": "francisco",
    "lupe": "guadalupe", "chucho": "jesus", "nacho": "ignacio", "memo": "guillermo",
    "tono": "antonio", "lalo": "eduardo", "beto": "alberto", "chema": "jose maria",
    "toni": "antonio", "kike": "enrique", "quique": "enrique", "charo": "rosario",
    "chelo": "consuelo", "concha": "concepcion", "lola": "dolores", "nena": "elena",
    "rafa": "rafael", "fito": "adolfo", "manolo": "manuel", "jeanjean": "jean",
}  # fmt: skip

# Spelling variants heard the same way, applied in order.
_SOUNDS = [
    (re.compile(r"ph"), "f"),
    (re.compile(r"qu(?=[ei])"), "k"),
    (re.compile(r"gu(?=[ei])"), "g"),
    (re.compile(r"c(?=[ei])"), "s"),
    (re.compile(r"ch"), "x"),
    (re.compile(r"c"), "k"),
    (re.compile(r"q"), "k"),
    (re.compile(r"z"), "s"),
    (re.compile(r"v"), "b"),
    (re.compile(r"w"), "u"),
    (re.compile(r"ll"), "y"),
    (re.compile(r"i(?=[aeou])"), "y"),  # Mariya / Maria, Yolanda / Iolanda
    (re.compile(r"eau|au"), "o"),  # French/Haitian spellings: Beauvais / Bovè
    (re.compile(r"ou"), "u"),  # Jean-Louis / Jan Lwi, Dieudonne
    (re.compile(r"^h|(?<=[^sc])h"), ""),  # silent h, but keep sh
    (re.compile(r"(.)\1+"), r"\1"),  # doubled letters
]


def tokens(full_name: str) -> list[str]:
    """Normalised words of a name without particles, nicknames replaced by formal names."""
    words = [
        w for w in re.split(r"[\s\-']+", normalise_name(full_name)) if w and w not in PARTICLES
    ]
    expanded: list[str] = []
    for word in words:
        expanded.extend(NICKNAMES.get(word, word).split())
    return expanded


def sound_key(word: str) -> str:
    key = word
    for pattern, replacement in _SOUNDS:
        key = pattern.sub(replacement, key)
    return key


def name_keys(full_name: str) -> set[str]:
    """Blocking keys: the sound key of every word, and its first four letters."""
    keys: set[str] = set()
    for word in tokens(full_name):
        key = sound_key(word)
        if len(key) >= 2:
            keys.add(f"s:{key}")
            keys.add(f"p:{key[:4]}")
    return keys


def comparable(full_name: str) -> str:
    """The name reduced for similarity scoring: sound keys of its words, in order."""
    return " ".join(sound_key(w) for w in tokens(full_name))
