from django.db import migrations


def install(apps, schema_editor):  # type: ignore[no-untyped-def]
    from saphan.watch.catalogue import watch_rules_install

    watch_rules_install(apps.get_model("watch", "WatchRule"))


class Migration(migrations.Migration):
    dependencies = [("watch", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
