from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "amparo.stats"
    label = "stats"
    verbose_name = _("Statistics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # A wrong differential-privacy setting stops every process at start, naming it.
        from amparo.stats.domain.privacy import privacy_config

        privacy_config()
