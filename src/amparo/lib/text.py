"""Text normalisation shared by blind indexes and duplicate search."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_name(text: str) -> str:
    """Lower case, no accents, single spaces: 'José  MARÍA' -> 'jose maria'."""
    return _SPACES.sub(" ", strip_accents(text).casefold()).strip()


def normalise_document(number: str) -> str:
    """Upper-case letters and digits only: 'ab-12 345' -> 'AB12345'."""
    return _NOT_ALNUM.sub("", strip_accents(number).upper())


def normalise_phone(phone: str) -> str:
    """Digits only, the country code kept: '+52 (55) 1234' -> '52551234'."""
    return "".join(ch for ch in phone if ch.isdigit())
