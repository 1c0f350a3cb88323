"""Progress charts: the SVG of a cohort (one row per trainee) and of a country (one per cohort)."""

from collections.abc import Sequence

from django.utils.translation import gettext, ngettext

from amparo.training.domain.progress import CohortSummary, TraineeProgress
from amparo.training.svg import Bar, render_progress_svg


def _trainee_words(row: TraineeProgress) -> str:
    words = gettext("%(passed)s of %(total)s modules passed") % {
        "passed": row.passed,
        "total": row.total,
    }
    overdue = len(row.overdue)
    if overdue:
        words = ngettext(
            "%(words)s; %(count)s module overdue",
            "%(words)s; %(count)s modules overdue",
            overdue,
        ) % {"words": words, "count": overdue}
    return words


def cohort_chart(title: str, rows: Sequence[TraineeProgress]) -> str:
    bars = [
        Bar(
            label=row.trainee.get_full_name() or row.trainee.username,
            value=row.passed,
            total=row.total,
            words=_trainee_words(row),
        )
        for row in rows
    ]
    return render_progress_svg(bars, title=title, description=_describe(bars))


def _cohort_words(summary: CohortSummary) -> str:
    return gettext(
        "%(percent)s%% of modules passed; %(completed)s of %(members)s members completed"
    ) % {"percent": summary.percent, "completed": summary.completed, "members": summary.members}


def country_chart(title: str, summaries: Sequence[CohortSummary]) -> str:
    bars = [
        Bar(label=s.cohort.name, value=s.percent, total=100, words=_cohort_words(s))
        for s in summaries
    ]
    return render_progress_svg(bars, title=title, description=_describe(bars))


def _describe(bars: Sequence[Bar]) -> str:
    if not bars:
        return gettext("No one to show yet.")
    return " ".join(
        gettext("%(label)s: %(words)s.") % {"label": bar.label, "words": bar.words} for bar in bars
    )
