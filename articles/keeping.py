"""Nothing typed is lost, on the story's admin page.

- Autosave: the form's text is posted every few seconds to
  ``KeepMixin.autosave_view`` and kept in ``Autosave``, apart from the story;
  the page offers it back (« Reprendre le texte non enregistré ? ») when it
  opens again, after a closed tab or an expired session.
- Presence: the same posts, every 30 seconds even without typing, tell who
  has a story open (« Claire modifie cet article depuis 13 h 31 »).
- One save, one version: the story and its links are recorded together.

The page's side is ``static/js/admin-keep.js``, its markup the
``admin/articles/article/includes/keep*.html`` templates.
"""

from django import forms
from django.db import transaction
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import STORY_HISTORY, Article, Autosave
from .services import person_name
from .templatetags.gazette import french_time
from .text import strip_controls

# The form's fields an autosave keeps: what is typed, not what is chosen.
TEXT_FIELDS = ["title", "slug", "standfirst", "body", "dateline", "credit"]
# Text columns without a length of their own: far above any story, well
# below the request size Django accepts.
LONGEST_TEXT = 200_000

SESSION_GONE = (
    "Session expirée : votre texte est gardé dans ce navigateur. "
    "Reconnectez-vous pour enregistrer."
)


def editing_now(story, user):
    """« Claire modifie cet article depuis 13 h 31 », for each other person
    whose page has told recently that it has ``story`` open."""
    if story is None or story.pk is None:
        return []
    rows = (
        Autosave.objects.filter(
            story=story, saved_at__gte=timezone.now() - Autosave.PRESENCE
        )
        .exclude(user=user)
        .select_related("user")
        .order_by("started_at")
    )
    return [
        f"{person_name(row.user)} modifie cet article depuis {french_time(row.started_at)}"
        for row in rows
    ]


class AutosaveForm(forms.Form):
    """One autosave or heartbeat: the story (empty for a new one), and the
    text typed (a JSON object of TEXT_FIELDS), or nothing for a heartbeat,
    or ``discard`` to drop the text kept."""

    story = forms.IntegerField(required=False, min_value=1)
    text = forms.JSONField(required=False)
    discard = forms.BooleanField(required=False)

    def clean_text(self):
        text = self.cleaned_data["text"]
        if text is None:
            return None
        if not isinstance(text, dict) or not set(text) <= set(TEXT_FIELDS):
            raise forms.ValidationError(
                "Le texte doit nommer les champs du formulaire : "
                + ", ".join(TEXT_FIELDS)
                + "."
            )
        kept = {}
        for name, value in text.items():
            field = Article._meta.get_field(name)
            if not isinstance(value, str):
                raise forms.ValidationError(
                    f"Le champ « {field.verbose_name} » doit être du texte."
                )
            limit = field.max_length or LONGEST_TEXT
            if len(value) > limit:
                raise forms.ValidationError(
                    f"Le champ « {field.verbose_name} » dépasse {limit} caractères."
                )
            kept[name] = strip_controls(value)
        return kept


def refusal(message, status):
    return JsonResponse({"error": message}, status=status)


class KeepMixin:
    """ArticleAdmin's part in keeping what editors type (see the module);
    the admin says who may save a form (``may_save``)."""

    def get_urls(self):
        # Not behind admin_view, which answers an expired session with a
        # redirect to the login page: the page's script needs a status it
        # can read, to keep the text in the browser and say so. CSRF is
        # checked by the middleware as for any POST.
        autosave = path(
            "autosave/",
            never_cache(self.autosave_view),
            name="articles_article_autosave",
        )
        return [autosave, *super().get_urls()]

    def autosave_view(self, request):
        """Keep what is typed in a story's form, and answer who else has it
        open. JSON either way: 401 once the session is gone, 403 for a story
        the person may not edit."""
        if request.method != "POST":
            return refusal("Envoyez le texte en POST.", 405)
        if not self.admin_site.has_permission(request):
            return refusal(SESSION_GONE, 401)
        form = AutosaveForm(request.POST)
        if not form.is_valid():
            errors = [e for field in form.errors.values() for e in field]
            return refusal(" ".join(errors), 400)
        story = None
        if form.cleaned_data["story"]:
            story = Article.objects.filter(pk=form.cleaned_data["story"]).first()
            if story is None:
                return refusal("Cet article n’existe plus.", 404)
            if not self.has_change_permission(request, story):
                return refusal("Vous ne pouvez pas modifier cet article.", 403)
        elif not self.has_add_permission(request):
            return refusal("Vous ne pouvez pas créer d’article.", 403)
        now = timezone.now()
        with transaction.atomic():
            row, created = Autosave.objects.select_for_update().get_or_create(
                user=request.user, story=story
            )
            if not created and row.saved_at < now - Autosave.PRESENCE:
                # The page was closed since: this is a new editing session.
                row.started_at = now
            row.saved_at = now
            if form.cleaned_data["discard"]:
                row.fields = {}
            elif form.cleaned_data["text"] is not None:
                row.fields = form.cleaned_data["text"]
            row.save()
        return JsonResponse(
            {"saved_at": french_time(now), "editing": editing_now(story, request.user)}
        )

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        story = obj if obj is not None and obj.pk else None
        if not self.may_save(request, story):
            return super().render_change_form(
                request, context, add, change, form_url, obj
            )
        kept = Autosave.objects.filter(user=request.user, story=story).first()
        context["keep"] = {
            "url": reverse("admin:articles_article_autosave"),
            "story": story.pk if story else "",
            "user": request.user.pk,
            "editing": editing_now(story, request.user),
            # What was typed and never saved, offered back by the page.
            "kept": {
                "fields": kept.fields,
                "saved_at": french_time(kept.saved_at),
            }
            if kept and kept.fields
            else None,
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        # One save, one version. The row, then its links (topics, related
        # stories, written by save_m2m) are written in steps, each of which
        # simple-history would record as a version of its own; they are
        # recorded once, when all are written. The admin's save_m2m() that
        # follows finds the links as they should be and changes nothing.
        obj.skip_history_when_saving = True
        try:
            super().save_model(request, obj, form, change)
            form.save_m2m()
        finally:
            del obj.skip_history_when_saving
        STORY_HISTORY.create_historical_record(obj, "~" if change else "+")
        # Saved: the text kept for this person is the story's now.
        Autosave.objects.filter(user=request.user, story=obj if change else None).delete()

