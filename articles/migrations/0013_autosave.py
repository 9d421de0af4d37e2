import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0012_review_note"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Autosave",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "fields",
                    models.JSONField(
                        blank=True, default=dict, verbose_name="texte non enregistré"
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="ouvert depuis"
                    ),
                ),
                (
                    "saved_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="vu le"
                    ),
                ),
                (
                    "story",
                    models.ForeignKey(
                        blank=True,
                        help_text="Vide pour un article pas encore enregistré.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="autosaves",
                        to="articles.article",
                        verbose_name="article",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="auteur",
                    ),
                ),
            ],
            options={
                "verbose_name": "sauvegarde automatique",
                "verbose_name_plural": "sauvegardes automatiques",
                "indexes": [
                    models.Index(
                        fields=["story", "-saved_at"], name="autosave_presence_idx"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "story"), name="autosave_one_per_story"
                    ),
                    models.UniqueConstraint(
                        condition=models.Q(("story__isnull", True)),
                        fields=("user",),
                        name="autosave_one_new_story",
                    ),
                ],
            },
        ),
    ]
