"""The screening engine: from answers to a preliminary identification. Pure: no database, no I/O.

`evaluate(protocol, answers)` suggests profiles (with the indicators that triggered each),
an urgency level with its reasons, immediate actions, referrals to kinds of agency (with the
agencies of that kind in the country of identification) and whether notifying the consulate of
the person's nationality is appropriate. The result is preliminary: a trained person confirms it.

Safety principles that must not depend on a data file being right are enforced here, in code:
no consulate and no agency representing the person's country when they fear returning to it or
may need international protection, and never an immigration-enforcement agency as a referral.
"""

from amparo.screening.engine.directory import AgencyRef, StaticDirectory, reference_directory
from amparo.screening.engine.evaluate import evaluate, visible_questions
from amparo.screening.engine.result import ScreeningResult

__all__ = [
    "AgencyRef",
    "ScreeningResult",
    "StaticDirectory",
    "evaluate",
    "reference_directory",
    "visible_questions",
]
