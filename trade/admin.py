from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Case, IntegerField, Value, When
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.text import Truncator

from articles.admin_wording import FrenchWording

from .checks import (
    ERROR,
    WARNING,
    acknowledgement_problem,
    inconsistencies_of,
    open_by_figure,
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


class OpenProblemsFilter(admin.SimpleListFilter):
    """Figures with or without unacknowledged inconsistencies; reads the
    ``open_problems`` count that ``FigureAdmin`` gives its list."""

    title = "incohérences ouvertes"
    parameter_name = "ouvertes"

    def lookups(self, request, model_admin):
        return [("oui", "Oui"), ("non", "Non")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(open_problems__gt=0)
        if self.value() == "non":
            return queryset.filter(open_problems=0)
        return queryset


def with_open_problems(queryset):
    """The figures, each with ``open_problems``: how many inconsistencies
    about it no editor has acknowledged, from one run of the checks."""
    pks_by_count = {}
    for pk, found in open_by_figure().items():
        pks_by_count.setdefault(len(found), []).append(pk)
    # One WHEN per distinct count, not per figure: a short CASE whatever the
    # number of figures, which the list may filter and sort on.
    counts = [When(pk__in=pks, then=Value(n)) for n, pks in pks_by_count.items()]
    return queryset.annotate(
        open_problems=Case(*counts, default=Value(0), output_field=IntegerField())
    )


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
    """An acknowledgement, refused with why when the checks give no open
    inconsistency of that key about its figure (``acknowledgement_problem``)."""

    def clean(self):
        cleaned = super().clean()
        if "figure" in self.fields:
            figure = cleaned.get("figure")
            figure_id = figure.pk if figure else None
        else:  # An inline, or the acknowledge page: the figure is the page's.
            figure_id = self.instance.figure_id
        key = cleaned.get("check_key")
        if key and figure_id:
            problem = acknowledgement_problem(
                key, figure_id, acknowledgement_id=self.instance.pk
            )
            if problem:
                # A field with an error is left out of the model's unique
                # check, whose message would be Django's generic one.
                self.add_error("check_key", problem)
        return cleaned


NO_KEY = (
    "Aucune incohérence choisie\u202f: suivez « Reconnaître… » à côté de l’une "
    "d’elles."
)


class AcknowledgeForm(AcknowledgementForm):
    """The public note that acknowledges one inconsistency of a figure, its
    key given by the « Reconnaître… » link that leads here: nobody types it."""

    class Meta:
        model = Acknowledgement
        fields = ["check_key", "note"]
        widgets = {"check_key": forms.HiddenInput}
        error_messages = {"check_key": {"required": NO_KEY}}
        help_texts = {
            "note": "Obligatoire. Montrée aux lecteurs à côté du chiffre\u202f: "
            "dites pourquoi l’écart n’est pas une erreur, ou d’où il vient."
        }


class AcknowledgementInline(admin.StackedInline):
    """The figure's acknowledgements, each key chosen in a list of the
    figure's inconsistencies rather than typed."""

    model = Acknowledgement
    form = AcknowledgementForm
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        if obj is not None:
            # Keys already given stay choosable, even one the checks no longer
            # find: its row must save unchanged.
            given = [(a.check_key, a.check_key) for a in obj.acknowledgements.all()]
            found = [
                (i.key, Truncator(f"{i.key}\u202f: {i.message}").chars(90))
                for i in inconsistencies_of(obj)
            ]
            choices = {"": "—", **dict(given), **dict(found)}
            kwargs["widgets"] = {"check_key": forms.Select(choices=choices.items())}
        return super().get_formset(request, obj, **kwargs)


@admin.register(Figure)
class FigureAdmin(FrenchWording, admin.ModelAdmin):
    list_display = [
        "slug",
        "indicator",
        "display",
        "period_label",
        "source",
        "open_problems",
        "reporter",
        "basis",
        "nature",
    ]
    # Named: a bare select_related() leaves out the nullable source.
    list_select_related = ["indicator", "reporter", "source"]
    list_filter = [
        OpenProblemsFilter,
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

    @admin.display(description="incohérences ouvertes", ordering="open_problems")
    def open_problems(self, figure):
        return figure.open_problems

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # Only the list counts open inconsistencies: the checks read every
        # figure, too much for a figure's own page or an autocomplete.
        page = request.resolver_match.url_name if request.resolver_match else ""
        if page == f"{self.opts.app_label}_{self.opts.model_name}_changelist":
            queryset = with_open_problems(queryset)
        return queryset

    def get_urls(self):
        acknowledge = path(
            "<path:object_id>/reconnaitre/",
            self.admin_site.admin_view(self.acknowledge_view),
            name="trade_figure_acknowledge",
        )
        # Before the admin's "<id>/" catch-all, which would swallow it.
        return [acknowledge, *super().get_urls()]

    def acknowledge_view(self, request, object_id):
        """« Reconnaître… »: the public note that closes one inconsistency of
        the figure, its key given in ``cle`` by the link; then back to
        ``next`` (the story form the link was on) or the figure's page."""
        figure = self.get_object(request, unquote(object_id))
        if figure is None:
            raise Http404("Chiffre introuvable.")
        # Whoever may add an acknowledgement in the admin may do it here.
        opts = Acknowledgement._meta
        if not request.user.has_perm(
            f"{opts.app_label}.{get_permission_codename('add', opts)}"
        ):
            raise PermissionDenied
        acknowledgement = Acknowledgement(figure=figure)
        if request.method == "POST":
            form = AcknowledgeForm(request.POST, instance=acknowledgement)
            key = request.POST.get("check_key", "")
            refused = None
            if form.is_valid():
                form.save()
                self.log_addition(request, acknowledgement, "Incohérence reconnue.")
                self.message_user(
                    request,
                    f"Incohérence reconnue sur le chiffre {figure.slug}\u202f: "
                    "votre note est montrée aux lecteurs à côté du chiffre.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self.back_url(request, figure))
            if "check_key" in form.errors:
                refused = " ".join(form.errors["check_key"])
        else:
            key = request.GET.get("cle", "")
            form = AcknowledgeForm(initial={"check_key": key}, instance=acknowledgement)
            refused = acknowledgement_problem(key, figure.pk) if key else NO_KEY
        inconsistency = {i.key: i for i in inconsistencies_of(figure)}.get(key)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reconnaître une incohérence",
            "opts": self.opts,
            "original": figure,
            "form": form,
            "inconsistency": inconsistency,
            "status": inconsistency and CHECK_STATUS[inconsistency.severity, False],
            "refused": refused,
            "back_url": self.back_url(request, figure),
        }
        # A key that cannot be acknowledged here is a bad address, not a
        # form to correct: the page says why, and offers no form.
        return TemplateResponse(
            request,
            "admin/trade/figure/acknowledge.html",
            context,
            status=400 if refused else 200,
        )

    def back_url(self, request, figure):
        """Where the acknowledge page leads back: ``next`` when it is an
        address of this site, else the figure's page."""
        back = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return back
        return reverse("admin:trade_figure_change", args=[figure.pk])

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
        acknowledge = reverse("admin:trade_figure_acknowledge", args=[figure.pk])
        # Acknowledged ones stay listed: the note answers what the check says.
        checks = [
            (
                i.key,
                CHECK_STATUS[i.severity, i.key in acknowledged],
                i.message,
                None
                if i.key in acknowledged
                else f"{acknowledge}?{urlencode({'cle': i.key})}",
            )
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


class FigureLinkFormSet(BaseInlineFormSet):
    """The links between a story and its figures, which also know the
    figures' open inconsistencies (shown above the links)."""

    @cached_property
    def open_problems(self):
        """The unacknowledged inconsistencies of the story's saved figures,
        by figure then key; None for a story with no figure."""
        if self.instance.pk is None:
            return None
        figure_ids = set(
            Figure.objects.filter(stories=self.instance).values_list("pk", flat=True)
        )
        if not figure_ids:
            return None
        found = open_by_figure(figure_ids)
        return sorted(
            (i for problems in found.values() for i in problems),
            key=lambda i: (i.figure.slug, i.key),
        )


class FigureStoryInline(admin.TabularInline):
    """The figures a story cites, on the story's own admin page (named in
    ``GAZETTE_STORY_ADMIN_INLINES``), below the list of their open
    inconsistencies, each with « Reconnaître… »."""

    model = Figure.stories.through
    formset = FigureLinkFormSet
    autocomplete_fields = ["figure"]
    extra = 0
    verbose_name = "chiffre cité"
    verbose_name_plural = "chiffres cités (encadré « Chiffres clés »)"
    # Django's table prints each link row's name (« Figure_stories object
    # (1) »): a link has none, its « chiffre » column says it all.
    template = "admin/trade/figure/stories_inline.html"

    class Media:
        css = {"all": ["css/admin-figures.css"]}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "figure":
            kwargs["label"] = "chiffre"
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
