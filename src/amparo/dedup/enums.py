from django.db import models
from django.utils.translation import gettext_lazy as _


class CandidateStatus(models.TextChoices):
    """A likely duplicate pair in the review queue. Codes are a contract: extend, never rename."""

    OPEN = "open", _("To review")
    PROPOSED = "proposed", _("Merge proposed")
    MERGED = "merged", _("Merged")
    NOT_SAME = "not_same", _("Not the same person")
