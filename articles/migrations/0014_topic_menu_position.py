"""The site's menu becomes the editors' choice (``Topic.menu_position``).

Until now it listed every topic with a published story, by name. So that a
deploy changes nothing readers see, every existing topic gets a place in
that same order; editors then take out of the menu what they want. Places
are written with ``update()``: no revision, no date moved.
"""

from django.db import migrations, models


def keep_the_menu(apps, schema_editor):
    Topic = apps.get_model("articles", "Topic")
    names = Topic.objects.order_by("name").values_list("pk", flat=True)
    for position, pk in enumerate(names, start=1):
        Topic.objects.filter(pk=pk).update(menu_position=position)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_autosave"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="menu_position",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="1 pour le premier lien du menu du site, 2 pour le suivant… "
                "Vide : le thème n’est pas dans le menu, mais reste dans l’index des thèmes. "
                "Un thème sans article publié n’y apparaît pas.",
                null=True,
                verbose_name="place dans le menu",
            ),
        ),
        migrations.RunPython(keep_the_menu, migrations.RunPython.noop),
    ]
