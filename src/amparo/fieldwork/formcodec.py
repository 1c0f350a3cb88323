"""How a screening form encodes answers, shared by the form writer and the submission import.

- a yes/no question is `select_one yes_no` with the choices `yes` and `no`;
- a country question is `select_one country`, ISO 3166-1 alpha-2 codes as choice names;
- a multiple choice arrives as its choice names separated by spaces (XForm `select`);
- an integer arrives as a string in KoboToolbox JSON and in CSV;
- the hidden field `amparo_protocol` holds "<id> <version>": a submission says which version
  of the protocol made it, and a new protocol version is a new form `version`.
"""

import re
from collections.abc import Iterator, Mapping

from django.utils.translation import gettext as _

from amparo.screening.enums import AnswerType
from amparo.screening.protocol import Protocol
from amparo.screening.protocol.model import Question

# The hidden field that names the protocol and version a submission was made with.
PROTOCOL_FIELD = "amparo_protocol"


def form_version(protocol: Protocol) -> str:
    """The value of the hidden `amparo_protocol` field: the protocol id and version."""
    return f"{protocol.id} {protocol.version}"


_LAST_SEGMENT = re.compile(r"[^/\-]+$")


def field_code(key: str) -> str:
    """The field name at the end of a group path: `identity/age_years` (Kobo JSON) or
    `identity-age_years` (ODK Central CSV) is `age_years`."""
    match = _LAST_SEGMENT.search(key)
    return match.group(0) if match else key


class FieldValueError(ValueError):
    """A submitted value cannot be read as the protocol's answer type (message translated);
    `field` names the question once it is known."""

    field = ""


def _integer(value: str) -> int:
    try:
        number = float(value)
    except ValueError:
        raise FieldValueError(_("“%(value)s” is not a whole number") % {"value": value}) from None
    if not number.is_integer():
        raise FieldValueError(_("“%(value)s” is not a whole number") % {"value": value})
    return int(number)


def answer_value(question: Question, value: object) -> object:
    """A submitted value as the answer the engine reads; None when the field was left empty.

    The value is only decoded here; `validate_answers` checks ranges and choices afterwards.
    """
    if value is None or value == "" or value == []:
        return None
    text = str(value).strip() if not isinstance(value, list) else value
    match question.type:
        case AnswerType.BOOLEAN:
            if text not in {"yes", "no"}:
                raise FieldValueError(_("“%(value)s” is not yes or no") % {"value": text})
            return text == "yes"
        case AnswerType.INTEGER:
            return value if isinstance(value, int) else _integer(str(text))
        case AnswerType.MULTI_CHOICE:
            return list(text) if isinstance(text, list) else str(text).split()
        case _:
            return text


def answers_from_fields(
    protocol: Protocol, fields: Mapping[str, object]
) -> Iterator[tuple[str, object]]:
    """(question code, answer) for every field of a submission that is a protocol question.

    Raises `FieldValueError`, its `field` set, for a value the form could not have produced.
    """
    for key, value in fields.items():
        code = field_code(key)
        question = protocol.questions.get(code)
        if question is None:
            continue  # the tools add their own metadata fields: _id, start, SubmissionDate...
        try:
            yield code, answer_value(question, value)
        except FieldValueError as error:
            error.field = code
            raise
