from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from .markdown_fr import french_typography
from .rendering import render_markdown
from .search import fold


class Topic(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d’URL", max_length=100, unique=True)
    description = models.TextField(
        "description", blank=True, help_text="Une ou deux phrases, montrées en tête de la page du thème."
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "thème"
        verbose_name_plural = "thèmes"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:topic", kwargs={"slug": self.slug})


class Kind(models.TextChoices):
    ARTICLE = "article", "Article"
    BRIEF = "brief", "Brève"


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    REVIEW = "review", "En relecture"
    PUBLISHED = "published", "Publié"


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Visible to readers: marked published and not scheduled for later."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def articles(self):
        """Full articles only (not briefs)."""
        return self.filter(kind=Kind.ARTICLE)

    def briefs(self):
        """Briefs only."""
        return self.filter(kind=Kind.BRIEF)


class Article(models.Model):
    """A story: a full article or a short brief, told apart by ``kind``."""

    title = models.CharField("titre", max_length=255)
    slug = models.SlugField(
        "identifiant d’URL",
        max_length=255,
        unique=True,
        help_text="Forme l’adresse de la page ; ne le changez plus une fois l’article publié.",
    )
    kind = models.CharField(
        "type", max_length=10, choices=Kind.choices, default=Kind.ARTICLE
    )
    standfirst = models.TextField(
        "chapô", blank=True, help_text="Le résumé en tête d’article, en texte simple."
    )
    body = models.TextField(
        "texte",
        blank=True,
        help_text="En Markdown : paragraphes séparés par une ligne vide, ## pour un intertitre, "
        "tableaux et notes[^1] acceptés. Le HTML brut est retiré.",
    )
    body_html = models.TextField(editable=False, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        "date de publication",
        null=True,
        blank=True,
        help_text="Les lecteurs ne voient l’article qu’une fois publié et cette date passée ; "
        "une date future le programme.",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    dateline = models.CharField(
        "lieu", max_length=100, blank=True, default="Paris", help_text="Ville d’où l’article est écrit."
    )
    credit = models.CharField("signature", max_length=100, blank=True, default="La Gazette")
    topics = models.ManyToManyField(
        Topic, verbose_name="thèmes", related_name="articles", blank=True
    )
    related = models.ManyToManyField(
        "self",
        verbose_name="articles liés",
        blank=True,
        symmetrical=True,
        help_text="Les brèves rattachées à un article (le lien vaut dans les deux sens).",
    )
    search_title = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(
        editable=False,
        blank=True,
        default="",
        help_text="Chapô et texte sans accents ni capitales, pour la recherche.",
    )
    # Filled by a database trigger on PostgreSQL only (see articles/search.py).
    search_document = SearchVectorField(null=True, editable=False)
    wire_ref = models.CharField(
        "référence de dépêche",
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Identifie la dépêche importée, pour qu’un nouvel import la mette à jour.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "article"
        verbose_name_plural = "articles"
        indexes = [
            models.Index(fields=["status", "-published_at"], name="article_status_pub_idx"),
            models.Index(fields=["kind", "status", "-published_at"], name="article_kind_pub_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.title = french_typography(self.title)
        self.standfirst = french_typography(self.standfirst)
        if not self.slug:
            self.slug = slugify(self.title)[:255]
        self.body_html = render_markdown(self.body)
        self.search_title = fold(self.title)
        self.search_text = fold(f"{self.standfirst}\n{self.body}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "title", "standfirst"}
        if update_fields is not None and {"title", "standfirst", "body"} & {*update_fields}:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "search_title",
                "search_text",
            }
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def is_published(self):
        """Mirror of ``ArticleQuerySet.published()`` for one instance."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_brief(self):
        return self.kind == Kind.BRIEF
