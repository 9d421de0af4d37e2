"""The newsroom: roles, draft → review → published, history, and no lost edit.

Writers (« Rédacteurs ») create stories and edit their own until they are
published; editors (« Éditeurs », the ``publish_article`` permission) edit,
publish, schedule, unpublish and delete everything.
"""

from csp.constants import SELF
from csp.decorators import csp_replace
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import models, transaction
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import to_historic

from .admin_surface import AddressSlugInput, story_address, surface_widgets
from .admin_wording import FrenchWording
from .conflicts import Conflict
from .desk import short_date
from .keeping import KeepMixin
from .models import (
    Article,
    Correction,
    EditConflict,
    SlugRedirect,
    Status,
    Topic,
    new_preview_nonce,
)
from .panels import story_admin_inlines
from .publishing import PublishingAdmin
from .rendering import render_markdown
from .revisions import (
    RESTORE_OPTIONS,
    RESTORED_TEXT,
    changed_fields,
    keep_current_values,
    linked_ids,
    links_by_record,
    restore_message,
    restored_fields,
    revision_label,
    revisions_diff,
)
from .templatetags.gazette import french_date
from .services import person_name
from .seo import (
    DESCRIPTION_WORDS,
    TITLE_SHOWN_CHARACTERS,
    absolute_url,
    default_picture,
    story_picture,
)
from .views import PREVIEW_MAX_AGE, preview_url

PUBLISH_PERMISSION = "articles.publish_article"

admin.site.site_header = "La Gazette — rédaction"
admin.site.site_title = "La Gazette"
admin.site.index_title = "Rédaction"

def is_editor(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


def plural(count, singular, plural_form):
    return f"{count} {singular if count < 2 else plural_form}"


class ArticleAdminForm(forms.ModelForm):
    # The version the form was opened on (the model field is not editable).
    base_version = forms.IntegerField(
        label="version lue", widget=forms.HiddenInput, required=False
    )

    # On the restore page (ArticleAdmin.get_form): the fields taken from the
    # version being restored; the others keep the story's current values.
    restored_fields = RESTORED_TEXT
    # A refused save's field-by-field comparison (check_version).
    conflict = None

    class Meta:
        model = Article
        fields = "__all__"
        widgets = surface_widgets()

    def __init__(self, *args, **kwargs):
        record = to_historic(kwargs.get("instance"))
        if record is not None:
            keep_current_values(kwargs["instance"], self.restored_fields)
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["base_version"].required = True
            if not self.is_bound:
                # The row's version now, not the copy's: a revision being
                # restored carries the version it had back then.
                self.fields["base_version"].initial = (
                    Article.objects.filter(pk=self.instance.pk)
                    .values_list("version", flat=True)
                    .first()
                )
                if record is not None:
                    links = linked_ids(record).items()
                    chosen = self.restored_fields
                    self.initial.update(
                        {name: ids for name, ids in links if name in chosen}
                    )

    def clean(self):
        cleaned = super().clean()
        read = cleaned.get("base_version")
        if self.instance.pk and read is not None:
            # The UPDATE checks this version again, closing the gap between
            # this check and the save.
            self.instance.version = self.check_version(read)
        return cleaned

    def check_version(self, read):
        """The version to save over: the one read, or the one saved since
        once the editor has chosen, field by field, what to keep of it
        (articles.conflicts); otherwise the save is refused."""
        current = Article.objects.select_related("updated_by").get(pk=self.instance.pk)
        if current.version == read:
            return read
        self.conflict = Conflict(self, current)
        if self.conflict.resolved:
            self.conflict.merge(self.cleaned_data)
            return current.version
        name = person_name(current.updated_by)
        if self.conflict.answered:
            message = (
                "Choisissez, pour chaque champ qui diffère, « garder la mienne » ou "
                "« garder la sienne », puis enregistrez."
            )
        else:
            message = (
                "%(who)s a enregistré cet article le %(when)s, après que vous l’avez "
                "ouvert. Votre enregistrement est refusé pour ne pas effacer son "
                "travail ; votre texte est conservé. Pour chaque champ qui diffère, "
                "choisissez ci-dessous la version à garder, puis enregistrez."
            )
        raise ValidationError(
            message,
            code="edit_conflict",
            params={"who": name, "when": french_date(current.updated_at)},
        )


class RestoreChoiceForm(forms.Form):
    """What « Rétablir » takes from a version besides its text, ticked on the
    restore page and carried in its address, so that its form posts it too."""

    retablir = forms.MultipleChoiceField(
        label="Reprendre aussi de cette version",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, request):
        super().__init__(request.GET)
        # Only editors set a story's state and publication date.
        self.fields["retablir"].choices = [
            (key, option.label)
            for key, option in RESTORE_OPTIONS.items()
            if key != "etat" or is_editor(request)
        ]

    def options(self):
        return self.cleaned_data["retablir"] if self.is_valid() else []


class LabelledSplitDateTime(AdminSplitDateTime):
    """Django prints « Date : » and « Heure : » as bare text beside its two
    boxes, which screen readers then announce without a name: here each
    is the <label> of its box."""

    template_name = "articles/widgets/split_datetime.html"


LABELLED_DATES = {models.DateTimeField: {"widget": LabelledSplitDateTime}}


class CorrectionInline(admin.StackedInline):
    model = Correction
    formfield_overrides = LABELLED_DATES
    extra = 0
    fields = ["corrected_at", "wrong", "right", "public"]


class PublicationStateFilter(admin.SimpleListFilter):
    title = "état"
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            (Status.DRAFT, "Brouillon"),
            (Status.REVIEW, "En relecture"),
            ("scheduled", "Programmé"),
            ("live", "En ligne"),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value in (Status.DRAFT, Status.REVIEW):
            return queryset.filter(status=value)
        if value == "scheduled":
            return queryset.scheduled()
        if value == "live":
            return queryset.published()
        return queryset


@admin.register(Topic)
class TopicAdmin(FrenchWording, admin.ModelAdmin):
    list_display = ["name", "slug", "menu_position"]
    list_editable = ["menu_position"]
    list_filter = [("menu_position", admin.EmptyFieldListFilter)]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]
    actions = ["leave_menu"]

    @admin.action(description="Retirer du menu du site", permissions=["change"])
    def leave_menu(self, request, queryset):
        # One save per topic, as the form's: the site's pages follow (the
        # content version, the purge of the proxy's copies).
        topics = queryset.filter(menu_position__isnull=False)
        for topic in topics:
            topic.menu_position = None
            topic.save(update_fields=["menu_position"])
        self.message_user(
            request, f"{len(topics)} thème(s) retiré(s) du menu.", messages.SUCCESS
        )


@admin.register(Article)
class ArticleAdmin(KeepMixin, FrenchWording, PublishingAdmin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    formfield_overrides = LABELLED_DATES
    list_display = [
        "title",
        "kind",
        "state",
        "publication",
        "created_by",
        "last_change",
        "preview_link",
    ]
    list_filter = [
        PublicationStateFilter,
        "kind",
        "topics",
        ("created_by", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    list_select_related = ["created_by"]
    # Last change first: a draft being written stays at the top, where a
    # publication date (none yet) would sink it.
    ordering = ["-updated_at", "-pk"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "related"]
    inlines = [CorrectionInline]
    actions = ["submit_for_review", "publish", "unpublish"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    ("status", "published_at"),
                    "base_version",
                ]
            },
        ),
        (
            "Texte",
            {"fields": ["standfirst", ("body", "body_preview"), "markdown_help"]},
        ),
        ("Présentation", {"fields": ["dateline", "credit", "topics", "related"]}),
        (
            "Suivi",
            {"fields": [("created_by", "created_at"), ("updated_by", "updated_at")]},
        ),
    ]
    readonly_fields = [
        "markdown_help",
        "body_preview",
        "created_by",
        "created_at",
        "updated_by",
        "updated_at",
    ]
    object_history_list_template = "admin/articles/article/history_list.html"
    object_history_form_template = "admin/articles/article/history_form.html"

    class Media:
        css = {"all": ["css/admin-newsroom.css"]}
        js = [
            "js/admin-markdown-preview.js",
            "js/admin-search-labels.js",
            "js/admin-surface.js",
        ]

    # Who may do what

    def may_edit(self, request, article):
        """Editors edit any story; writers their own, until it is published."""
        if is_editor(request):
            return True
        return (
            article.created_by_id == request.user.pk
            and article.status != Status.PUBLISHED
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or self.may_edit(request, obj))

    def has_publish_permission(self, request):
        return is_editor(request)

    def may_save(self, request, obj=None):
        """Whether the user may save the form of ``obj`` (a new story when
        None): what the publishing buttons and autosave offer depends on it."""
        if obj is None or obj.pk is None:
            return self.has_add_permission(request)
        return self.has_change_permission(request, obj)

    def get_inlines(self, request, obj):
        # Other apps add theirs through a setting (articles.panels).
        return [*super().get_inlines(request, obj), *story_admin_inlines()]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not is_editor(request):
            # The bulk delete does not ask per story; writers delete one by one.
            actions.pop("delete_selected", None)
        return actions

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if to_historic(obj) is not None:
            return fieldsets  # The restore page may take back a version's state.
        # Elsewhere the publishing buttons change the state and the
        # publication time (articles.publishing), and the banner says them.
        publication = ("status", "published_at")
        shown = []
        for name, options in fieldsets:
            fields = [field for field in options["fields"] if field != publication]
            shown.append((name, {**options, "fields": fields}))
        return shown

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return fields if is_editor(request) else [*fields, "published_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "slug":
            kwargs["widget"] = AddressSlugInput(address=story_address(request))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not is_editor(request):
            kwargs["choices"] = [
                (s.value, s.label) for s in (Status.DRAFT, Status.REVIEW)
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    # Saving

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The signed link for a colleague without an account, on the site's
        # own address (the change_form template shows it).
        if obj is not None and obj.pk:
            context["preview"] = {
                "link": absolute_url(request, preview_url(obj)),
                "until": french_date(timezone.now() + PREVIEW_MAX_AGE),
            }
        # The search-and-social card (surface_share.html).
        context["share"] = {
            "address": story_address(request),
            "picture": story_picture(request, obj) or default_picture(request),
            "title_shown": TITLE_SHOWN_CHARACTERS,
            "description_words": DESCRIPTION_WORDS,
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            response = super().changeform_view(
                request, object_id, form_url, extra_context
            )
        except EditConflict:
            # Someone saved between the form's check and the guarded UPDATE;
            # the transaction rolled back, and a second pass shows the conflict.
            response = super().changeform_view(
                request, object_id, form_url, extra_context
            )
        context = getattr(response, "context_data", None) or {}
        form = context.get("adminform") and context["adminform"].form
        if form and form.has_error(NON_FIELD_ERRORS, "edit_conflict"):
            # Refused, the text shown back with the comparison: a 409.
            response.status_code = 409
        return response

    # List columns and read-only fields

    @admin.display(description="état", ordering="status")
    def state(self, obj):
        scheduled_for = french_date(obj.published_at) if obj.is_scheduled else ""
        return render_to_string(
            "admin/articles/article/includes/state.html",
            {"story": obj, "scheduled_for": scheduled_for},
        )

    # Short dates (« 3 décembre à 6 h 00 », the year only when not this one):
    # Django's « 3 décembre 2026 06:00 » does not wrap, and pushed the last
    # columns out of sight at 1280 px.
    @admin.display(description="publication", ordering="published_at")
    def publication(self, obj):
        return short_date(obj.published_at) if obj.published_at else None

    @admin.display(description="modifié", ordering="updated_at")
    def last_change(self, obj):
        return short_date(obj.updated_at)

    @admin.display(description="aperçu")
    def preview_link(self, obj):
        return render_to_string(
            "admin/articles/article/includes/preview_link.html", {"story": obj}
        )

    @admin.display(description="aide Markdown")
    def markdown_help(self, obj):
        return render_to_string("admin/articles/article/includes/markdown_help.html")

    @admin.display(description="texte mis en forme")
    def body_preview(self, obj):
        return render_to_string(
            "admin/articles/article/includes/body_preview.html", {"story": obj}
        )

    def markdown_preview_view(self, request):
        """The body being typed, rendered as readers will get it (sanitised)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        rights = self.has_add_permission(request), self.has_change_permission(request)
        if not any(rights):
            raise PermissionDenied
        return HttpResponse(render_markdown(request.POST.get("body", "")))

    def preview_page_view(self, request):
        """The site's story page, empty, for the story form's preview frame
        (admin-surface.js fills it): the text in the site's own layout."""
        rights = self.has_add_permission(request), self.has_change_permission(request)
        if not any(rights):
            raise PermissionDenied
        return TemplateResponse(request, "admin/articles/article/surface_frame.html")

    # Workflow actions

    def _apply(self, request, stories, change, verb):
        """Change and save each story the user may edit; return those saved."""
        saved = []
        for story in stories:
            if not self.may_edit(request, story):
                continue
            change(story)
            story.updated_by = request.user
            story._history_user = request.user
            try:
                with transaction.atomic():
                    story.save()
            except EditConflict:
                self.message_user(
                    request,
                    f"« {story} » a été modifié entre-temps : rechargez la liste.",
                    messages.WARNING,
                )
                continue
            self.log_change(request, story, verb)
            saved.append(story)
        return saved

    @admin.action(description="Soumettre à la relecture", permissions=["change"])
    def submit_for_review(self, request, queryset):
        drafts = queryset.filter(status=Status.DRAFT)
        saved = self._apply(
            request,
            drafts,
            lambda story: setattr(story, "status", Status.REVIEW),
            "Soumis à la relecture.",
        )
        submitted = plural(len(saved), "article soumis", "articles soumis")
        self.message_user(request, f"{submitted} à la relecture.")
        self.notify_submitted(request, saved)
        skipped = queryset.count() - len(saved)
        if skipped:
            self.message_user(
                request,
                f"{plural(skipped, 'article ignoré', 'articles ignorés')} : seuls vos "
                "brouillons peuvent être soumis.",
                messages.WARNING,
            )

    @admin.action(
        description="Publier (ou programmer si la date est future)",
        permissions=["publish"],
    )
    def publish(self, request, queryset):
        saved = self._apply(
            request,
            queryset.exclude(status=Status.PUBLISHED),
            Article.publish,
            "Publié.",
        )
        live = [story for story in saved if story.is_published()]
        if live:
            self.message_user(
                request, f"{plural(len(live), 'article publié', 'articles publiés')}."
            )
        for story in saved:
            if story.is_scheduled:
                when = french_date(story.published_at)
                self.message_user(
                    request, f"« {story} » est programmé : il paraîtra le {when}."
                )
        unchanged = queryset.count() - len(saved)
        if unchanged:
            text = plural(
                unchanged,
                "article déjà publié ou programmé, inchangé",
                "articles déjà publiés ou programmés, inchangés",
            )
            self.message_user(request, f"{text}.", messages.WARNING)

    @admin.action(
        description="Dépublier (remettre en brouillon)", permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        saved = self._apply(
            request,
            queryset.filter(status=Status.PUBLISHED),
            lambda story: setattr(story, "status", Status.DRAFT),
            "Dépublié.",
        )
        removed = plural(len(saved), "article retiré", "articles retirés")
        self.message_user(request, f"{removed} du site et remis en brouillon.")

    # History: compare two versions, restore one

    def get_urls(self):
        compare = path(
            "<path:object_id>/history/compare/",
            self.admin_site.admin_view(self.compare_view),
            name="articles_article_history_compare",
        )
        revoke = path(
            "<path:object_id>/apercu/revoquer/",
            self.admin_site.admin_view(self.revoke_previews_view),
            name="articles_article_revoke_previews",
        )
        markdown = path(
            "markdown-preview/",
            self.admin_site.admin_view(self.markdown_preview_view),
            name="articles_article_markdown_preview",
        )
        # Framed by the story form only, on this site.
        frame = xframe_options_sameorigin(
            csp_replace({"frame-ancestors": [SELF]})(self.preview_page_view)
        )
        preview_page = path(
            "markdown-preview/page/",
            self.admin_site.admin_view(frame),
            name="articles_article_preview_page",
        )
        # Before simple-history's "<id>/history/<version>/" and the admin's
        # "<id>/" catch-all, which would swallow these addresses.
        return [compare, revoke, markdown, preview_page, *super().get_urls()]

    def set_history_delta_changes(self, request, historical_records, **kwargs):
        records = list(historical_records)
        links = links_by_record(records)
        for newer, older in zip(records, records[1:]):
            newer.changed = [
                Article._meta.get_field(name).verbose_name
                for name in changed_fields(older, newer, links)
            ]

    def revert_disabled(self, request, obj=None):
        current = obj and Article.objects.filter(pk=obj.pk).first()
        return current is None or not self.has_change_permission(request, current)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if to_historic(obj) is None:
            return form
        # The restore page: its form takes from the version what was ticked.
        fields = restored_fields(RestoreChoiceForm(request).options())
        return type(form.__name__, (form,), {"restored_fields": fields})

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        choice = RestoreChoiceForm(request)
        if not choice.is_valid():
            errors = " ".join(choice.errors["retablir"])
            return HttpResponseBadRequest(
                f"Ce qu’il faut rétablir : {errors}",
                content_type="text/plain; charset=utf-8",
            )
        extra_context = {**(extra_context or {}), "restore_choice": choice}
        if request.method == "POST":
            # simple-history saves a POST without asking whether the user may.
            if self.revert_disabled(
                request, self.get_object(request, unquote(object_id))
            ):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def response_change(self, request, obj):
        restored = to_historic(obj)
        if restored is None:
            return super().response_change(request, obj)
        # A restore says what it changed and left, not « modifié avec succès »:
        # compare the versions either side of it (the newest of each number,
        # as a change of links records one more version of the same number).
        versions = obj.history.filter(version__in=[obj.version - 1, obj.version])
        newest = {record.version: record for record in reversed(versions)}
        if len(newest) < 2:
            return super().response_change(request, obj)
        message = restore_message(
            restored,
            newest[obj.version - 1],
            newest[obj.version],
            RestoreChoiceForm(request).options(),
        )
        self.message_user(request, message, messages.SUCCESS)
        return self.response_post_save_change(request, obj)

    def revoke_previews_view(self, request, object_id):
        """« Révoquer les liens de prévisualisation »: the links given out so
        far stop working; the story form shows a new one."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        story = self.get_object(request, unquote(object_id))
        if story is None:
            raise Http404("Article introuvable.")
        if not self.has_change_permission(request, story):
            raise PermissionDenied
        # Not a save: no new version to conflict with an open form, and the
        # modification date readers see stays.
        Article.objects.filter(pk=story.pk).update(preview_nonce=new_preview_nonce())
        self.log_change(request, story, "Liens de prévisualisation révoqués.")
        self.message_user(
            request,
            "Liens de prévisualisation révoqués : ceux donnés jusqu’ici ne marchent "
            "plus. Le lien ci-dessous est le nouveau.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:articles_article_change", args=[story.pk])
        )

    def compare_view(self, request, object_id):
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("Article introuvable.")
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        records = article.history.select_related("history_user")
        try:
            old = records.get(history_id=int(request.GET["de"]))
            new = records.get(history_id=int(request.GET["a"]))
        except (KeyError, ValueError, records.model.DoesNotExist):
            raise Http404("Choisissez deux versions de cet article dans l’historique.")
        if old.history_date > new.history_date:
            old, new = new, old
        restore_url = None
        if not self.revert_disabled(request, article):
            restore_url = reverse(
                "admin:articles_article_simple_history",
                args=[article.pk, old.history_id],
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Comparer deux versions : {article}",
            "opts": self.opts,
            "original": article,
            "old_label": revision_label(old),
            "new_label": revision_label(new),
            "changes": revisions_diff(old, new),
            "restore_url": restore_url,
            "history_url": reverse("admin:articles_article_history", args=[article.pk]),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)


@admin.register(SlugRedirect)
class SlugRedirectAdmin(FrenchWording, admin.ModelAdmin):
    feminine = True
    list_display = ["old_slug", "article", "created_at"]
    search_fields = ["old_slug", "article__title"]
    autocomplete_fields = ["article"]
