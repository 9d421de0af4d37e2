"""The facet checkboxes, from their one template, print exactly Django's HTML."""

import pytest
from django import forms
from django.test.signals import template_rendered

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
    assert ours.count("checked") == len(value)


def test_facet_checkboxes_render_through_their_one_template():
    rendered = []

    def seen(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        html = FacetCheckboxes(choices=CHOICES).render(
            "topic", ["inde"], {"id": "id_topic"}
        )
    finally:
        template_rendered.disconnect(seen)
    assert rendered == ["articles/widgets/facet_checkboxes.html"]
    box = '<label for="id_topic_2"><input type="checkbox" name="topic" value="inde"'
    assert box in html
    assert 'id="id_topic_2" checked>' in html
