"""A screening protocol as an XLSForm, for KoboToolbox and ODK Collect.

The form follows the XLSForm conventions that KoboToolbox documents: `survey`, `choices` and
`settings` sheets; one `label::Language (code)` column per language; `relevant` from the
protocol's `show_if`; `constraint` from an integer question's `min` and `max`. Every field is
named with the protocol's answer code, so a submission maps back to answers without a table.

The encodings of answers are described, and decoded, in `amparo.fieldwork.formcodec`.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from babel import Locale

from amparo.fieldwork.formcodec import PROTOCOL_FIELD, form_version
from amparo.screening.enums import TEXT_LANGUAGES, AnswerType
from amparo.screening.protocol import Protocol
from amparo.screening.protocol.answers import iso_country_codes
from amparo.screening.protocol.model import (
    AllOf,
    AnswerTest,
    AnyOf,
    Condition,
    Question,
    Text,
)

LANGUAGE_NAMES = {"es": "Español (es)", "en": "English (en)", "fr": "Français (fr)"}
YES_NO = "yes_no"
COUNTRY = "country"
# The form's own wording, as data: it travels inside the file, not through gettext.
_YES = Text(es="Sí", en="Yes", fr="Oui")
_NO = Text(es="No", en="No", fr="Non")
_RANGE = Text(
    es="Debe ser un número entero entre {min} y {max}.",
    en="Must be a whole number between {min} and {max}.",
    fr="Doit être un nombre entier entre {min} et {max}.",
)
_TYPES = {
    AnswerType.BOOLEAN: f"select_one {YES_NO}",
    AnswerType.INTEGER: "integer",
    AnswerType.COUNTRY: f"select_one {COUNTRY}",
}
_SURVEY_COLUMNS = ("type", "name", "relevant", "constraint", "appearance", "calculation")


class FormEncodingError(ValueError):
    """A protocol uses something an XLSForm cannot express (the message says what)."""


@dataclass(frozen=True)
class Sheets:
    """The three sheets, each a header row and its rows, in the order they are written."""

    survey: list[list[str]]
    choices: list[list[str]]
    settings: list[list[str]]


def form_id(protocol: Protocol) -> str:
    return "amparo_" + protocol.id.replace("-", "_")


def _languages(default: str) -> list[str]:
    return [default, *(lang for lang in TEXT_LANGUAGES if lang != default)]


def _columns(kind: str, langs: list[str]) -> list[str]:
    return [f"{kind}::{LANGUAGE_NAMES[lang]}" for lang in langs]


def _texts(text: Text | None, langs: list[str]) -> list[str]:
    return [text.get(lang) if text is not None else "" for lang in langs]


# --- Conditions as XPath ----------------------------------------------------------------------


def _literal(question: Question, value: object) -> str:
    if question.type == AnswerType.BOOLEAN:
        return "'yes'" if value else "'no'"
    if question.type == AnswerType.INTEGER:
        return str(value)
    return f"'{value}'"


def _answer_xpath(question: Question, test: AnswerTest) -> str:
    ref = "${" + test.answer + "}"
    known = f"{ref} != ''"  # an unknown answer never satisfies a test, as in the engine
    comparisons = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">="}
    if test.op == "is":
        return f"{ref} = {_literal(question, test.value)}"
    if test.op in comparisons:
        return f"({known} and {ref} {comparisons[test.op]} {test.value})"
    if test.op == "includes_any":
        return " or ".join(f"selected({ref}, '{value}')" for value in sorted(test.value))
    members = " or ".join(f"{ref} = {_literal(question, value)}" for value in sorted(test.value))
    if test.op == "in":
        return f"({members})"
    if test.op == "not_in":
        return f"({known} and not({members}))"
    raise FormEncodingError(f"{test.answer}: the operator {test.op!r} has no XLSForm equivalent")


def relevance(protocol: Protocol, condition: Condition) -> str:
    """The XLSForm `relevant` expression of a `show_if` condition."""
    if isinstance(condition, AnswerTest):
        return _answer_xpath(protocol.questions[condition.answer], condition)
    if isinstance(condition, AnyOf | AllOf):
        joiner = " or " if isinstance(condition, AnyOf) else " and "
        return joiner.join(f"({relevance(protocol, item)})" for item in condition.items)
    raise FormEncodingError(f"a show_if condition cannot refer to {condition!r}")


# --- The sheets -------------------------------------------------------------------------------


def _question_row(protocol: Protocol, question: Question, langs: list[str]) -> list[str]:
    kind = _TYPES.get(question.type)
    if kind is None:
        prefix = "select_one" if question.type == AnswerType.CHOICE else "select_multiple"
        kind = f"{prefix} {question.code}"
    relevant = relevance(protocol, question.show_if) if question.show_if else ""
    constraint, messages = "", ["" for _lang in langs]
    if question.type == AnswerType.INTEGER:
        constraint = f". >= {question.min} and . <= {question.max}"
        messages = [_RANGE.get(lang).format(min=question.min, max=question.max) for lang in langs]
    appearance = "autocomplete" if question.type == AnswerType.COUNTRY else ""
    cells = [kind, question.code, relevant, constraint, appearance, ""]
    return cells + _texts(question.text, langs) + _texts(question.help, langs) + messages


def _survey(protocol: Protocol, langs: list[str]) -> list[list[str]]:
    if PROTOCOL_FIELD in protocol.questions:
        raise FormEncodingError(f"{PROTOCOL_FIELD!r} is reserved for the form's own use")
    width = len(_SURVEY_COLUMNS) + 3 * len(langs)
    header = [
        *_SURVEY_COLUMNS,
        *_columns("label", langs),
        *_columns("hint", langs),
        *_columns("constraint_message", langs),
    ]
    hidden = ["calculate", PROTOCOL_FIELD, "", "", "", f"'{form_version(protocol)}'"]
    rows = [header, hidden + [""] * (width - len(hidden))]
    for section in protocol.sections:
        group = ["begin_group", section.code, "", "", "field-list", ""]
        rows.append(group + _texts(section.title, langs) + [""] * (2 * len(langs)))
        rows.extend(
            _question_row(protocol, protocol.questions[code], langs) for code in section.questions
        )
        rows.append(["end_group", section.code] + [""] * (width - 2))
    return rows


@functools.cache
def country_names(lang: str) -> Mapping[str, str]:
    """ISO 3166-1 alpha-2 codes with their names in a language, from Babel's CLDR data."""
    territories = Locale(lang).territories
    return {code: str(territories.get(code, code)) for code in sorted(iso_country_codes())}


def _choices(protocol: Protocol, langs: list[str]) -> list[list[str]]:
    rows = [["list_name", "name", *_columns("label", langs)]]
    rows += [[YES_NO, "yes", *_texts(_YES, langs)], [YES_NO, "no", *_texts(_NO, langs)]]
    for question in protocol.questions.values():
        for code, label in question.choices.items():
            rows.append([question.code, code, *_texts(label, langs)])
    names = {lang: country_names(lang) for lang in langs}
    for code in country_names("en"):
        rows.append([COUNTRY, code, *(names[lang][code] for lang in langs)])
    return rows


def xlsform_sheets(protocol: Protocol, *, lang: str = "es") -> Sheets:
    """The protocol as XLSForm sheets, with `lang` as the form's default language."""
    if lang not in TEXT_LANGUAGES:
        raise FormEncodingError(
            f"unknown language {lang!r}; use one of {', '.join(TEXT_LANGUAGES)}"
        )
    langs = _languages(lang)
    settings = [
        ["form_title", "form_id", "version", "default_language"],
        [protocol.title.get(lang), form_id(protocol), protocol.version, LANGUAGE_NAMES[lang]],
    ]
    return Sheets(_survey(protocol, langs), _choices(protocol, langs), settings)


def write_xlsform(protocol: Protocol, path: Path | str | BinaryIO, *, lang: str = "es") -> None:
    """Write the protocol's XLSForm as an .xlsx workbook, to a file or a binary stream."""
    from openpyxl import Workbook  # heavy: loaded only when a form is written

    sheets = xlsform_sheets(protocol, lang=lang)
    book = Workbook()
    first = book.active
    assert first is not None  # a new workbook always has one sheet
    book.remove(first)
    for name in ("survey", "choices", "settings"):
        sheet = book.create_sheet(name)
        for row in getattr(sheets, name):
            sheet.append(row)
    book.save(path)
