"""Load the 77 provinces, 928 districts and 7,436 subdistricts from geothai.

Re-runnable: ``saphan geo_load`` does the same upsert after a geothai upgrade.
"""

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    from saphan.geo.services import geography_load

    geography_load(
        province_model=apps.get_model("geo", "Province"),
        district_model=apps.get_model("geo", "District"),
        subdistrict_model=apps.get_model("geo", "Subdistrict"),
    )


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
