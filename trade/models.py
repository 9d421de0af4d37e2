"""Structured trade figures: countries, indicators, sources, figures, targets.

Which figures readers see is decided once, in ``FigureQuerySet.published()``,
from ``Article.objects.published()``.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.functional import cached_property

from articles.models import Article
from articles.rendering import render_markdown
from articles.text import clean_text_fields

from . import formatting
from .tokens import TOKEN_RE

# The forms a token may ask for after the identifier:
# [[chiffre:identifiant:pour-cent]] writes a percentage as prose does;
# [[chiffre:identifiant:article]] writes the story's own words for the figure
# (« 1 700 kilomètres »), kept when they round the recorded value.
PERCENT_WORDS = "pour-cent"
STORY_WORDS = "article"


class Country(models.Model):
    code = models.CharField(
        "code ISO", max_length=2, unique=True, help_text="ISO 3166-1 alpha-2 : KZ, CN…"
    )
    name = models.CharField("nom", max_length=100)
    slug = models.SlugField("identifiant d’URL", max_length=100, unique=True)
    stories = models.ManyToManyField(
        "articles.Article",
        related_name="countries",
        blank=True,
        verbose_name="articles",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "pays"
        verbose_name_plural = "pays"
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_iso_alpha2",
                violation_error_message="Le code ISO tient en deux lettres : KZ, CN…",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)

    def clean(self):
        self.code = (self.code or "").upper()

    def get_absolute_url(self):
        return reverse("trade:country", kwargs={"slug": self.slug})


class Pair(models.Model):
    """Two countries whose trade gets a page; figures between them in either order."""

    first = models.ForeignKey(
        Country, models.PROTECT, related_name="+", verbose_name="premier pays"
    )
    second = models.ForeignKey(
        Country, models.PROTECT, related_name="+", verbose_name="second pays"
    )
    slug = models.SlugField("identifiant d’URL", max_length=200, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "paire de pays"
        verbose_name_plural = "paires de pays"
        constraints = [
            models.CheckConstraint(
                condition=~Q(first=models.F("second")),
                name="pair_two_countries",
                violation_error_message="Une paire réunit deux pays différents.",
            ),
            models.UniqueConstraint(fields=["first", "second"], name="pair_unique"),
        ]

    def __str__(self):
        return f"{self.first.name}\u2013{self.second.name}"

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("trade:pair", kwargs={"slug": self.slug})

    def between(self):
        """The condition on a figure's countries: this pair, in either order."""
        return Q(reporter_id=self.first_id, partner_id=self.second_id) | Q(
            reporter_id=self.second_id, partner_id=self.first_id
        )

    def published_figures(self) -> list:
        """Its published figures as ``FigureQuerySet.for_display`` gives them,
        in either order; their countries are this pair's own two, not two
        more rows read and built for every figure, and the figures of one
        source share one instance of it, so that what the page writes about
        a source (``Source.publisher_text``) is worked out once."""
        countries = {self.first_id: self.first, self.second_id: self.second}
        sources = {}
        figures = list(
            Figure.objects.published()
            .filter(self.between())
            .for_display()
            .select_related(None)
            .select_related("indicator", "source")
        )
        for figure in figures:
            figure.reporter = countries[figure.reporter_id]
            figure.partner = countries[figure.partner_id]
            if figure.source_id is not None:
                figure.source = sources.setdefault(figure.source_id, figure.source)
        return figures

    def holds(self, figure):
        """``between`` for a figure already loaded."""
        return {figure.reporter_id, figure.partner_id} == {
            self.first_id,
            self.second_id,
        }


class Unit(models.TextChoices):
    USD = "USD", "dollars"
    CNY = "CNY", "yuans"
    PERCENT = "PCT", "pour cent"
    KM = "KM", "kilomètres"
    # A rank among others (4 for « quatrième »), never added or averaged.
    RANK = "RNG", "rang"


class Scale(models.IntegerChoices):
    UNITS = 0, "unités"
    MILLIONS = 6, "millions"
    BILLIONS = 9, "milliards"


class Indicator(models.Model):
    slug = models.SlugField("identifiant", max_length=100, unique=True)
    name = models.CharField("nom", max_length=200)
    unit = models.CharField("unité", max_length=3, choices=Unit.choices)
    scale = models.PositiveSmallIntegerField("échelle", choices=Scale.choices)
    non_negative = models.BooleanField(
        "jamais négatif",
        default=True,
        help_text="Un montant échangé ne peut être négatif ; "
        "une variation peut l’être.",
    )
    change_of = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name="variation de",
        help_text="Pour une variation annuelle en %, l’indicateur dont elle mesure "
        "l’évolution : le site la compare aux deux années de même base.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)


# The languages sources are written in, as BCP 47 codes for the lang
# attribute of what the site quotes from them.
SOURCE_LANGUAGES = [
    ("fr", "français"),
    ("en", "anglais"),
    ("ru", "russe"),
    ("kk", "kazakh"),
    ("zh", "chinois"),
    ("it", "italien"),
    ("de", "allemand"),
    ("es", "espagnol"),
]


class Source(models.Model):
    publisher = models.CharField("éditeur", max_length=200)
    title = models.CharField("titre", max_length=300)
    url = models.URLField("adresse", max_length=500)
    published_on = models.DateField("date de publication", null=True, blank=True)
    language = models.CharField(
        "langue",
        max_length=8,
        choices=SOURCE_LANGUAGES,
        help_text="La langue du texte de la source : ses citations sont "
        "marquées dans cette langue pour les lecteurs d’écran et la traduction.",
    )

    class Meta:
        ordering = ["publisher", "title"]
        verbose_name = "source"
        verbose_name_plural = "sources"
        constraints = [
            models.UniqueConstraint(fields=["url"], name="source_unique_url")
        ]

    def __str__(self):
        return f"{self.publisher} — {self.title}"

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)

    @cached_property
    def publisher_text(self):
        """The publisher's name spaced as French prints it (``formatting.typeset``,
        as the ``french_text`` filter does), worked out once per instance: the
        figures of a pair page share their source's."""
        return formatting.typeset(self.publisher)


class Nature(models.TextChoices):
    REPORTED = "reported", "déclaré"
    ESTIMATE = "estimate", "estimation"
    TARGET = "target", "objectif"
    # Never stored: values the site computes carry this nature on the page and
    # in the downloads, so that they cannot pass for published numbers.
    DERIVED = "derived", "calculé"


class Basis(models.TextChoices):
    GACS = "GACS", "douanes chinoises (GACS)"
    KZ_NATIONAL = "KZ_NATIONAL", "statistiques kazakhes"
    STATEMENT = "STATEMENT", "déclaration, base non précisée"
    OTHER = "OTHER", "autre source, base non précisée"


# Labels by value, for the figures' get_FOO_display: Django's own builds
# this dictionary again at each call, and a pair page asks for hundreds.
NATURE_LABELS = dict(Nature.choices)
BASIS_LABELS = dict(Basis.choices)

# The bases a series is computed on. A statement without a stated basis is
# not a series: two such numbers may come from two different statistics.
SERIES_BASES = {Basis.GACS, Basis.KZ_NATIONAL}


class FigureQuerySet(models.QuerySet):
    def published(self):
        """Figures cited by a published story, and sourced reference figures.

        A figure tied to stories waits for one of them to be published, so a
        draft's numbers never leak; a sourced figure that no story cites is
        public reference data (the series of the pair pages).
        """
        links = Figure.stories.through.objects.filter(figure_id=OuterRef("pk"))
        # EXISTS per link, not IN: SQLite would list every published story,
        # however large the archive, before reading the first figure.
        cited = links.filter(
            Exists(Article.objects.published().filter(pk=OuterRef("article_id")))
        )
        reference = Q(source__isnull=False) & ~Exists(links)
        return self.filter(Exists(cited) | reference)

    def for_display(self):
        """With what every page, table and download shows, in period order;
        the editors' public notes as a list, ``acknowledgement_list``."""
        # A list rather than the prefetched ``acknowledgements`` manager,
        # which builds a QuerySet for every figure of a table.
        notes = Prefetch("acknowledgements", to_attr="acknowledgement_list")
        return (
            self.select_related("indicator", "reporter", "partner", "source")
            .prefetch_related(notes)
            .order_by("indicator__slug", "period_start", "period_end", "basis", "slug")
        )

    def with_pair(self):
        """With ``pair_slug`` and ``pair_name``, the page of each figure's pair of
        countries (None without one), read in the same query."""
        pairs = Pair.objects.filter(
            Q(first=OuterRef("reporter"), second=OuterRef("partner"))
            | Q(first=OuterRef("partner"), second=OuterRef("reporter"))
        )
        name = Concat("first__name", Value("\u2013"), "second__name")
        return self.annotate(
            pair_slug=Subquery(pairs.values("slug")[:1]),
            pair_name=Subquery(pairs.annotate(name=name).values("name")[:1]),
        )


class Figure(models.Model):
    slug = models.SlugField(
        "identifiant",
        max_length=100,
        unique=True,
        help_text="Sert dans le texte d’un article : [[chiffre:identifiant]].",
    )
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="figures", verbose_name="indicateur"
    )
    reporter = models.ForeignKey(
        Country,
        models.PROTECT,
        related_name="reported_figures",
        verbose_name="pays déclarant",
        help_text="Le pays dont la statistique ou le responsable donne le chiffre.",
    )
    partner = models.ForeignKey(
        Country,
        models.PROTECT,
        related_name="partner_figures",
        verbose_name="partenaire",
    )
    period_start = models.DateField("début de la période")
    period_end = models.DateField(
        "fin de la période",
        help_text="Une année : 1er janvier – 31 décembre ; un semestre, un trimestre "
        "ou un mois de même.",
    )
    value = models.DecimalField("valeur", max_digits=16, decimal_places=4)
    unit = models.CharField("unité", max_length=3, choices=Unit.choices)
    scale = models.PositiveSmallIntegerField("échelle", choices=Scale.choices)
    nature = models.CharField(
        "nature", max_length=10, choices=Nature.choices, default=Nature.REPORTED
    )
    basis = models.CharField(
        "base statistique",
        max_length=12,
        choices=Basis.choices,
        help_text="Jamais de comparaison entre deux bases : les douanes chinoises "
        "et les statistiques kazakhes diffèrent de plusieurs milliards par an.",
    )
    story_words = models.CharField(
        "mots de l’article",
        max_length=200,
        blank=True,
        help_text="Les mots exacts de l’article quand le chiffre en vient, "
        "par exemple « 43,8 milliards de dollars ».",
    )
    quote = models.TextField(
        "citation de la source", blank=True, help_text="La phrase exacte de la source."
    )
    source = models.ForeignKey(
        Source,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="figures",
        verbose_name="source",
        help_text="Sans source, le chiffre est signalé comme non vérifié.",
    )
    note = models.TextField("note publique", blank=True)
    stories = models.ManyToManyField(
        "articles.Article", related_name="figures", blank=True, verbose_name="articles"
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = FigureQuerySet.as_manager()

    class Meta:
        ordering = ["indicator__slug", "period_start", "period_end", "slug"]
        verbose_name = "chiffre"
        verbose_name_plural = "chiffres"
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="figure_period_end_after_start",
                violation_error_message="La fin de la période précède son début.",
            ),
            models.CheckConstraint(
                condition=~Q(nature=Nature.DERIVED),
                name="figure_derived_not_stored",
                violation_error_message=(
                    "Une valeur calculée ne se saisit pas : le site la calcule à "
                    "partir des chiffres publiés."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(reporter=models.F("partner")),
                name="figure_two_countries",
                violation_error_message=(
                    "Le partenaire doit être un autre pays que le déclarant."
                ),
            ),
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "reporter",
                    "partner",
                    "period_start",
                    "period_end",
                    "source",
                ],
                condition=Q(nature=Nature.REPORTED),
                name="figure_one_reported_per_source",
                violation_error_message=(
                    "Cette source a déjà un chiffre publié pour cet indicateur, "
                    "ces pays et cette période."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.slug} : {self.display()} ({self.period_label()})"

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)
        self._render_citing_stories()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._render_citing_stories()
        return result

    def clean(self):
        # The rules the database can hold are Meta.constraints (validated with
        # their own messages); these ones need the indicator or the stories.
        errors = {}
        indicator = self.indicator if self.indicator_id else None
        if indicator and indicator.non_negative and self.value is not None:
            if self.value < 0:
                errors["value"] = f"« {indicator.name} » ne peut pas être négatif."
        # One unit and scale per indicator, so that a series, its chart and its
        # checks never mix millions with billions.
        if indicator and self.unit and self.unit != indicator.unit:
            errors["unit"] = (
                f"« {indicator.name} » se mesure en {indicator.get_unit_display()}."
            )
        if (
            self.basis in SERIES_BASES
            and not self.source_id
            and self.nature == Nature.REPORTED
        ):
            errors["basis"] = (
                f"Sans source, un chiffre est une « {Basis.STATEMENT.label} » : "
                f"rien ne dit qu’il vient des {Basis(self.basis).label}. "
                "Ajoutez la source ou changez la base."
            )
        if indicator and self.scale is not None and self.scale != indicator.scale:
            errors["scale"] = (
                f"« {indicator.name} » se compte en {indicator.get_scale_display()}."
            )
        if self.pk and "slug" not in errors:
            old = (
                Figure.objects.filter(pk=self.pk).values_list("slug", flat=True).first()
            )
            if old and old != self.slug and stories_citing(old):
                errors["slug"] = (
                    f"Des articles écrivent [[chiffre:{old}]] : changez d’abord leur "
                    "texte, sinon le chiffre disparaîtrait de leurs phrases."
                )
        if errors:
            raise ValidationError(errors)

    def get_nature_display(self):
        return NATURE_LABELS.get(self.nature, self.nature)

    def get_basis_display(self):
        return BASIS_LABELS.get(self.basis, self.basis)

    def token(self, form=""):
        """The Markdown token that writes this figure into a story."""
        return f"[[chiffre:{self.slug}:{form}]]" if form else f"[[chiffre:{self.slug}]]"

    def _render_citing_stories(self):
        # Stories embed the figure's words in their rendered body: re-render them
        # so the sentence never disagrees with the record. Only those whose
        # words change are saved, so reloading the seed leaves them untouched.
        for story in stories_citing(self.slug):
            if render_markdown(story.body) != story.body_html:
                story.save(update_fields=["body"])

    def forms(self):
        """The forms a token may write this figure in ("" being the usual one)."""
        forms = ["", PERCENT_WORDS] if self.unit == Unit.PERCENT else [""]
        if self.story_words.strip():
            forms.append(STORY_WORDS)
        return forms

    def display(self, form=""):
        """The value in French words: « 43,8 milliards de dollars », « +9,2 % »;
        a percentage in the form ``pour-cent``: « 9,2 pour cent »; the story's
        own words in the form ``article``."""
        if form == PERCENT_WORDS and self.unit == Unit.PERCENT:
            return formatting.format_percent_words(self.value)
        if form == STORY_WORDS and self.story_words.strip():
            return formatting.typeset(self.story_words)
        return formatting.format_value(self.value, self.unit, self.scale)

    def is_sourced_series(self):
        """Whether computations may use it: a reported figure, with a source,
        on a stated statistical basis (Chinese customs or Kazakh statistics)."""
        return (
            self.nature == Nature.REPORTED
            and self.source_id is not None
            and self.basis in SERIES_BASES
        )

    def period_label(self):
        return formatting.format_period(self.period_start, self.period_end)

    def is_annual(self):
        return formatting.is_calendar_year(self.period_start, self.period_end)

    def precision(self):
        """Decimal places the value was given with (43.82 → 2, 44 → 0)."""
        exponent = self.value.normalize().as_tuple().exponent
        return max(0, -exponent)

    def half_unit(self):
        """Half a unit of the last digit given: the rounding the value may hide."""
        return Decimal(5).scaleb(-self.precision() - 1)


def stories_citing(slug):
    """Stories whose body writes the figure ``slug`` as a token, in any form."""
    candidates = Article.objects.filter(body__contains=f"[[chiffre:{slug}")
    return [
        story
        for story in candidates
        if any(m.group(1) == slug for m in re.finditer(TOKEN_RE, story.body))
    ]


class Target(models.Model):
    """A stated goal, e.g. doubling the pair's trade by 2030, with its statement."""

    slug = models.SlugField("identifiant", max_length=100, unique=True)
    pair = models.ForeignKey(
        Pair, models.PROTECT, related_name="targets", verbose_name="paire"
    )
    indicator = models.ForeignKey(
        Indicator, models.PROTECT, related_name="targets", verbose_name="indicateur"
    )
    basis = models.CharField(
        "série suivie",
        max_length=12,
        choices=Basis.choices,
        help_text="La base des chiffres auxquels l’objectif est comparé.",
    )
    statement = models.TextField(
        "déclaration", help_text="Les mots exacts de la source."
    )
    source = models.ForeignKey(
        Source, models.PROTECT, related_name="targets", verbose_name="source"
    )
    baseline = models.ForeignKey(
        Figure,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="chiffre de départ",
        help_text="Laissez vide si la source ne dit pas de quelle base elle part : "
        "la page le dira.",
    )
    multiplier = models.DecimalField(
        "multiplicateur",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="2 pour « doubler ».",
    )
    target_value = models.DecimalField(
        "valeur visée", max_digits=16, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField("unité", max_length=3, choices=Unit.choices)
    scale = models.PositiveSmallIntegerField("échelle", choices=Scale.choices)
    target_year = models.PositiveSmallIntegerField("année visée")
    stated_year = models.PositiveSmallIntegerField(
        "année de la déclaration",
        null=True,
        blank=True,
        help_text="Sans base de départ donnée par la source, le chemin vers "
        "l’objectif part du dernier chiffre annuel de la série suivie antérieur "
        "à cette année (« doubler » se dit du niveau connu quand on le dit).",
    )
    note = models.TextField("note publique", blank=True)

    class Meta:
        ordering = ["target_year", "pk"]
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        constraints = [
            models.CheckConstraint(
                condition=Q(multiplier__isnull=False) | Q(target_value__isnull=False),
                name="target_has_multiplier_or_value",
                violation_error_message=(
                    "Indiquez un multiplicateur ou une valeur visée."
                ),
            ),
            models.CheckConstraint(
                condition=Q(multiplier__isnull=True) | Q(multiplier__gt=0),
                name="target_multiplier_positive",
                violation_error_message="Le multiplicateur doit être positif.",
            ),
        ]

    def __str__(self):
        return f"{self.pair} : objectif {self.target_year}"

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)
        # Stories write the target's year and link: keep them in step.
        for story in Article.objects.filter(body__contains=self.token()):
            if render_markdown(story.body) != story.body_html:
                story.save(update_fields=["body"])

    def clean(self):
        baseline = self.baseline if self.baseline_id else None
        if baseline is not None and not (
            baseline.is_sourced_series() and baseline.basis == self.basis
        ):
            raise ValidationError(
                {
                    "baseline": "Le chiffre de départ doit être sourcé et de la "
                    f"série suivie ({Basis(self.basis).label}) : sinon le calcul "
                    "ne peut pas partir de lui."
                }
            )
        if self.pk:
            old = Target.objects.filter(pk=self.pk).values_list("slug", flat=True)
            old = old.first()
            token = f"[[objectif:{old}]]"
            if old and old != self.slug and Article.objects.filter(
                body__contains=token
            ).exists():
                raise ValidationError(
                    {
                        "slug": f"Des articles écrivent {token} : changez d’abord "
                        "leur texte, sinon l’année disparaîtrait de leurs phrases."
                    }
                )

    def token(self):
        """The Markdown token that writes the target's year into a story."""
        return f"[[objectif:{self.slug}]]"

    def get_absolute_url(self):
        return f"{self.pair.get_absolute_url()}#objectif-{self.slug}"


class Acknowledgement(models.Model):
    """An editor's public answer to an inconsistency the checks found (the
    admin's ``AcknowledgementForm`` refuses a key the checks do not give for
    its figure)."""

    figure = models.ForeignKey(
        Figure, models.CASCADE, related_name="acknowledgements", verbose_name="chiffre"
    )
    check_key = models.CharField(
        "contrôle",
        max_length=200,
        unique=True,
        help_text="La clé du contrôle, telle que l’affiche check_figures.",
    )
    note = models.TextField(
        "note publique", help_text="Montrée aux lecteurs à côté du chiffre."
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        ordering = ["check_key"]
        verbose_name = "incohérence reconnue"
        verbose_name_plural = "incohérences reconnues"

    def __str__(self):
        return self.check_key

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        super().save(*args, **kwargs)
