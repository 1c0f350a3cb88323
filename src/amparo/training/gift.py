"""Moodle GIFT: a strict parser and an exporter for quiz questions.

GIFT is the plain-text question format of Moodle (https://docs.moodle.org/en/GIFT_format).
Trainers write quizzes in it; `parse_gift` turns a file into plain, JSON-ready dicts and
`to_gift` writes such dicts back, so that parse -> export -> parse gives the same questions.
Nothing here touches the database: importing into the training models is a separate step.

Supported subset
    - Questions are separated by blank lines. Lines starting with ``//`` are comments;
      ``// [id:X]`` and ``// [tag:Y]`` among the question's own lines set its id and tags.
    - ``$CATEGORY: path`` on its own line sets the category of the questions after it.
    - ``::title::`` first, then an optional format: ``[moodle]`` (default), ``[html]``,
      ``[markdown]`` or ``[plain]``. Answers and feedback inherit the question's format and
      may name their own.
    - The answer block ``{...}`` decides the type:
        ``{}`` essay; no block at all: a description (text only);
        ``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}``, optionally ``#wrong#right`` feedback;
        ``{#1822}``, ``{#1822:5}``, ``{#1820..1824}`` or ``{#=%50%1822:2#fb ~#fb}`` numerical;
        any ``~`` answer: multiple choice; all ``=left -> right``: matching;
        otherwise (``{=a =b}`` or a bare ``{a}``): short answer.
    - ``%50%`` weights after ``=``/``~``, ``#feedback`` after an answer, ``####`` general
      feedback at the end of the block.
    - Text on both sides of the block makes a missing-word question: the block becomes
      ``_____`` in the text and ``embedded`` is true.
    - Escapes: ``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n`` (a line break). A backslash before
      whitespace is kept as a backslash; any other escape is an error, so a typo is caught.
    - In moodle and plain text every run of whitespace becomes one space (GIFT files wrap long
      lines); html and markdown keep their line breaks, which mean something there.

Refused, with `GiftSyntaxError` naming the line of the problem: an unclosed or stray brace,
a second answer block without a blank line before it, an answer or numerical value that does
not parse, an unknown escape, a missing-word question whose text already holds ``_____``
(the blank would be ambiguous). Not supported: Moodle's Cloze and calculated questions.
As in Moodle, ``->`` in every ``=`` answer makes a matching question, so a short answer with
``->`` is only possible as a bare ``{a -> b}``; the exporter writes it that way.

Question dicts (keys always present; ``null`` where unset)::

    {"type", "title", "id", "tags", "category", "text", "format", "embedded",
     "answers", "feedback", "feedback_format", ...type-specific keys}

- ``multiple_choice``: answers ``{"text", "format", "weight", "correct", "feedback",
  "feedback_format"}``, plus ``"multiple_answers"`` (true unless exactly one ``=`` answer).
- ``short_answer``: answers as for multiple choice, all ``correct``.
- ``numerical``: answers ``{"value", "tolerance"}`` or ``{"min", "max"}``, or ``{"text": "*"}``
  for Moodle's "any other answer" (``~#feedback``); each with weight, correct and feedback.
- ``matching``: answers ``{"left", "left_format", "right"}``.
- ``true_false``: no answers; ``"correct"``, ``"true_feedback"``, ``"false_feedback"`` (shown
  when the student answers true / false) and their ``*_format``.
- ``essay`` and ``description``: no answers.

``weight`` is the percentage written in ``%...%`` or null: null means Moodle's default,
100 for ``=`` and 0 for ``~``.
"""

import bisect
import itertools
import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

Question = dict[str, Any]
Answer = dict[str, Any]

FORMATS = ("moodle", "html", "markdown", "plain")
PLACEHOLDER = "_____"

_WS = " \t\n\r\f\v"  # ASCII only: a no-break space in a text is meant to stay
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}
_ESCAPE_PATTERN = re.compile(r"\\(.?)", re.DOTALL)
_FORMAT_PATTERN = re.compile(rf"[ \t\n]*\[({'|'.join(FORMATS)})\]")
_WEIGHT_PATTERN = re.compile(r"[ \t\n]*%([^%\n]*)%")
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_META_PATTERN = re.compile(r"\[(id|tag):([^\]]*)\]")
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_ESCAPE_TABLE = str.maketrans({char: f"\\{char}" for char in "\\~=#{}:"} | {"\n": "\\n"})


class GiftSyntaxError(ValueError):
    """A GIFT file that cannot be read safely; `str()` gives ``FILE:LINE: problem``."""

    def __init__(self, line: int, problem: str, source: str = "<gift>") -> None:
        super().__init__(line, problem)
        self.line = line
        self.problem = problem
        self.source = source

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.problem}"


# Reading: lines -> chunks -> questions ------------------------------------------------------


class _Chunk:
    """The lines of one question, joined, with a map from offsets back to line numbers."""

    def __init__(
        self, lines: list[tuple[int, str]], comments: list[tuple[int, str]], source: str
    ) -> None:
        self.text = "\n".join(line for _, line in lines)
        self.comments = comments
        self.source = source
        self._numbers = [number for number, _ in lines]
        lengths = (len(line) + 1 for _, line in lines[:-1])
        self._starts = list(itertools.accumulate(lengths, initial=0))

    def error(self, offset: int, problem: str) -> GiftSyntaxError:
        line = self._numbers[bisect.bisect_right(self._starts, offset) - 1]
        return GiftSyntaxError(line, problem, self.source)


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


def _chunks(text: str, source: str) -> Iterator[str | _Chunk]:
    """Categories (as strings) and question chunks, split on blank lines like Moodle does."""
    lines = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    body: list[tuple[int, str]] = []
    comments: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip(_WS)
        if stripped.startswith("//"):
            comments.append((number, stripped))
            continue
        if stripped and not stripped.startswith(_CATEGORY):
            body.append((number, line))
            continue
        if body:
            yield _Chunk(body, comments, source)
        body, comments = [], []
        if stripped:
            yield _category(number, stripped, source)
    if body:
        yield _Chunk(body, comments, source)


def _category(number: int, line: str, source: str) -> str:
    # Category paths are kept as written: Moodle does not unescape them ($course$/top/...).
    name = line.removeprefix(_CATEGORY).strip(_WS)
    if not name:
        raise GiftSyntaxError(number, "$CATEGORY: needs a category path", source)
    return name


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


# Answer blocks --------------------------------------------------------------------------


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


# Writing ----------------------------------------------------------------------------------


def to_gift(questions: Iterable[Question]) -> str:
    """GIFT text for questions shaped like `parse_gift` output (round-trips exactly)."""
    parts = []
    category = None
    for question in questions:
        if question["category"] != category:
            if question["category"] is None:
                raise ValueError("GIFT cannot return to 'no category' once one is set")
            category = question["category"]
            parts.append(f"{_CATEGORY} {category}")
        parts.append(_write_question(question))
    return "".join(f"{part}\n\n" for part in parts)


def _write_question(question: Question) -> str:
    lines = [f"// [id:{question['id']}]"] if question["id"] is not None else []
    if question["tags"]:
        lines.append("// " + " ".join(f"[tag:{tag}]" for tag in question["tags"]))
    head = f"::{_escape(question['title'])}::" if question["title"] else ""
    fmt = question["format"]
    if question["type"] == "description":
        return "\n".join([*lines, head + _write_text(question["text"], fmt, "moodle")])
    block = "{" + _write_block(question) + "}"
    if question["embedded"]:
        before, found, after = question["text"].partition(PLACEHOLDER)
        if not found:
            raise ValueError(f"an embedded question needs {PLACEHOLDER} in its text")
        body = f"{_write_text(before, fmt, 'moodle')} {block} {_escape(after)}"
    else:
        body = _write_text(question["text"], fmt, "moodle") + block
    return "\n".join([*lines, head + body])


def _write_block(question: Question) -> str:
    fmt = question["format"]
    general = ""
    if question["feedback"] is not None:
        general = "####" + _write_text(question["feedback"], question["feedback_format"], fmt)
    kind = question["type"]
    if kind == "essay":
        return general
    if kind == "true_false":
        return _write_true_false(question) + general
    answers = question["answers"]
    if kind == "short_answer" and len(answers) == 1 and "->" in answers[0]["text"]:
        # Only the bare {answer} form keeps a lone answer with '->' from reading as matching.
        return _write_answer(answers[0], fmt, bare=True) + general
    writer = {"numerical": _write_number, "matching": _write_pair}.get(kind, _write_answer)
    lines = [writer(answer, fmt) for answer in answers]
    if general:
        lines.append(general)
    return ("#" if kind == "numerical" else "") + "".join(f"\n\t{line}" for line in lines) + "\n"


def _write_true_false(question: Question) -> str:
    fmt = question["format"]
    on_true = _write_feedback(question["true_feedback"], question["true_feedback_format"], fmt)
    on_false = _write_feedback(question["false_feedback"], question["false_feedback_format"], fmt)
    wrong, right = (on_false, on_true) if question["correct"] else (on_true, on_false)
    value = "TRUE" if question["correct"] else "FALSE"
    return value + (wrong or ("#" if right else "")) + right


def _write_answer(answer: Answer, fmt: str, *, bare: bool = False) -> str:
    marker = "" if bare else "=" if answer["correct"] else "~"
    text = _write_text(answer["text"], answer["format"], fmt)
    feedback = _write_feedback(answer["feedback"], answer["feedback_format"], fmt)
    return marker + _write_weight(answer["weight"]) + text + feedback


def _write_number(answer: Answer, fmt: str) -> str:
    feedback = _write_feedback(answer["feedback"], answer["feedback_format"], fmt)
    if "min" in answer:
        spec = f"{_number(answer['min'])}..{_number(answer['max'])}"
    elif "value" in answer:
        spec = f"{_number(answer['value'])}:{_number(answer['tolerance'])}"
    else:
        return "~" + feedback
    return "=" + _write_weight(answer["weight"]) + spec + feedback


def _write_pair(answer: Answer, fmt: str) -> str:
    left = _write_text(answer["left"], answer["left_format"], fmt)
    return f"={left} -> {_escape(answer['right'])}"


def _write_feedback(text: str | None, fmt: str | None, default: str) -> str:
    return "" if text is None else "#" + _write_text(text, fmt or default, default)


def _write_weight(weight: float | None) -> str:
    return "" if weight is None else f"%{_number(weight)}%"


def _write_text(text: str, fmt: str, default: str) -> str:
    # Name the format also when the text itself could be read as a format, weight or comment.
    marker = fmt != default or text.startswith(("[", "%", "//"))
    return (f"[{fmt}]" if marker else "") + _escape(text)


def _escape(text: str) -> str:
    return text.translate(_ESCAPE_TABLE)


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
