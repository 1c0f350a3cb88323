"""Progress charts: the SVG of a cohort (one row per trainee) and of a country (one per cohort)."""

from collections.abc import Sequence

from django.utils.translation import gettext, ngettext

from amparo.lib.charts import Series, bar_chart, svg_document
from amparo.training.domain.progress import CohortSummary, TraineeProgress


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
    labels = [row.trainee.get_full_name() or row.trainee.username for row in rows]
    shares = [row.passed / row.total if row.total else 0 for row in rows]
    words = [_trainee_words(row) for row in rows]
    return _progress(title, labels, shares, words)


def _cohort_words(summary: CohortSummary) -> str:
    return gettext(
        "%(percent)s%% of modules passed; %(completed)s of %(members)s members completed"
    ) % {"percent": summary.percent, "completed": summary.completed, "members": summary.members}


def country_chart(title: str, summaries: Sequence[CohortSummary]) -> str:
    labels = [s.cohort.name for s in summaries]
    shares = [s.percent / 100 for s in summaries]
    return _progress(title, labels, shares, [_cohort_words(s) for s in summaries])


def _progress(title: str, labels: list[str], shares: list[float], words: list[str]) -> str:
    """One outlined bar per row whose solid part is the share achieved, as an SVG file."""
    series = [Series(gettext("Progress"), shares, words=words)]
    description = "" if labels else gettext("No one to show yet.")
    chart = bar_chart(series, labels, title, description=description, maximum=1, track=True)
    return svg_document(chart)
