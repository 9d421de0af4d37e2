"""The story form's writing surface: fields that count their characters, a
body with its Markdown toolbar and reading time, the slug with the address it
gives. The markup lives in articles/templates/articles/widgets/, the live
behaviour in static/js/admin-surface.js, which reads the rules given here
from data attributes, so that each rule is written once.
"""

from django.contrib.admin.widgets import AdminTextareaWidget, AdminTextInputWidget
from django.urls import reverse

from .seo import STANDFIRST_SHOWN_CHARACTERS, TITLE_SHOWN_CHARACTERS, absolute_url

# About what an adult reads of French on a screen, in words a minute; the
# reading time is rounded up to whole minutes, one at least.
READING_WORDS_PER_MINUTE = 230

# What the address template holds in the slug's place (admin-surface.js
# replaces it as the slug is typed).
SLUG_MARK = "{slug}"


def story_address(request):
    """The full address a story's page gets, ``{slug}`` in its slug's place."""
    # The URL pattern accepts only slug characters: reverse with one, then
    # put the mark where it went.
    path = reverse("articles:detail", kwargs={"slug": "identifiant"})
    before, _, after = path.rpartition("identifiant")
    return absolute_url(request, f"{before}{SLUG_MARK}{after}")


def described_by(attrs, element_id):
    """``attrs``' aria-describedby with ``element_id`` added after Django's
    own (the help text, the errors)."""
    described = attrs.get("aria-describedby")
    return f"{described} {element_id}" if described else element_id


class CountedMixin:
    """A field that shows its length as it is typed, and a hint past the
    length that search results and shared links show."""

    def __init__(self, *, recommended, hint, attrs=None):
        super().__init__(attrs)
        self.recommended = recommended
        self.hint = hint

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["count_id"] = f"{widget['attrs'].get('id', name)}_count"
        widget["attrs"]["aria-describedby"] = described_by(
            widget["attrs"], widget["count_id"]
        )
        widget["recommended"] = self.recommended
        widget["hint"] = self.hint
        return context


class CountedTextInput(CountedMixin, AdminTextInputWidget):
    template_name = "articles/widgets/counted_input.html"


class CountedTextarea(CountedMixin, AdminTextareaWidget):
    template_name = "articles/widgets/counted_textarea.html"


class BodyTextarea(AdminTextareaWidget):
    """The body: a Markdown toolbar above it, its words and reading time
    below; it grows with its text."""

    template_name = "articles/widgets/body_textarea.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["stats_id"] = f"{widget['attrs'].get('id', name)}_stats"
        widget["attrs"]["aria-describedby"] = described_by(
            widget["attrs"], widget["stats_id"]
        )
        widget["words_per_minute"] = READING_WORDS_PER_MINUTE
        return context


class AddressSlugInput(AdminTextInputWidget):
    """The slug, with the full address it gives the story's page."""

    template_name = "articles/widgets/address_slug.html"

    def __init__(self, *, address, attrs=None):
        super().__init__(attrs)
        self.address = address

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["address_id"] = f"{widget['attrs'].get('id', name)}_address"
        widget["attrs"]["aria-describedby"] = described_by(
            widget["attrs"], widget["address_id"]
        )
        widget["address"] = self.address
        widget["address_now"] = self.address.replace(SLUG_MARK, value or "…")
        return context


def surface_widgets():
    """The story form's widgets for its title, standfirst and body."""
    return {
        "title": CountedTextInput(
            recommended=TITLE_SHOWN_CHARACTERS,
            hint=f"Au-delà de {TITLE_SHOWN_CHARACTERS} caractères, les moteurs "
            "de recherche et les réseaux sociaux coupent le titre.",
        ),
        "standfirst": CountedTextarea(
            recommended=STANDFIRST_SHOWN_CHARACTERS,
            hint=f"Au-delà de {STANDFIRST_SHOWN_CHARACTERS} caractères, les "
            "résultats de recherche coupent le chapô.",
            attrs={"rows": 3},
        ),
        "body": BodyTextarea(),
    }
