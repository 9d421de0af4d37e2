from django.apps import AppConfig


class TradeConfig(AppConfig):
    name = "trade"
    verbose_name = "Chiffres du commerce"

    def ready(self):
        # The story page reads its key-figures box with its other kept values.
        from articles.views import STORY_VALUES

        from .templatetags.trade import KEY_FIGURES

        if KEY_FIGURES not in STORY_VALUES:
            STORY_VALUES.append(KEY_FIGURES)
