"""Reading: lines -> chunks -> questions. `parse_gift`, and the parts of a question around its
answer block (title, format, metadata, the braces of the block)."""

import re
from typing import Any

from amparo.training.gift.blocks import _parse_block
from amparo.training.gift.chunks import GiftSyntaxError, _Chunk, _chunks
from amparo.training.gift.text import (
    _ESCAPE_PATTERN,
    _ESCAPES,
    _WS,
    PLACEHOLDER,
    Question,
    _clean,
    _feedback,
    _find,
    _format_marker,
)

_META_PATTERN = re.compile(r"\[(id|tag):([^\]]*)\]")


def parse_gift(text: str, *, source: str = "<gift>") -> list[Question]:
    """The questions of a GIFT document, in order; `source` names it in error messages."""
    questions = []
    category = None
    for item in _chunks(text, source):
        if isinstance(item, str):
            category = item
        else:
            questions.append(_parse_question(item, category))
    return questions


def _parse_question(chunk: _Chunk, category: str | None) -> Question:
    _check_escapes(chunk)
    text = chunk.text
    title, start = _parse_title(chunk)
    fmt, start = _format_marker(text, start, len(text), "moodle")
    block = _find_block(chunk, start)
    question: Question = {"type": "description", "title": title, **_metadata(chunk)}
    question |= {"category": category, "text": "", "format": fmt, "embedded": False}
    question |= {"answers": [], "feedback": None, "feedback_format": None}
    if block is None:
        question["text"] = _clean(text[start:], fmt)
        if not question["text"]:
            raise chunk.error(start, "the question has no text and no answer block")
        return question
    opening, closing = block
    before, after = _clean(text[start:opening], fmt), _clean(text[closing + 1 :], fmt)
    question["text"] = " ".join(p for p in (before, PLACEHOLDER, after) if p) if after else before
    question["embedded"] = bool(after)
    if after and question["text"].count(PLACEHOLDER) > 1:
        # The blank must be findable: a second _____ would make it ambiguous.
        raise chunk.error(opening, f"a missing-word question cannot also contain {PLACEHOLDER}")
    general = _find(text, "####", opening + 1, closing)
    if general != -1:
        question["feedback"], question["feedback_format"] = _feedback(
            text, general + 4, closing, fmt
        )
        closing = general
    return question | _parse_block(chunk, opening + 1, closing, fmt)


def _check_escapes(chunk: _Chunk) -> None:
    for match in _ESCAPE_PATTERN.finditer(chunk.text):
        char = match[1]
        if char and char not in _ESCAPES and not char.isspace():
            raise chunk.error(
                match.start(),
                f"unknown escape '\\{char}': only \\~ \\= \\# \\{{ \\}} \\: \\\\ and \\n "
                "are escapes (write \\\\ for a backslash)",
            )


def _parse_title(chunk: _Chunk) -> tuple[str | None, int]:
    text = chunk.text
    start = len(text) - len(text.lstrip(_WS))
    if not text.startswith("::", start):
        return None, start
    end = _find(text, "::", start + 2, len(text))
    if end == -1:
        raise chunk.error(start, "the title is not closed: write ::title:: before the question")
    return _clean(text[start + 2 : end], "plain") or None, end + 2


def _metadata(chunk: _Chunk) -> dict[str, Any]:
    """The [id:...] and [tag:...] markers of the question's comment lines (Moodle 4.x)."""
    ident: str | None = None
    tags: list[str] = []
    for number, line in chunk.comments:
        for kind, raw in _META_PATTERN.findall(line):
            value = raw.strip(_WS)
            if not value:
                raise GiftSyntaxError(number, f"empty [{kind}:]", chunk.source)
            if kind == "tag":
                tags.append(value)
            elif ident is None:
                ident = value
            else:
                raise GiftSyntaxError(number, "a question has only one [id:...]", chunk.source)
    return {"id": ident, "tags": tags or None}


def _find_block(chunk: _Chunk, start: int) -> tuple[int, int] | None:
    """The offsets of the answer block's braces, refusing any brace that would be lost."""
    text, end = chunk.text, len(chunk.text)
    opening = _find(text, "{", start, end)
    stray = _find(text, "}", start, end if opening == -1 else opening)
    if stray != -1:
        raise chunk.error(stray, "'}' without an opening '{' (write \\} for a literal brace)")
    if opening == -1:
        return None
    closing = _find(text, "}", opening + 1, end)
    inner = _find(text, "{", opening + 1, end if closing == -1 else closing)
    if closing == -1 or inner != -1:
        raise chunk.error(opening, "'{' is not closed: end the answer block with '}'")
    second = _find(text, "{", closing + 1, end)
    if second != -1:
        raise chunk.error(second, "a second answer block: separate questions with a blank line")
    stray = _find(text, "}", closing + 1, end)
    if stray != -1:
        raise chunk.error(stray, "'}' without an opening '{' (write \\} for a literal brace)")
    return opening, closing
