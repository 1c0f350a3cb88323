"""What reading and writing GIFT share: the question shapes, the markers, the escapes, and the
text helpers that skip escaped characters."""

import re
from typing import Any

Question = dict[str, Any]
Answer = dict[str, Any]

FORMATS = ("moodle", "html", "markdown", "plain")
PLACEHOLDER = "_____"

_WS = " \t\n\r\f\v"  # ASCII only: a no-break space in a text is meant to stay
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_ESCAPE_PATTERN = re.compile(r"\\(.?)", re.DOTALL)
_FORMAT_PATTERN = re.compile(rf"[ \t\n]*\[({'|'.join(FORMATS)})\]")
_CATEGORY = "$CATEGORY:"
_ESCAPE_TABLE = str.maketrans({char: f"\\{char}" for char in "\\~=#{}:"} | {"\n": "\\n"})


# Text helpers -----------------------------------------------------------------------------


def _find(text: str, target: str, start: int, end: int) -> int:
    """The first unescaped `target` in text[start:end], or -1."""
    i = start
    while i < end:
        if text[i] == "\\":
            i += 2
        elif text.startswith(target, i) and i + len(target) <= end:
            return i
        else:
            i += 1
    return -1


def _until(text: str, target: str, start: int, end: int) -> int:
    """The offset of the first unescaped `target` in text[start:end], or `end`."""
    found = _find(text, target, start, end)
    return end if found == -1 else found


def _cuts(text: str, start: int, end: int, chars: str) -> list[int]:
    """The offsets of every unescaped character of `chars` in text[start:end]."""
    found = []
    i = start
    while i < end:
        if text[i] == "\\":
            i += 1
        elif text[i] in chars:
            found.append(i)
        i += 1
    return found


def _format_marker(text: str, start: int, end: int, default: str) -> tuple[str, int]:
    match = _FORMAT_PATTERN.match(text, start, end)
    return (match[1], match.end()) if match else (default, start)


def _formatted(text: str, start: int, end: int, default: str) -> tuple[str, str]:
    fmt, start = _format_marker(text, start, end, default)
    return _clean(text[start:end], fmt), fmt


def _feedback(text: str, start: int, end: int, default: str) -> tuple[str | None, str | None]:
    body, fmt = _formatted(text, start, end, default)
    return (body, fmt) if body else (None, None)


def _clean(raw: str, fmt: str) -> str:
    if fmt in ("moodle", "plain"):
        raw = re.sub(r"[ \t\n\r\f\v]+", " ", raw)
    return _ESCAPE_PATTERN.sub(lambda m: _ESCAPES.get(m[1], m[0]), raw.strip(_WS))


def _escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE)
