from django.core.management.base import BaseCommand

from articles.services import stories_render
from pagecache import content_refresh


class Command(BaseCommand):
    help = (
        "Refait le HTML des articles dont le texte se rend autrement depuis une "
        "mise à jour ; ne change ni leur texte, ni leur date, ni leur historique."
    )

    def handle(self, *args, **options):
        count = stories_render()
        if count:
            # Pages cached with the former HTML go stale.
            content_refresh()
        self.stdout.write(self.style.SUCCESS(f"{count} article(s) rendu(s) à nouveau."))
