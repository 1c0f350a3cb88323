"""Writing: GIFT text for question dicts shaped like `parse_gift` output."""

from collections.abc import Iterable

from amparo.training.gift.text import _CATEGORY, PLACEHOLDER, Answer, Question, _escape


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


def _number(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
