"""Publishing from the story form: a button per step, offered by role, and a
banner saying the story's state in words.

Writers submit their drafts for review; editors (``publish_article``)
publish now, schedule, unpublish, or send a story in review back to its
writer with a comment. Each button also saves the form's edits: the step is
validated with the form (a refused step saves nothing and says why), then
applied to the status and publication time the form saves. Submitting and
sending back tell the other side by e-mail (``articles.services``).
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from .models import Article, Status
from .seo import absolute_url
from .services import person_name, review_request_notify, review_send_back_notify
from .templatetags.gazette import french_date
from .text import strip_controls

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH = 2000


class Step(models.TextChoices):
    SUBMIT = "soumettre", "Soumettre à la relecture"
    PUBLISH = "publier", "Publier maintenant"
    SCHEDULE = "programmer", "Programmer"
    UNPUBLISH = "depublier", "Dépublier"
    SEND_BACK = "renvoyer", "Renvoyer au rédacteur"


EDITOR_STEPS = {Step.PUBLISH, Step.SCHEDULE, Step.UNPUBLISH, Step.SEND_BACK}


def available_steps(story: Article, may_publish: bool) -> list[Step]:
    """The steps the story's state allows to this role: the buttons shown,
    and the only steps a post may ask for."""
    if story.status == Status.DRAFT:
        steps = [Step.SUBMIT, Step.PUBLISH, Step.SCHEDULE]
    elif story.status == Status.REVIEW:
        steps = [Step.PUBLISH, Step.SCHEDULE, Step.SEND_BACK]
    elif story.is_scheduled:
        steps = [Step.PUBLISH, Step.SCHEDULE, Step.UNPUBLISH]
    else:
        steps = [Step.UNPUBLISH]
    return [step for step in steps if may_publish or step not in EDITOR_STEPS]


def short_date(value: datetime) -> str:
    """« 3 décembre à 6 h 00 », with the year only when it is not this one."""
    text = french_date(value)
    year = f" {timezone.localtime(value).year}"
    if timezone.localtime().year == timezone.localtime(value).year:
        text = text.replace(year, "", 1)
    return text


def asks_first_publication(story: Article) -> bool:
    """Publishing again a story that carries a past publication time (it was
    published, then withdrawn) asks whether to keep that time or use now."""
    return (
        story.status != Status.PUBLISHED
        and story.published_at is not None
        and story.published_at <= timezone.now()
    )


@dataclass(frozen=True)
class Decision:
    """A step the form accepted: what the story becomes, and what to say."""

    step: Step
    status: str
    published_at: datetime | None = None  # set by publishing and scheduling
    note: str = ""
    was_scheduled: bool = False


class PublicationForm(forms.Form):
    """The publishing buttons' fields, posted with the story's form."""

    step = forms.ChoiceField(label="Étape", choices=Step.choices, required=False)
    note = forms.CharField(
        label="Un mot pour les éditeurs (facultatif)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    comment = forms.CharField(
        label="Votre commentaire pour le rédacteur",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # Read only when scheduling (scheduled_time): what else is typed there
    # never stands in the way of another step.
    date = forms.CharField(
        label="Jour de parution",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    time = forms.CharField(
        label="Heure de parution (Paris)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    first_publication = forms.ChoiceField(
        label="Date de publication",
        required=False,
        widget=forms.RadioSelect,
        choices=[("garder", "garder"), ("maintenant", "maintenant")],
    )

    def __init__(self, data, *, story, may_publish):
        super().__init__(data, prefix="publication")
        # A save with no step asked leaves this form unread.
        self.asked = bool(self.data.get(self["step"].html_name))
        self.story = story
        self.may_publish = may_publish
        # As saved, before the story's form fills the instance with what
        # was posted: the banner and the steps are about the saved story.
        self.steps = available_steps(story, may_publish)
        self.state = state_text(story)
        self.state_class = state_class(story)
        self.review_note = story.review_note
        self.asks_first_publication = asks_first_publication(story)
        if story.is_scheduled:
            # Rescheduling starts from the time set.
            local = timezone.localtime(story.published_at)
            self.initial = {"date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}"}
        if self.asks_first_publication:
            first = short_date(story.published_at)
            self.fields["first_publication"].choices = [
                ("garder", f"Garder la première date de publication, le {first}"),
                ("maintenant", "Dater la publication de maintenant"),
            ]

    def clean(self):
        cleaned = super().clean()
        step = cleaned.get("step")
        if not step or self.errors:
            return cleaned
        step = Step(step)
        if step in EDITOR_STEPS and not self.may_publish:
            raise ValidationError(
                "Seuls les éditeurs peuvent publier, programmer, dépublier ou "
                "renvoyer un article au rédacteur : rien n’a été enregistré.",
                code="forbidden",
            )
        if step not in self.steps:
            raise ValidationError(
                "« %(step)s » ne s’applique pas à un article dans cet état "
                "(%(state)s) : rien n’a été enregistré.",
                code="unavailable",
                params={"step": step.label, "state": self.state},
            )
        if step == Step.PUBLISH and self.asks_first_publication:
            if not cleaned.get("first_publication"):
                raise ValidationError(
                    "Cet article a déjà été publié : choisissez de garder sa "
                    "première date de publication ou de la dater de maintenant.",
                    code="first_publication",
                )
        if step == Step.SCHEDULE:
            cleaned["when"] = self.scheduled_time(cleaned)
        if step == Step.SEND_BACK and not cleaned.get("comment", "").strip():
            raise ValidationError(
                "Dites au rédacteur pourquoi l’article lui revient : le "
                "commentaire est obligatoire.",
                code="comment",
            )
        return cleaned

    def scheduled_time(self, cleaned):
        day = forms.DateField(required=False).clean(cleaned.get("date"))
        hour = forms.TimeField(required=False).clean(cleaned.get("time"))
        if day is None or hour is None:
            raise ValidationError(
                "Pour programmer, donnez la date et l’heure de publication.",
                code="schedule",
            )
        # The newsroom's clock: the site's time zone (Paris).
        when = timezone.make_aware(datetime.combine(day, hour.replace(second=0)))
        if when <= timezone.now():
            raise ValidationError(
                "Le %(when)s est passé : programmez l’article pour plus tard, ou "
                "publiez-le maintenant.",
                code="schedule",
                params={"when": french_date(when)},
            )
        return when

    def messages(self):
        """Every error, in words an editor reads at the top of the form."""
        found = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name != "__all__":
                label = self.fields[name].label
                found += [f"{label} : {error}" for error in errors]
        return found

    def decision(self) -> Decision | None:
        """The accepted step and what it makes of the story, or None; read
        by the story form's clean(), before the story takes the posted
        values."""
        if not self.asked or not self.is_valid():
            return None
        step = Step(self.cleaned_data["step"])
        if step == Step.SUBMIT:
            note = strip_controls(self.cleaned_data["note"]).strip()
            return Decision(step, Status.REVIEW, note=note)
        if step == Step.SEND_BACK:
            comment = strip_controls(self.cleaned_data["comment"]).strip()
            return Decision(step, Status.DRAFT, note=comment)
        if step == Step.UNPUBLISH:
            # The first publication time stays: publishing again offers it.
            scheduled = self.state_class == "scheduled"
            return Decision(step, Status.DRAFT, was_scheduled=scheduled)
        if step == Step.SCHEDULE:
            return Decision(step, Status.PUBLISHED, self.cleaned_data["when"])
        keep = self.cleaned_data["first_publication"] == "garder"
        if self.asks_first_publication and keep:
            return Decision(step, Status.PUBLISHED, self.story.published_at)
        return Decision(step, Status.PUBLISHED, timezone.now().replace(microsecond=0))


class PublishingForm:
    """Story form mixin: carries the publishing buttons' form, validates the
    step asked for with the story, and applies it to what the form saves."""

    may_publish = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.publication_decision = None
        self.publication = PublicationForm(
            self.data if self.is_bound else None,
            story=self.instance,
            may_publish=self.may_publish,
        )

    def clean(self):
        cleaned = super().clean()
        if not self.publication.asked:
            return cleaned
        if not self.publication.is_valid():
            for message in self.publication.messages():
                self.add_error(None, message)
            return cleaned
        decision = self.publication_decision = self.publication.decision()
        # The state and the publication time are the buttons' alone: the
        # form has no field for them, so the step sets them on the story
        # before its model validation runs.
        self.instance.status = decision.status
        if decision.step in (Step.PUBLISH, Step.SCHEDULE):
            self.instance.published_at = decision.published_at
        return cleaned


def state_text(story: Article) -> str:
    """The story's state in words, as the form's banner says it."""
    if story.status == Status.REVIEW:
        since = story.status_changed_at
        if since is None:
            return "En relecture"
        return f"En relecture depuis le {short_date(since)}"
    if story.is_scheduled:
        return f"Programmé pour le {short_date(story.published_at)} (Paris)"
    if story.status == Status.PUBLISHED:
        return f"En ligne depuis le {short_date(story.published_at)}"
    if story.review_note:
        return f"Renvoyé au rédacteur par {person_name(story.review_note_by)} :"
    return "Brouillon"


def state_class(story: Article) -> str:
    return "scheduled" if story.is_scheduled else story.status


def done_message(story: Article, decision: Decision) -> str:
    """What the step did, named: « « Titre » est publié. »."""
    title = f"« {story} »"
    step = decision.step
    if step == Step.SUBMIT:
        return f"{title} est soumis à la relecture."
    if step == Step.PUBLISH:
        return f"{title} est publié."
    if step == Step.SCHEDULE:
        return f"{title} sera publié le {short_date(story.published_at)} (Paris)."
    if step == Step.UNPUBLISH and decision.was_scheduled:
        return f"{title} n’est plus programmé : il revient en brouillon."
    if step == Step.UNPUBLISH:
        return f"{title} est retiré du site et remis en brouillon."
    author = story.created_by
    to = person_name(author) if author else "son rédacteur"
    return f"{title} est renvoyé à {to} avec votre commentaire."


class PublishingAdmin:
    """ModelAdmin mixin for stories: the buttons and banner on the form
    (templates/admin/articles/article/includes/publishing_*.html), the step
    applied on save, its message, and the e-mails of the hand-off. The
    admin it mixes into says who may publish (``has_publish_permission``)
    and who may save a form (``may_save``)."""

    @property
    def media(self):
        return super().media + forms.Media(css={"all": ["css/admin-publishing.css"]})

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attrs = {"may_publish": self.has_publish_permission(request)}
        return type(form.__name__, (PublishingForm, form), attrs)

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        page = request.resolver_match.url_name if request.resolver_match else ""
        form = context.get("adminform") and context["adminform"].form
        # The add and change pages only: the history's restore page renders
        # the same form, to restore a version, not to publish it.
        if page.endswith(("_add", "_change")) and isinstance(form, PublishingForm):
            publication = form.publication
            # A story the user may only read offers no step.
            steps = publication.steps if self.may_save(request, obj) else []
            context["publishing"] = {
                "form": publication,
                "steps": {step.name: step for step in steps},
                "state": publication.state,
                "state_class": publication.state_class,
                "review_note": publication.review_note,
                "asks_first_publication": publication.asks_first_publication,
                "asked": publication.data.get(publication["step"].html_name, ""),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        context = getattr(response, "context_data", None) or {}
        form = context.get("adminform") and context["adminform"].form
        refused = isinstance(form, PublishingForm) and form.publication.asked
        if refused and form.publication.errors:
            # A refused step is a refused request: the form comes back with
            # the reason, and what was typed, as a 403 or a 400.
            forbidden = form.publication.has_error(NON_FIELD_ERRORS, "forbidden")
            response.status_code = 403 if forbidden else 400
        return response

    def save_model(self, request, obj, form, change):
        decision = getattr(form, "publication_decision", None)
        if decision is not None and decision.step == Step.SEND_BACK:
            obj.review_note = decision.note
            obj.review_note_by = request.user
        super().save_model(request, obj, form, change)
        request.publication_decision = decision

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "publication_decision", None) is None:
            return super().response_add(request, obj, post_url_continue)
        return self.response_publication(request, obj)

    def response_change(self, request, obj):
        if getattr(request, "publication_decision", None) is None:
            return super().response_change(request, obj)
        return self.response_publication(request, obj)

    def response_publication(self, request, obj):
        """Say what the step did, tell the other side, and stay on the form,
        whose banner now shows the new state."""
        decision = request.publication_decision
        text = done_message(obj, decision)
        # Replaces the generic message other mixins may have prepared.
        request.admin_success_message = text
        self.message_user(request, text, messages.SUCCESS)
        if decision.step in (Step.SUBMIT, Step.SEND_BACK):
            # Once the save is committed: a rolled-back step sends nothing.
            transaction.on_commit(lambda: self.notify(request, obj, decision))
        filters = {"preserved_filters": self.get_preserved_filters(request)}
        return HttpResponseRedirect(
            add_preserved_filters({**filters, "opts": self.opts}, self.form_url(obj))
        )

    def form_url(self, story):
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[story.pk],
            current_app=self.admin_site.name,
        )

    def notify_submitted(self, request, stories):
        """Stories submitted from the list tell the editors as the form's
        button does, without a note."""
        decision = Decision(Step.SUBMIT, Status.REVIEW)
        for story in stories:
            transaction.on_commit(
                lambda story=story: self.notify(request, story, decision)
            )

    def notify(self, request, story, decision):
        """E-mail the other side of the hand-off. A failure loses nothing:
        the save is done; it is logged, and the user is told to pass the
        word on another way."""
        link = absolute_url(request, self.form_url(story))
        try:
            if decision.step == Step.SUBMIT:
                sent = review_request_notify(
                    story=story, writer=request.user, note=decision.note, link=link
                )
                nobody = (
                    "Aucun courriel envoyé : aucun éditeur n’a d’adresse électronique."
                )
                done = "Prévenus par courriel : {}."
            else:
                sent = review_send_back_notify(
                    story=story, editor=request.user, comment=decision.note, link=link
                )
                author = person_name(story.created_by)
                nobody = (
                    f"Aucun courriel envoyé : {author} n’a pas d’adresse électronique."
                )
                done = "Prévenu par courriel : {}."
        except OSError:  # smtplib's errors, a refused or lost connection
            logger.exception("Hand-off e-mail for story %s not sent", story.pk)
            self.message_user(
                request,
                "Le courriel n’a pas pu partir (le serveur de messagerie ne répond "
                "pas) ; l’article est bien enregistré. Prévenez vos collègues "
                "autrement.",
                messages.WARNING,
            )
            return
        if sent:
            self.message_user(request, done.format(", ".join(sent)), messages.INFO)
        else:
            self.message_user(request, nobody, messages.WARNING)
