from typing import Any

from django.core.management.base import BaseCommand

from saphan.geo.services import geography_load


class Command(BaseCommand):
    help = "Load (or refresh) Thai provinces, districts and subdistricts from geothai."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = geography_load()
        self.stdout.write(
            f"provinces={counts.provinces} districts={counts.districts} "
            f"subdistricts={counts.subdistricts} project_provinces={counts.project_provinces}"
        )
