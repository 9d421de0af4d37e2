from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trade", "0002_figure_updated_at"),
    ]

    operations = [
        # The sources loaded so far are the seed's, nearly all in English;
        # `load_seed` sets each one's language.
        migrations.AddField(
            model_name="source",
            name="language",
            field=models.CharField(
                choices=[
                    ("fr", "français"),
                    ("en", "anglais"),
                    ("ru", "russe"),
                    ("kk", "kazakh"),
                    ("zh", "chinois"),
                    ("it", "italien"),
                    ("de", "allemand"),
                    ("es", "espagnol"),
                ],
                default="en",
                help_text="La langue du texte de la source : ses citations sont marquées dans cette langue pour les lecteurs d’écran et la traduction.",
                max_length=8,
                verbose_name="langue",
            ),
            preserve_default=False,
        ),
    ]
