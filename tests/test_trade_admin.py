import re

import pytest
from bs4 import BeautifulSoup

from tests.admin_forms import form_data
from tests.factories import make_figure
from trade.models import Acknowledgement, Figure, Source, Target

pytestmark = pytest.mark.django_db


def test_admin_pages_load(admin_client, trade_seeded):
    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    # Not pk 1: PostgreSQL's sequences do not restart between tests.
    target = Target.objects.get()
    for url in [
        "/admin/trade/figure/",
        "/admin/trade/figure/?annee=2024&nature__exact=reported",
        f"/admin/trade/figure/{figure.pk}/change/",
        f"/admin/trade/target/{target.pk}/change/",
        "/admin/trade/source/",
        f"/admin/articles/article/{trade_seeded.pk}/change/",
    ]:
        assert admin_client.get(url).status_code == 200, url


def checks_field(admin_client, figure):
    page = BeautifulSoup(
        admin_client.get(f"/admin/trade/figure/{figure.pk}/change/").content,
        "html.parser",
    )
    # Plain spaces squeezed; the narrow ones French sets before « : % » kept.
    text = page.select_one(".field-checks .readonly").get_text(" ")
    return re.sub(r"[ \t\n]+", " ", text)


def test_figure_change_page_warns_with_the_computed_value(admin_client, trade_seeded):
    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    # The seed acknowledges it: the page still says what the check found.
    shown = checks_field(admin_client, figure)
    assert "variation:kz-cn-2024-variation Erreur reconnue (note ci-dessous)" in shown
    assert "+6,8\u202f%" in shown
    Acknowledgement.objects.filter(figure=figure).delete()
    shown = checks_field(admin_client, figure)
    assert "variation:kz-cn-2024-variation Erreur ouverte" in shown
    assert "sans-source:kz-cn-2024-variation Erreur ouverte" in shown
    assert "+6,8\u202f%" in shown
    page = admin_client.get(f"/admin/trade/figure/{figure.pk}/change/").content.decode()
    assert "[[chiffre:kz-cn-2024-variation]]" in page


def test_figure_checks_give_each_key_its_status_and_message(admin_client, trade_seeded):
    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    Acknowledgement.objects.filter(figure=figure).delete()
    page = BeautifulSoup(
        admin_client.get(f"/admin/trade/figure/{figure.pk}/change/").content,
        "html.parser",
    )
    lines = {p.code.get_text(): p for p in page.select(".field-checks .readonly p")}
    line = lines["variation:kz-cn-2024-variation"]
    assert line.strong.get_text() == "Erreur ouverte"
    assert line.get_text().startswith(
        "variation:kz-cn-2024-variation Erreur ouverte\u202f: "
    )
    assert "+6,8\u202f%" in line.get_text()


def test_figure_change_page_has_no_inconsistency_for_a_clean_figure(
    admin_client, trade_seeded
):
    figure = Figure.objects.get(slug="cn-kz-2024-douanes")
    assert checks_field(admin_client, figure).strip() == "Aucune."


def test_story_admin_has_the_figures_inline(admin_client, trade_seeded):
    page = BeautifulSoup(
        admin_client.get(f"/admin/articles/article/{trade_seeded.pk}/change/").content,
        "html.parser",
    )
    assert "chiffres cités" in page.get_text().lower()
    assert page.select("select[data-autocomplete-light-url], select.admin-autocomplete")


def test_admin_form_refuses_a_negative_turnover_with_a_message(admin_client):
    figure = make_figure()
    data = {
        "slug": figure.slug,
        "indicator": figure.indicator.pk,
        "reporter": figure.reporter.pk,
        "partner": figure.partner.pk,
        "period_start": "2024-01-01",
        "period_end": "2023-12-31",
        "value": "-4",
        "unit": figure.unit,
        "scale": figure.scale,
        "nature": "reported",
        "basis": figure.basis,
        "source": figure.source.pk,
        "quote": "",
        "story_words": "",
        "note": "",
        "acknowledgements-TOTAL_FORMS": "0",
        "acknowledgements-INITIAL_FORMS": "0",
    }
    response = admin_client.post(f"/admin/trade/figure/{figure.pk}/change/", data)
    assert response.status_code == 200
    text = response.content.decode()
    assert "ne peut pas être négatif" in text
    assert "La fin de la période précède son début." in text
    figure.refresh_from_db()
    assert figure.value > 0


def test_saving_an_inconsistent_figure_warns_the_editor(admin_client, trade_seeded):
    figure = Figure.objects.get(slug="kz-cn-2025-s1")
    figure.acknowledgements.all().delete()
    data = {
        "slug": figure.slug,
        "indicator": figure.indicator.pk,
        "reporter": figure.reporter.pk,
        "partner": figure.partner.pk,
        "period_start": "2025-01-01",
        "period_end": "2025-06-30",
        "value": "21.8",
        "unit": figure.unit,
        "scale": figure.scale,
        "nature": "reported",
        "basis": figure.basis,
        "source": "",
        "quote": "",
        "story_words": figure.story_words,
        "note": figure.note,
        "stories": [s.pk for s in figure.stories.all()],
        "acknowledgements-TOTAL_FORMS": "0",
        "acknowledgements-INITIAL_FORMS": "0",
    }
    response = admin_client.post(
        f"/admin/trade/figure/{figure.pk}/change/", data, follow=True
    )
    assert "sans-source:kz-cn-2025-s1" in response.content.decode()


def test_acknowledgement_needs_a_real_key_of_its_own_figure(
    admin_client, trade_seeded
):
    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    # Keys are unique: the seed's own acknowledgements would be refused as such.
    Acknowledgement.objects.all().delete()
    url = "/admin/trade/acknowledgement/add/"
    for key, message in [
        ("variation:inventee", "Aucune incohérence n’a cette clé"),
        ("sans-source:kz-cn-2025-s1", "concerne le chiffre kz-cn-2025-s1"),
        ("nombre-sans-chiffre:une-breve:12 %", "ne se reconnaît pas"),
        ("calcul:variation:a:b", "ne se reconnaît pas"),
    ]:
        data = {"figure": figure.pk, "check_key": key, "note": "n"}
        response = admin_client.post(url, data)
        assert response.status_code == 200
        errors = BeautifulSoup(response.content, "html.parser").select(
            ".field-check_key .errorlist"
        )
        assert message in errors[0].get_text()
    assert not Acknowledgement.objects.exists()
    data = {"figure": figure.pk, "check_key": "variation:kz-cn-2024-variation"}
    assert admin_client.post(url, {**data, "note": "n"}).status_code == 302
    assert Acknowledgement.objects.get().figure == figure


def figure_page_data(figure, **acknowledgement):
    """What the change page of the seed's figure kz-cn-2024-variation posts,
    with one new acknowledgement (its check_key and note) when given."""
    data = {
        "slug": figure.slug,
        "indicator": figure.indicator.pk,
        "reporter": figure.reporter.pk,
        "partner": figure.partner.pk,
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "value": "9.2",
        "unit": figure.unit,
        "scale": figure.scale,
        "nature": "reported",
        "basis": figure.basis,
        "source": "",
        "quote": "",
        "story_words": figure.story_words,
        "note": figure.note,
        "stories": [s.pk for s in figure.stories.all()],
        "acknowledgements-TOTAL_FORMS": "1" if acknowledgement else "0",
        "acknowledgements-INITIAL_FORMS": "0",
    }
    for name, value in acknowledgement.items():
        data[f"acknowledgements-0-{name}"] = value
    return data


def test_editor_acknowledges_from_the_figure_page(admin_client, trade_seeded):
    from trade.checks import open_inconsistencies

    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    figure.acknowledgements.all().delete()
    data = figure_page_data(
        figure,
        check_key="variation:kz-cn-2024-variation",
        note="Les douanes chinoises donnent +6,8 %.",
    )
    response = admin_client.post(f"/admin/trade/figure/{figure.pk}/change/", data)
    assert response.status_code == 302
    keys = {i.key for i in open_inconsistencies()}
    assert "variation:kz-cn-2024-variation" not in keys
    assert "sans-source:kz-cn-2024-variation" in keys


def test_figure_page_refuses_an_acknowledgement_of_another_figure(
    admin_client, trade_seeded
):
    figure = Figure.objects.get(slug="kz-cn-2024-variation")
    figure.acknowledgements.all().delete()
    data = figure_page_data(figure, check_key="sans-source:kz-cn-2025-s1", note="n")
    response = admin_client.post(f"/admin/trade/figure/{figure.pk}/change/", data)
    assert response.status_code == 200
    assert "concerne le chiffre kz-cn-2025-s1" in response.content.decode()
    assert not figure.acknowledgements.exists()


def test_a_source_address_typed_without_its_scheme_is_a_secure_one(admin_client):
    page = admin_client.get("/admin/trade/source/add/")
    data = form_data(
        page,
        "#source_form",
        publisher="Kazinform",
        title="Un article",
        url="www.inform.kz/fr/article",
        language="fr",
        published_on="2025-08-23",
    )
    response = admin_client.post("/admin/trade/source/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Source.objects.get().url == "https://www.inform.kz/fr/article"
