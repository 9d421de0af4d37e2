"""An editor acknowledges a figure's open inconsistency from the story form,
in Chromium, at desktop and phone widths: « Reconnaître… », the note, and
back to the story with the problem closed."""

import pytest

from articles.services import EDITORS
from trade.models import Acknowledgement

from .factories import make_article, make_figure, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, id="bureau"), pytest.param(390, id="telephone")]


@pytest.mark.parametrize("width", WIDTHS)
def test_editor_acknowledges_from_the_story_form(browsing, width):
    editor = make_user(EDITORS)
    story = make_article(title="Les conteneurs de Khorgos")
    figure = make_figure(stories=[story])
    key = f"citation-sans-valeur:{figure.slug}"
    story_url = f"/admin/articles/article/{story.pk}/change/"
    page = browsing.open(width)

    page.goto(story_url)
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"**{story_url}")
    problems = page.locator("#figure-problems")
    assert problems.locator("p").first.inner_text() == (
        "1 incohérence ouverte dans les chiffres de cet article"
    )
    browsing.shoot(page, "1-incoherence-ouverte")

    problems.get_by_role("link", name="Reconnaître…").click()
    page.wait_for_url("**/reconnaitre/**")
    assert page.locator("h1").inner_text() == "Reconnaître une incohérence"
    assert "sa citation ne donne pas cette valeur" in page.locator(
        "#content-main"
    ).inner_text()
    # Nothing to type but the note: the key is in the form already.
    assert page.locator("input[name=check_key]").input_value() == key
    note = page.get_by_label("Note publique")
    assert "Montrée aux lecteurs" in page.locator(".field-note .help").inner_text()
    browsing.shoot(page, "2-formulaire")

    # Without a note, nothing is saved and the form says what is missing.
    page.get_by_role("button", name="Reconnaître avec cette note").click()
    assert "Ce champ est obligatoire." in page.locator(".field-note").inner_text()
    assert not Acknowledgement.objects.exists()

    note.fill("La source arrondit ce chiffre au milliard.")
    page.get_by_role("button", name="Reconnaître avec cette note").click()
    page.wait_for_url(f"**{story_url}")
    assert f"Incohérence reconnue sur le chiffre {figure.slug}" in (
        page.locator(".messagelist").first.inner_text()
    )
    assert page.locator("#figure-problems").inner_text().strip() == (
        "Aucune incohérence ouverte dans les chiffres de cet article."
    )
    browsing.shoot(page, "3-reconnue")
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.figure, acknowledgement.check_key) == (figure, key)
    assert acknowledgement.note == "La source arrondit ce chiffre au milliard."
    assert not browsing.problems


@pytest.mark.parametrize("width", WIDTHS)
def test_open_problems_and_acknowledge_page_have_no_axe_violation(browsing, width):
    from axe_playwright_python.sync_playwright import Axe

    editor = make_user(EDITORS)
    story = make_article(title="Les conteneurs de Khorgos")
    figure = make_figure(stories=[story])
    make_figure(stories=[story], source=None, basis="statement")
    # Past the site's Content-Security-Policy, which refuses axe's script.
    page = browsing.open(width, bypass_csp=True)
    page.goto("/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill(editor.username)
    page.get_by_label("Mot de passe").fill("mot-de-passe")
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/admin/")
    found = []
    for url, part in [
        (f"/admin/articles/article/{story.pk}/change/", "#figure-problems"),
        (
            f"/admin/trade/figure/{figure.pk}/reconnaitre/"
            f"?cle=citation-sans-valeur:{figure.slug}",
            "#content-main",
        ),
    ]:
        page.goto(url)
        results = Axe().run(
            page, context=part, options={"resultTypes": ["violations"]}
        )
        found += [
            f"{url} {violation['id']} ({violation['impact']}): "
            f"{[node['target'] for node in violation['nodes']]}"
            for violation in results.response["violations"]
        ]
    assert found == []
    assert not browsing.problems
