"""Errors of case management that views turn into messages, never into a half-done change."""


class CaseworkError(Exception):
    """A rule of case management refused the change; the message says which and why."""


class TransitionNotAllowed(CaseworkError):
    pass


class ConsentRequired(CaseworkError):
    pass
