"""Reading the answer block: which type of question it makes, and its answers."""

import math
import re
from typing import Any

from amparo.training.gift.chunks import _Chunk
from amparo.training.gift.text import (
    _WS,
    Answer,
    _clean,
    _cuts,
    _feedback,
    _find,
    _formatted,
    _until,
)

_WEIGHT_PATTERN = re.compile(r"[ \t\n]*%([^%\n]*)%")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


def _parse_block(chunk: _Chunk, start: int, end: int, fmt: str) -> dict[str, Any]:
    body = chunk.text[start:end]
    stripped = body.strip(_WS)
    if not stripped:
        return {"type": "essay"}
    first = start + len(body) - len(body.lstrip(_WS))
    if stripped.startswith("#"):
        return {"type": "numerical", "answers": _numerical(chunk, first + 1, end, fmt)}
    true_false = _true_false(chunk, first, end, fmt)
    if true_false is not None:
        return true_false
    return _choices(chunk, first, end, fmt)


def _true_false(chunk: _Chunk, start: int, end: int, fmt: str) -> dict[str, Any] | None:
    text = chunk.text
    cuts = _cuts(text, start, end, "#")
    spans = list(zip([start, *(cut + 1 for cut in cuts)], [*cuts, end], strict=True))
    value = text[slice(*spans[0])].strip(_WS)
    if value not in _TRUE_FALSE:
        return None
    if len(spans) > 3:
        raise chunk.error(cuts[2], "true/false takes at most two feedbacks: {T#wrong#right}")
    # Moodle's order: the first feedback answers a wrong response, the second a right one.
    feedbacks = [_feedback(text, *span, fmt) for span in spans[1:]]
    wrong, right = [*feedbacks, (None, None), (None, None)][:2]
    correct = _TRUE_FALSE[value]
    on_true, on_false = (right, wrong) if correct else (wrong, right)
    return {
        "type": "true_false",
        "correct": correct,
        "true_feedback": on_true[0],
        "true_feedback_format": on_true[1],
        "false_feedback": on_false[0],
        "false_feedback_format": on_false[1],
    }


def _choices(chunk: _Chunk, start: int, end: int, fmt: str) -> dict[str, Any]:
    """Multiple choice, short answer or matching, told apart as Moodle does."""
    text = chunk.text
    cuts = _cuts(text, start, end, "=~")
    if not cuts:  # a bare {answer}: one right short answer
        return {"type": "short_answer", "answers": [_answer(chunk, "=", start, end, fmt)]}
    if cuts[0] != start:
        raise chunk.error(start, "text before the first answer: start each answer with = or ~")
    stops = [*cuts[1:], end]
    segments = [(text[cut], cut + 1, stop) for cut, stop in zip(cuts, stops, strict=True)]
    if any(marker == "~" for marker, _, _ in segments):
        answers = [_answer(chunk, *segment, fmt) for segment in segments]
        if len(answers) < 2:
            raise chunk.error(start, "a multiple-choice question needs at least two answers")
        right = sum(answer["correct"] for answer in answers)
        return {"type": "multiple_choice", "answers": answers, "multiple_answers": right != 1}
    if any("->" in text[s : _until(text, "#", s, e)] for _, s, e in segments):
        if len(segments) < 2:
            raise chunk.error(start, "a matching question needs at least two pairs")
        return {"type": "matching", "answers": [_pair(chunk, s, e, fmt) for _, s, e in segments]}
    return {"type": "short_answer", "answers": [_answer(chunk, *seg, fmt) for seg in segments]}


def _answer(chunk: _Chunk, marker: str, start: int, end: int, fmt: str) -> Answer:
    text = chunk.text
    weight, start = _weight(chunk, start, end)
    hash_at = _until(text, "#", start, end)
    body, body_format = _formatted(text, start, hash_at, fmt)
    if not body:
        raise chunk.error(start, "an answer has no text")
    feedback, feedback_format = _feedback(text, hash_at + 1, end, fmt)
    return {
        "text": body,
        "format": body_format,
        "weight": weight,
        "correct": marker == "=",
        "feedback": feedback,
        "feedback_format": feedback_format,
    }


def _pair(chunk: _Chunk, start: int, end: int, fmt: str) -> Answer:
    text = chunk.text
    arrow = text.find("->", start, end)
    if arrow == -1:
        raise chunk.error(start, "every answer of a matching question needs 'question -> answer'")
    if _WEIGHT_PATTERN.match(text, start, end) or _find(text, "#", start, end) != -1:
        raise chunk.error(start, "a matching pair takes no weight and no feedback")
    left, left_format = _formatted(text, start, arrow, fmt)
    right = _clean(text[arrow + 2 : end], "plain")
    if not right:
        raise chunk.error(arrow, "a matching pair needs an answer after '->'")
    return {"left": left, "left_format": left_format, "right": right}


def _numerical(chunk: _Chunk, start: int, end: int, fmt: str) -> list[Answer]:
    text = chunk.text
    if not text[start:end].strip(_WS):
        raise chunk.error(start, "a numerical question needs an answer after '#'")
    cuts = _cuts(text, start, end, "=~")
    if not cuts:
        return [_number_answer(chunk, "=", start, end, fmt)]
    if text[start : cuts[0]].strip(_WS):
        raise chunk.error(start, "text before the first answer: start each answer with = or ~")
    stops = [*cuts[1:], end]
    return [_number_answer(chunk, text[c], c + 1, e, fmt) for c, e in zip(cuts, stops, strict=True)]


def _number_answer(chunk: _Chunk, marker: str, start: int, end: int, fmt: str) -> Answer:
    text = chunk.text
    weight, start = _weight(chunk, start, end)
    hash_at = _until(text, "#", start, end)
    spec = text[start:hash_at].strip(_WS)
    feedback, feedback_format = _feedback(text, hash_at + 1, end, fmt)
    common = {"weight": weight, "correct": marker == "=", "feedback": feedback}
    common |= {"feedback_format": feedback_format}
    if marker == "~":
        # Moodle's "any other answer": only feedback may follow the tilde.
        if spec or weight is not None:
            raise chunk.error(start, "in a numerical question ~ takes only feedback: ~#feedback")
        return {"text": "*", **common}
    return _number_spec(chunk, start, spec) | common


def _number_spec(chunk: _Chunk, at: int, spec: str) -> Answer:
    if match := re.fullmatch(rf"({_NUMBER})[ \t]*\.\.[ \t]*({_NUMBER})", spec):
        low, high = _float(chunk, at, match[1]), _float(chunk, at, match[2])
        if low > high:
            raise chunk.error(at, f"range {spec}: the minimum is greater than the maximum")
        return {"min": low, "max": high}
    if match := re.fullmatch(rf"({_NUMBER})[ \t]*:[ \t]*({_NUMBER})", spec):
        value, tolerance = _float(chunk, at, match[1]), _float(chunk, at, match[2])
        if tolerance < 0:
            raise chunk.error(at, f"{spec}: the tolerance cannot be negative")
        return {"value": value, "tolerance": tolerance}
    if re.fullmatch(_NUMBER, spec):
        return {"value": _float(chunk, at, spec), "tolerance": 0.0}
    raise chunk.error(at, f"'{spec}' is not a number, number:tolerance or min..max")


def _float(chunk: _Chunk, at: int, literal: str) -> float:
    value = float(literal)
    if not math.isfinite(value):
        raise chunk.error(at, f"{literal} is too large")
    return value


def _weight(chunk: _Chunk, start: int, end: int) -> tuple[float | None, int]:
    match = _WEIGHT_PATTERN.match(chunk.text, start, end)
    if match is None:
        return None, start
    literal = match[1].strip(_WS)
    if not re.fullmatch(_NUMBER, literal) or not -100 <= float(literal) <= 100:
        raise chunk.error(start, f"weight %{match[1]}% is not a percentage from -100 to 100")
    return float(literal), match.end()
