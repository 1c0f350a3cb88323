from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amparo.accounts.domain.reference import load_reference_data
from amparo.lib.datafiles import DataFileError


class Command(BaseCommand):
    help = "Load or update the RCM member countries and their institutions (agencies)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = load_reference_data()
        except DataFileError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{counts.countries} countries and {counts.agencies} agencies loaded.")
