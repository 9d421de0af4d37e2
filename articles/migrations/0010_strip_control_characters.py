"""Remove from stored text what XML 1.0 cannot carry (articles.text): rows
saved before ``save()`` stripped it would otherwise keep failing feeds.

Rows are changed with ``update()``: removing an invisible character is no
edit, so no date moves and no revision is written. The rule is copied here,
as migrations keep the code of their day.
"""

import re

from django.db import migrations, models

FORBIDDEN_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
LINE_BREAKS_RE = re.compile("\r\n?|[\x0b\x0c]")
# What the database is asked for: PostgreSQL's text holds no NUL, and a NUL
# in a query is refused there.
SUSPECT = "[\x01-\x08\x0b-\x1f]"


def strip_controls(text):
    return FORBIDDEN_RE.sub("", LINE_BREAKS_RE.sub("\n", text))


def strip_rows(model, connection):
    """Strip every text column of ``model``'s rows that hold a suspect character."""
    fields = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, (models.CharField, models.TextField))
    ]
    suspect = SUSPECT if connection.vendor != "sqlite" else "[\x00-\x08\x0b-\x1f]"
    condition = models.Q()
    for name in fields:
        condition |= models.Q(**{f"{name}__regex": suspect})
    for row in model.objects.filter(condition).values("pk", *fields).iterator():
        pk = row.pop("pk")
        cleaned = {
            name: strip_controls(value)
            for name, value in row.items()
            if isinstance(value, str) and strip_controls(value) != value
        }
        if cleaned:
            model.objects.filter(pk=pk).update(**cleaned)


def strip_stored_text(apps, schema_editor):
    for name in ("Article", "Topic", "Correction", "SlugRedirect"):
        strip_rows(apps.get_model("articles", name), schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("articles", "0009_import_fingerprint_preview_nonce")]

    operations = [migrations.RunPython(strip_stored_text, migrations.RunPython.noop)]
