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

from amparo.training.gift.chunks import GiftSyntaxError
from amparo.training.gift.export import to_gift
from amparo.training.gift.parser import parse_gift
from amparo.training.gift.text import FORMATS, PLACEHOLDER, Answer, Question

__all__ = [
    "FORMATS",
    "PLACEHOLDER",
    "Answer",
    "GiftSyntaxError",
    "Question",
    "parse_gift",
    "to_gift",
]
