"""Screening protocols: the data-file format, its loader and the validation of answers.

A protocol is a versioned YAML file in `protocols/` (see `protocols/README.md`). Loading turns
it into frozen dataclasses and refuses a bad file with a `DataFileError` naming the file, the
key path and the problem. Rules are data: conditions are parsed here into a small tree
(`Condition`) that the engine interprets, so a new protocol version needs no new code.
"""

from amparo.screening.protocol.answers import (
    AnswerProblem,
    AnswersError,
    iso_country_codes,
    validate_answers,
)
from amparo.screening.protocol.loader import (
    PROTOCOLS_DIR,
    load_protocol,
    load_protocol_file,
    protocol_registry,
)
from amparo.screening.protocol.model import (
    AllOf,
    AnswerTest,
    AnswerValue,
    AnyOf,
    Condition,
    FactRef,
    ProfileRef,
    Protocol,
    ProtocolNotFoundError,
    Question,
)

__all__ = [
    "PROTOCOLS_DIR",
    "AllOf",
    "AnswerProblem",
    "AnswerTest",
    "AnswerValue",
    "AnswersError",
    "AnyOf",
    "Condition",
    "FactRef",
    "ProfileRef",
    "Protocol",
    "ProtocolNotFoundError",
    "Question",
    "iso_country_codes",
    "load_protocol",
    "load_protocol_file",
    "protocol_registry",
    "validate_answers",
]
