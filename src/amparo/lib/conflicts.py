"""Optimistic locking: the error raised when a record changed since the user opened it."""

from typing import Any


class EditConflict(Exception):
    """Someone saved the same record since this user opened it.

    `current` holds the values now saved, `current_version` the version to resubmit with, so
    the page can show what changed and let the user choose, with nothing lost.
    """

    def __init__(self, current: dict[str, Any], current_version: int) -> None:
        super().__init__("the record changed since you opened it")
        self.current = current
        self.current_version = current_version
