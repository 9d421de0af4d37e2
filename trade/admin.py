from django import forms
from django.contrib import admin, messages
from django.db import models
from django.template.loader import render_to_string

from articles.admin_wording import FrenchWording

from .checks import (
    ERROR,
    WARNING,
    acknowledgement_problem,
    inconsistencies_of,
    open_inconsistencies,
)
from .models import Acknowledgement, Country, Figure, Indicator, Pair, Source, Target
from .services import figure_words_link

# What the figure page says of each inconsistency: (severity, acknowledged).
CHECK_STATUS = {
    (ERROR, False): "Erreur ouverte",
    (ERROR, True): "Erreur reconnue (note ci-dessous)",
    (WARNING, False): "Avertissement ouvert",
    (WARNING, True): "Avertissement reconnu (note ci-dessous)",
}


class PeriodYearFilter(admin.SimpleListFilter):
    title = "année de la période"
    parameter_name = "annee"

    def lookups(self, request, model_admin):
        years = Figure.objects.dates("period_start", "year", order="DESC")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(period_start__year=int(self.value()))
        return queryset


@admin.register(Country)
class CountryAdmin(FrenchWording, admin.ModelAdmin):
    list_display = ["name", "code", "slug"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["stories"]


@admin.register(Pair)
class PairAdmin(FrenchWording, admin.ModelAdmin):
    feminine = True
    list_display = ["__str__", "slug"]
    search_fields = ["slug"]
    autocomplete_fields = ["first", "second"]


@admin.register(Indicator)
class IndicatorAdmin(FrenchWording, admin.ModelAdmin):
    list_display = ["name", "slug", "unit", "scale", "non_negative", "change_of"]
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(FrenchWording, admin.ModelAdmin):
    feminine = True
    list_display = ["publisher", "title", "language", "published_on"]
    list_filter = ["language"]
    search_fields = ["publisher", "title", "url"]
    date_hierarchy = "published_on"
    # An address typed without its scheme is a secure one.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class AcknowledgementForm(forms.ModelForm):
    """An acknowledgement, refused with why when the checks give no
    inconsistency of that key about its figure (``acknowledgement_problem``)."""

    def clean(self):
        cleaned = super().clean()
        if "figure" in self.fields:
            figure = cleaned.get("figure")
            figure_id = figure.pk if figure else None
        else:  # An inline: its figure is the page's.
            figure_id = self.instance.figure_id
        key = cleaned.get("check_key")
        if key and figure_id:
            problem = acknowledgement_problem(key, figure_id)
            if problem:
                self.add_error("check_key", problem)
        return cleaned


class AcknowledgementInline(admin.StackedInline):
    model = Acknowledgement
    form = AcknowledgementForm
    extra = 0


@admin.register(Figure)
class FigureAdmin(FrenchWording, admin.ModelAdmin):
    list_display = [
        "slug",
        "indicator",
        "period_label",
        "display",
        "reporter",
        "basis",
        "nature",
        "source",
    ]
    list_filter = [
        "indicator",
        "reporter",
        "partner",
        PeriodYearFilter,
        "nature",
        "basis",
        ("source", admin.EmptyFieldListFilter),
    ]
    search_fields = ["slug", "quote", "story_words", "note"]
    autocomplete_fields = ["indicator", "reporter", "partner", "source", "stories"]
    readonly_fields = ["checks", "token"]
    inlines = [AcknowledgementInline]
    actions = ["write_into_stories"]
    fieldsets = [
        (None, {"fields": ["slug", "token", "indicator", "reporter", "partner"]}),
        (
            "Période et valeur",
            {
                "fields": [
                    "period_start",
                    "period_end",
                    "value",
                    "unit",
                    "scale",
                    "nature",
                    "basis",
                ]
            },
        ),
        ("Source", {"fields": ["source", "quote", "story_words", "note", "stories"]}),
        ("Contrôles", {"fields": ["checks"]}),
    ]

    @admin.display(description="période")
    def period_label(self, figure):
        return figure.period_label()

    @admin.display(description="valeur")
    def display(self, figure):
        return figure.display()

    @admin.display(description="à écrire dans un article")
    def token(self, figure):
        if figure.pk is None:
            return "—"
        return " ou ".join(figure.token(form) for form in figure.forms())

    @admin.action(
        description="Écrire ces chiffres dans leurs articles, là où ils citent "
        "les mots de l’article",
        permissions=["write"],
    )
    def write_into_stories(self, request, queryset):
        result = figure_words_link(figures=queryset.prefetch_related("stories"))
        count = len(result.stories)
        self.message_user(
            request,
            f"{result.tokens} jeton(s) écrit(s) dans {count} article(s).",
            messages.SUCCESS if result.tokens else messages.INFO,
        )
        for problem in result.problems:
            self.message_user(request, problem, messages.WARNING)

    def has_write_permission(self, request):
        # The action rewrites stories' bodies, not only figures.
        return request.user.has_perms(
            ["trade.change_figure", "articles.change_article"]
        )

    @admin.display(description="incohérences")
    def checks(self, figure):
        if figure.pk is None:
            return "—"
        found = inconsistencies_of(figure)
        if not found:
            return "Aucune."
        acknowledged = {a.check_key for a in figure.acknowledgements.all()}
        # Acknowledged ones stay listed: the note answers what the check says.
        checks = [
            (i.key, CHECK_STATUS[i.severity, i.key in acknowledged], i.message)
            for i in found
        ]
        return render_to_string(
            "admin/trade/figure/includes/checks.html", {"checks": checks}
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for inconsistency in open_inconsistencies(form.instance):
            level = (
                "Avertissement" if inconsistency.severity == WARNING else "À vérifier"
            )
            self.message_user(
                request,
                f"{level}\u202f: {inconsistency.message} (clé {inconsistency.key})",
                messages.WARNING,
            )


@admin.register(Target)
class TargetAdmin(FrenchWording, admin.ModelAdmin):
    list_display = ["__str__", "basis", "target_value", "multiplier", "source"]
    autocomplete_fields = ["pair", "indicator", "source", "baseline"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(FrenchWording, admin.ModelAdmin):
    feminine = True
    form = AcknowledgementForm
    list_display = ["check_key", "figure", "created_at"]
    search_fields = ["check_key", "note"]
    autocomplete_fields = ["figure"]


class FigureStoryInline(admin.TabularInline):
    """The figures a story cites, on the story's own admin page (named in
    ``GAZETTE_STORY_ADMIN_INLINES``)."""

    model = Figure.stories.through
    autocomplete_fields = ["figure"]
    extra = 0
    verbose_name = "chiffre cité"
    verbose_name_plural = "chiffres cités (encadré « Chiffres clés »)"
    # Django's table prints each link row's name (« Figure_stories object
    # (1) »): a link has none, its « chiffre » column says it all.
    template = "admin/trade/figure/stories_inline.html"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "figure":
            kwargs["label"] = "chiffre"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
