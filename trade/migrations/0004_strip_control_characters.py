"""Remove from trade's stored text what XML 1.0 cannot carry, as articles'
migration 0010 does for stories (and with its rule: one rule for both)."""

from importlib import import_module

from django.db import migrations

articles_0010 = import_module("articles.migrations.0010_strip_control_characters")


def strip_stored_text(apps, schema_editor):
    for name in ("Country", "Pair", "Indicator", "Source", "Figure", "Target", "Acknowledgement"):
        articles_0010.strip_rows(apps.get_model("trade", name), schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_strip_control_characters"),
        ("trade", "0003_source_language"),
    ]

    operations = [migrations.RunPython(strip_stored_text, migrations.RunPython.noop)]
