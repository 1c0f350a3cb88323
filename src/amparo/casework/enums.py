"""Codes for case management: closure reasons, tasks, plans, approvals, child protection."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClosureReason(models.TextChoices):
    """Reasons for closing a case (DOMAIN.md 2.3)."""

    OBJECTIVES_MET = "objectives_met", _("The support period ended or its objectives were met")
    NO_LONGER_ELIGIBLE = "no_longer_eligible", _("The person no longer meets the criteria")
    PERSON_CHOSE_TO_STOP = "person_chose_to_stop", _("The person chose to stop")
    MOVED_AWAY = "moved_away", _("The person moved away or migrated again")
    DECEASED = "deceased", _("The person died")
    FUNDING_OR_SECURITY = "funding_or_security", _("The funding or security context forced it")
    TRANSFERRED = "transferred", _("The case was transferred to another institution or country")


class TaskPriority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_APPROVAL = "pending_approval", _("Waiting for supervisor approval")
    AGREED = "agreed", _("Agreed")


class ItemStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalKind(models.TextChoices):
    CLOSE_CASE = "close_case", _("Close the case")
    PLAN = "plan", _("Case plan with high or emergency concern")
    ERASURE = "erasure", _("Erase the person's data on their request")


class ApprovalDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class BestInterestsKind(models.TextChoices):
    ASSESSMENT = "bia", _("Best-interests assessment")
    DETERMINATION = "bid", _("Best-interests determination")


class DurableSolution(models.TextChoices):
    FAMILY_REUNIFICATION = "family_reunification", _("Family reunification")
    RETURN_TO_COUNTRY_OF_ORIGIN = "return", _("Return to the country of origin")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    RESETTLEMENT = "resettlement", _("Resettlement in a third country")
    PENDING = "pending", _("Not decided yet")


class TracingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    FOUND = "found", _("Family member found")
    NOT_FOUND = "not_found", _("Not found")
    CLOSED = "closed", _("Closed")


class ConsentPurpose(models.TextChoices):
    ASSISTANCE = "assistance", _("Assistance")
    REFERRAL = "referral", _("Referral to services")
    SHARING = "sharing", _("Sharing with a named recipient")
    CROSS_BORDER = "cross_border", _("Transfer to another country")
    STATISTICS = "statistics", _("Anonymous statistics")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written and signed")
    VERBAL_CERTIFIED = "verbal_certified", _("Verbal, certified in writing by staff")
    AUDIO = "audio", _("Audio or video recording")


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    VITAL_INTEREST = "vital_interest", _("Vital interest of the person or of another person")
    PUBLIC_INTEREST = "public_interest", _("Important public interest (legal mandate)")
