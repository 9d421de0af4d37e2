"""The form renderer writes in Python exactly what Django's templates write."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils.safestring import mark_safe

from articles.filters import ArticleFilter
from articles.models import Article
from gazette.forms import WRITERS, FormRenderer

from .factories import make_article, make_topic


class Everything(forms.Form):
    words = forms.CharField(label="Mots <cherchés> & « autres »", max_length=20)
    quiet = forms.CharField(required=False, widget=forms.TextInput(attrs={"autofocus": True}))
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    secret = forms.CharField(required=False, widget=forms.PasswordInput(render_value=True))
    mail = forms.EmailField(required=False)
    number = forms.DecimalField(required=False, label="Montant")
    count = forms.IntegerField(required=False, min_value=0)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    kind = forms.ChoiceField(
        choices=[("", "Tous"), ("article", "Article"), ("brief", "Brève & <b>")]
    )
    grouped = forms.ChoiceField(
        required=False,
        choices=[
            ("Europe", [("fr", "France"), ("de", "Allemagne")]),
            ("Asie", [("kz", "Kazakhstan"), ("cn", "Chine")]),
            ("", "Aucun"),
        ],
    )
    numbers = forms.TypedChoiceField(required=False, choices=[(1, 1.5), (2, Decimal("2.25"))])
    safe = forms.CharField(required=False, label=mark_safe("<em>sûr</em>"), label_suffix="")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"words": 'a "b" <c> & d', "kind": "brief", "grouped": "kz", "numbers": "2"},
        # Invalid: errors, aria-invalid, values kept as typed.
        {"words": "x" * 30, "mail": "pas une adresse", "number": "1,5", "day": "2025-02-30"},
        {"words": "ok", "kind": "article", "day": "2025-08-23", "count": "-1", "secret": "s"},
    ],
)
def test_forms_render_the_same_as_with_django_templates(data):
    initial = {"day": date(2025, 8, 23), "number": Decimal("43.8"), "quiet": mark_safe("<i>")}

    def render(renderer):
        return str(Everything(data, initial=initial, renderer=renderer))

    ours = render(FormRenderer())
    assert ours == render(DjangoTemplates())
    assert "<input" in ours and "<select" in ours and "<label" in ours


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "q=chine&kind=article&after=2025-01-01&ordering=ancien", "after=2025-13-01"]
)
def test_the_filter_form_renders_the_same_as_with_django_templates(query):
    make_article(topics=[make_topic(name="Chine")])

    def render(renderer):
        filterset = ArticleFilter(
            QueryDict(query) or None, queryset=Article.objects.published()
        )
        form = filterset.form
        form.renderer = renderer
        return "".join(
            f"{field.label_tag()}{field}{field.errors}" for field in form
        )

    assert render(FormRenderer()) == render(DjangoTemplates())


def test_every_writer_names_a_template_django_has():
    renderer = DjangoTemplates()
    for name in WRITERS:
        assert renderer.get_template(name)


def test_the_site_renders_its_forms_with_it():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)
