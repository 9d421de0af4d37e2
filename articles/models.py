import html
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.contrib.postgres.search import SearchVectorField
from django.db import models, router, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .markdown_fr import french_typography
from .rendering import markdown_problems, render_markdown
from .search import fold
from .text import clean_text_fields


class Topic(models.Model):
    name = models.CharField("nom", max_length=100, unique=True)
    slug = models.SlugField("identifiant d’URL", max_length=100, unique=True)
    description = models.TextField(
        "description", blank=True, help_text="Une ou deux phrases, montrées en tête de la page du thème."
    )
    # The site's menu is the editors' choice, not every topic in use: an
    # archive has hundreds, all listed in « L’info de A à Z ».
    menu_position = models.PositiveIntegerField(
        "place dans le menu",
        null=True,
        blank=True,
        help_text="1 pour le premier lien du menu du site, 2 pour le suivant… "
        "Vide : le thème n’est pas dans le menu, mais reste dans l’index des thèmes. "
        "Un thème sans article publié n’y apparaît pas.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "thème"
        verbose_name_plural = "thèmes"

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        clean_text_fields(self)
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


def new_preview_nonce():
    return secrets.token_urlsafe(12)


class EditConflict(Exception):
    """The story changed in the database since the version being saved was read.

    Raised from inside the save: the enclosing transaction must be rolled back,
    so catch it outside an ``atomic`` block or wrap the save in one.
    """


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Visible to readers: marked published and not scheduled for later."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def marked_published(self):
        """Marked published with a publication time: shown to readers once
        it has come (``published()``), scheduled until then."""
        return self.filter(status=Status.PUBLISHED, published_at__isnull=False)

    def scheduled(self):
        """Marked published, with a publication time still to come."""
        return self.marked_published().filter(published_at__gt=timezone.now())

    def articles(self):
        """Full articles only (not briefs)."""
        return self.filter(kind=Kind.ARTICLE)

    def briefs(self):
        """Briefs only."""
        return self.filter(kind=Kind.BRIEF)


# Derived columns are rebuilt on save: a revision keeps what editors wrote.
# Topics and related stories are part of a version too: a restore brings
# them back. Kept by name: its public create_historical_record() lets the
# admin record a story and its links, saved in steps, as one version
# (articles.keeping).
STORY_HISTORY = HistoricalRecords(
    excluded_fields=[
        "body_html",
        "search_title",
        "search_text",
        "search_document",
        "search_title_document",
        # Bookkeeping of the importer and of preview links: restoring an
        # old version must not bring back a revoked link.
        "wire_fields",
        "preview_nonce",
        # The hand-off between writer and editor: the admin's log and the
        # e-mails keep it; a restore must not bring back an old one.
        "status_changed_at",
        "review_note",
        "review_note_by",
    ],
    m2m_fields=["topics", "related"],
    verbose_name="version d’article",
    verbose_name_plural="versions d’article",
)


class Article(models.Model):
    """A story: a full article or a short brief, told apart by ``kind``."""

    title = models.CharField("titre", max_length=255)
    slug = models.SlugField(
        "identifiant d’URL",
        max_length=255,
        unique=True,
        help_text="Forme l’adresse de la page. Changé après publication, l’ancienne "
        "adresse renvoie vers la nouvelle.",
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
    search_title_document = SearchVectorField(null=True, editable=False)
    wire_ref = models.CharField(
        "référence de dépêche",
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        editable=False,
        help_text="Identifie la dépêche importée (ou l’entrée du contenu de départ), "
        "pour qu’un nouvel import retrouve le même article.",
    )
    wire_fields = models.JSONField(
        "empreinte de l’import",
        default=dict,
        blank=True,
        editable=False,
        help_text="Empreinte de chaque champ tel que le dernier import l’a écrit : "
        "un nouvel import refuse d’écraser un champ modifié depuis.",
    )
    preview_nonce = models.CharField(
        "clé des liens de prévisualisation",
        max_length=32,
        default=new_preview_nonce,
        editable=False,
        help_text="Change quand l’article est dépublié ou que ses liens sont révoqués : "
        "les liens signés avec l’ancienne clé ne marchent plus.",
    )
    version = models.PositiveIntegerField(
        "version",
        default=1,
        editable=False,
        help_text="Augmente à chaque enregistrement ; empêche d’écraser une version "
        "plus récente.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="modifié par",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status_changed_at = models.DateTimeField(
        "état changé le",
        null=True,
        blank=True,
        editable=False,
        help_text="Quand l’article a pris son état actuel (« En relecture depuis… »).",
    )
    review_note = models.TextField(
        "commentaire de relecture",
        blank=True,
        editable=False,
        help_text="Pourquoi un éditeur a renvoyé l’article au rédacteur ; montré au "
        "rédacteur sur l’article jusqu’à ce qu’il reparte en relecture ou paraisse.",
    )
    review_note_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="renvoyé par",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()
    history = STORY_HISTORY

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "article"
        verbose_name_plural = "articles"
        permissions = [("publish_article", "Peut publier, programmer et dépublier")]
        indexes = [
            # With the id, a listing reads the ids of its page from the index
            # alone (articles.search.ids_first), in the order it shows them.
            models.Index(
                fields=["status", "-published_at", "-id"], name="article_status_pub_id_idx"
            ),
            models.Index(
                fields=["kind", "status", "-published_at", "-id"],
                name="article_kind_pub_id_idx",
            ),
            # Conditional GET reads the latest edit of any story (articles.conditional).
            models.Index(fields=["-updated_at"], name="article_updated_idx"),
        ]

    def __str__(self):
        return self.title

    def render(self):
        """Fill what is derived from the text: the body's HTML and the folded
        words search reads."""
        self.body_html = render_markdown(self.body)
        self.search_title = fold(self.title)
        # The words readers read: figure tokens and other extensions' output
        # are searched as rendered, not as the Markdown that writes them.
        text = html.unescape(strip_tags(self.body_html))
        self.search_text = fold(f"{self.standfirst}\n{text}")

    def save(self, *args, **kwargs):
        self.tidy_text()
        if not self.slug:
            self.slug = slugify(self.title)[:255]
        self.render()
        if self.status != Status.DRAFT:
            # A send-back comment is about the draft it returned: once the
            # story is in review again or out, it is settled.
            self.review_note, self.review_note_by = "", None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra = {"version", "updated_at"}
            if "status" in update_fields:
                extra |= {"status_changed_at", "review_note", "review_note_by"}
            if "body" in update_fields:
                extra |= {"body_html", "title", "standfirst"}
            if {"title", "standfirst", "body"} & {*update_fields}:
                extra |= {"search_title", "search_text"}
            kwargs["update_fields"] = {*update_fields, *extra}
        if self._state.adding:
            self.status_changed_at = self.status_changed_at or timezone.now()
            super().save(*args, **kwargs)
            return
        using = kwargs.get("using") or router.db_for_write(Article, instance=self)
        # The check and the write share one transaction: the conditional UPDATE
        # takes the row's write lock, so a save based on a stale read matches
        # no row, even one racing this one, instead of overwriting newer work.
        # No savepoint, as in Model.save_base: on a conflict the caller's
        # transaction is rolled back.
        with transaction.atomic(using=using, savepoint=False):
            expected = self.version
            rows = Article.objects.using(using).filter(pk=self.pk)
            claimed = rows.filter(version=expected).update(version=expected + 1)
            before = rows.only("slug", "status", "published_at").get()
            if not claimed:
                raise EditConflict(self.pk)
            if before.status != self.status:
                self.status_changed_at = timezone.now()
            if before.status == Status.PUBLISHED and self.status != Status.PUBLISHED:
                # Withdrawn from readers, by whatever path: the preview links
                # sent so far must stop showing it.
                self.preview_nonce = new_preview_nonce()
                if update_fields is not None:
                    kwargs["update_fields"] |= {"preview_nonce"}
            self.version = expected + 1
            try:
                super().save(*args, **kwargs)
            except Exception:
                # Rolled back: the instance still holds the version it read.
                self.version = expected
                raise
        if before.slug != self.slug:
            self._slug_moved(before)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def tidy_text(self):
        """Put the typed text in the form it is stored in: clean characters,
        LF line ends, French spacing in the title and standfirst."""
        clean_text_fields(self)
        self.title = french_typography(self.title)
        self.standfirst = french_typography(self.standfirst)

    def clean(self):
        clean_text_fields(self)
        problems = markdown_problems(self.body)
        if problems:
            raise ValidationError({"body": problems})
        # save() adds French spacing (« », ;, :) before storing the title.
        limit = self._meta.get_field("title").max_length
        spaced = len(french_typography(self.title))
        if spaced > limit:
            raise ValidationError(
                {
                    "title": f"Le titre fait {spaced} caractères une fois les espaces "
                    f"typographiques ajoutées ; {limit} au plus."
                }
            )
        if self.status == Status.PUBLISHED:
            self.publish()

    def publish(self):
        """Mark published; without a publication time, publish now."""
        self.status = Status.PUBLISHED
        if self.published_at is None:
            # Whole seconds, as the admin's date and time fields show them.
            self.published_at = timezone.now().replace(microsecond=0)

    def _slug_moved(self, before):
        # A reader may hold the old address of a story that was public: keep it
        # answering. An address taken back by the story needs no redirect.
        SlugRedirect.objects.filter(old_slug=self.slug).delete()
        if before.is_published():
            SlugRedirect.objects.update_or_create(
                old_slug=before.slug, defaults={"article": self}
            )

    def is_published(self):
        """Mirror of ``ArticleQuerySet.published()`` for one instance."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def modified_at(self):
        """Last change readers see (edits and corrections alike), or the
        publication if later: a scheduled story is saved before its time."""
        return max(d for d in (self.updated_at, self.published_at) if d is not None)

    @property
    def is_brief(self):
        return self.kind == Kind.BRIEF

    @property
    def is_scheduled(self):
        """Marked published with a publication time still to come."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and not self.is_published()
        )


class FacetEntryQuerySet(models.QuerySet):
    def published(self):
        """Entries of the stories readers see: entries are made for stories
        ``marked_published()``, and readers see those whose time has come,
        as ``ArticleQuerySet.published()`` says."""
        return self.filter(published_at__lte=timezone.now())

    def listing(self, facet, value, oldest_first=False):
        """The ids of the published stories under one value of a facet, in
        the listings' order (newest first, or oldest with ``oldest_first``),
        read from the index alone."""
        order = ("published_at", "article") if oldest_first else ("-published_at", "-article")
        entries = self.published().filter(facet=facet, value=value).order_by(*order)
        return entries.values_list("article", flat=True)


class FacetEntry(models.Model):
    """A story marked published (scheduled ones included) under one value of
    a facet: a topic, a country, named by Article's relation and the id of
    the other end. Derived from the stories and their links, never edited:
    ``articles.facets`` rebuilds a story's entries whenever it or its links
    change.

    It carries the publication time next to the facet value, which the link
    tables cannot: a listing narrowed to one topic reads the ids of its page
    from the index below, as many entries as the page shows, where with the
    link table the database walks every story by date past the other topics'
    (the rarer the topic, the longer the walk) or sorts all the topic's
    stories for every page. ``manage.py rebuild_listings_index`` writes it
    anew after writes that send no signal."""

    facet = models.CharField(max_length=30)
    value = models.PositiveIntegerField()
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField()

    objects = FacetEntryQuerySet.as_manager()
    # Written with the changes it follows from, which draw a new content
    # version (pagecache): its own changes need not draw another.
    derived = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "facet", "value"], name="facet_entry_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["facet", "value", "-published_at", "-article"],
                name="facet_entry_listing_idx",
            )
        ]
        verbose_name = "entrée de l’index des listes"
        verbose_name_plural = "entrées de l’index des listes"

    def __str__(self):
        # The facet is a relation of Article's (a topic, a country): named
        # after what it points to, as editors see it in a deletion's list.
        try:
            kind = Article._meta.get_field(self.facet).related_model._meta.verbose_name
        except FieldDoesNotExist:
            kind = self.facet
        return (
            f"article n°\N{NO-BREAK SPACE}{self.article_id} classé sous {kind} "
            f"n°\N{NO-BREAK SPACE}{self.value}"
        )


class Correction(models.Model):
    """A dated, public note on what a published story got wrong."""

    article = models.ForeignKey(
        Article,
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    corrected_at = models.DateTimeField("date", default=timezone.now)
    wrong = models.TextField("ce qui était faux", help_text="Ce que l’article disait.")
    right = models.TextField(
        "ce qui est exact", help_text="La version corrigée, en texte simple."
    )
    public = models.BooleanField(
        "publique",
        default=True,
        help_text="Affichée sous l’article, alors signalé « corrigé » dans les listes.",
    )

    class Meta:
        ordering = ["corrected_at", "pk"]
        verbose_name = "correction"
        verbose_name_plural = "corrections"

    def __str__(self):
        return f"Correction du {self.corrected_at:%d/%m/%Y} : {self.article}"

    def save(self, *args, **kwargs):
        clean_text_fields(self)
        # Readers and feeds date the story by updated_at: a correction is a
        # change to the story even though no field of the story moved. First,
        # so that the content version the save draws (pagecache) is
        # drawn after it, for the values kept per version to see it.
        Article.objects.filter(pk=self.article_id).update(updated_at=timezone.now())
        super().save(*args, **kwargs)


class SlugRedirect(models.Model):
    """A former address of a published story, answered with a 301 to the current one."""

    old_slug = models.SlugField(
        "ancien identifiant d’URL", max_length=255, unique=True
    )
    article = models.ForeignKey(
        Article,
        verbose_name="article",
        on_delete=models.CASCADE,
        related_name="slug_redirects",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "redirection d’adresse"
        verbose_name_plural = "redirections d’adresse"

    def __str__(self):
        return f"{self.old_slug} → {self.article.slug}"


class Autosave(models.Model):
    """What one person has typed in a story's form and not saved yet, kept
    every few seconds apart from the story (as WordPress keeps autosaves):
    never shown to readers, never a version, deleted when that person saves
    the story. Its times also tell who has the story open (``PRESENCE``)."""

    # A heartbeat comes every 30 seconds while the form is open: a row this
    # recent means its author is still editing.
    PRESENCE = timedelta(seconds=90)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.CASCADE,
        related_name="+",
    )
    story = models.ForeignKey(
        Article,
        verbose_name="article",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="autosaves",
        help_text="Vide pour un article pas encore enregistré.",
    )
    fields = models.JSONField("texte non enregistré", default=dict, blank=True)
    started_at = models.DateTimeField("ouvert depuis", default=timezone.now)
    saved_at = models.DateTimeField("vu le", default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "story"], name="autosave_one_per_story"
            ),
            # NULLs are distinct in a unique constraint: one new story each.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(story__isnull=True),
                name="autosave_one_new_story",
            ),
        ]
        indexes = [
            models.Index(fields=["story", "-saved_at"], name="autosave_presence_idx")
        ]
        verbose_name = "sauvegarde automatique"
        verbose_name_plural = "sauvegardes automatiques"

    def __str__(self):
        return f"Sauvegarde automatique de {self.user} ({self.story or 'nouvel article'})"
