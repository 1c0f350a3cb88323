"""Reading, first step: a GIFT document split into categories and question chunks, each chunk
able to name the line of a problem."""

import bisect
import itertools
from collections.abc import Iterator

from amparo.training.gift.text import _CATEGORY, _WS


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
