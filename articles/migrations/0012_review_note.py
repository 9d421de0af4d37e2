from django.conf import settings
from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0011_french_labels'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='status_changed_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='Quand l’article a pris son état actuel (« En relecture depuis… »).', null=True, verbose_name='état changé le'),
        ),
        migrations.AddField(
            model_name='article',
            name='review_note',
            field=models.TextField(blank=True, editable=False, help_text='Pourquoi un éditeur a renvoyé l’article au rédacteur ; montré au rédacteur sur l’article jusqu’à ce qu’il reparte en relecture ou paraisse.', verbose_name='commentaire de relecture'),
        ),
        migrations.AddField(
            model_name='article',
            name='review_note_by',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='renvoyé par'),
        ),
    ]
