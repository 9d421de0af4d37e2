"""The facet checkboxes, written in Python, print exactly Django's HTML."""

import pytest
from django import forms

from articles.filters import FacetCheckboxes

CHOICES = [("chine", "Chine (3)"), ("b&c", "Œuvres <d’art> (1)"), ("inde", "Inde")]


@pytest.mark.parametrize("value", [[], ["chine", "inde"], ["b&c"]])
@pytest.mark.parametrize("attrs", [{"id": "id_topic"}, None, {"class": "facet"}])
def test_facet_checkboxes_print_what_django_prints(value, attrs):
    django_html = forms.CheckboxSelectMultiple(choices=CHOICES).render(
        "topic", value, attrs
    )
    ours = FacetCheckboxes(choices=CHOICES).render("topic", value, attrs)
    assert ours == django_html
    assert "&lt;d’art&gt;" in ours
