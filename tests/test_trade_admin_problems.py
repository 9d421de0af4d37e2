"""Figures where the editor works: the figures list counts and filters their
open inconsistencies, the story form lists those of its figures, and
« Reconnaître… » leads to a form with the key filled in that asks only for
the public note."""

from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission

from articles.services import EDITORS, WRITERS
from trade.models import Acknowledgement

from .admin_forms import form_data, queries_for
from .factories import make_article, make_figure, make_user

pytestmark = pytest.mark.django_db

FIGURES = "/admin/trade/figure/"
# The source (in English) writes the value: the checks find nothing.
CLEAN_QUOTE = "Trade reached $43.8 billion last year."


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def rows(response):
    """The list's rows: each a dict of column (the cell's field) to text."""
    found = {}
    for row in soup(response).select("#result_list tbody tr"):
        cells = {
            cell["class"][0].removeprefix("field-"): cell.get_text(" ", strip=True)
            for cell in row.select("th, td")
            if cell.get("class")
        }
        found[cells["slug"]] = cells
    return found


def acknowledge_url(figure, key, next_url=""):
    query = f"?cle={key}" + (f"&next={next_url}" if next_url else "")
    return f"{FIGURES}{figure.pk}/reconnaitre/{query}"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(EDITORS))
    return client


# --- The figures list -------------------------------------------------------


def test_figures_list_shows_value_period_source_and_open_count(editor_client):
    unsourced = make_figure(source=None, basis="statement", year=2023)
    clean = make_figure(quote=CLEAN_QUOTE)
    # Two open inconsistencies, one of them acknowledged.
    misquoted = make_figure(story_words="près de 60 milliards")
    Acknowledgement.objects.create(
        figure=misquoted, check_key=f"mots-article:{misquoted.slug}", note="Vu."
    )

    shown = rows(editor_client.get(FIGURES))

    assert shown[clean.slug]["display"] == "43,8\u00a0milliards de dollars"
    assert shown[clean.slug]["period_label"] == "2024"
    assert shown[clean.slug]["source"] == str(clean.source)
    assert shown[clean.slug]["open_problems"] == "0"
    assert shown[unsourced.slug]["period_label"] == "2023"
    assert shown[unsourced.slug]["source"] == "-"
    assert shown[unsourced.slug]["open_problems"] == "1"  # sans-source
    assert shown[misquoted.slug]["open_problems"] == "1"  # citation-sans-valeur


def test_figures_list_filters_on_open_inconsistencies(editor_client):
    clean = make_figure(quote=CLEAN_QUOTE)
    open_one = make_figure()
    closed = make_figure()
    Acknowledgement.objects.create(
        figure=closed, check_key=f"citation-sans-valeur:{closed.slug}", note="Vu."
    )

    page = editor_client.get(FIGURES)
    filters = soup(page).select_one("#changelist-filter").get_text(" ", strip=True)
    with_open = editor_client.get(FIGURES, {"ouvertes": "oui"})
    without = editor_client.get(FIGURES, {"ouvertes": "non"})

    assert "incohérences ouvertes" in filters
    assert set(rows(with_open)) == {open_one.slug}
    assert set(rows(without)) == {clean.slug, closed.slug}


def test_figures_list_sorts_on_the_open_count(editor_client):
    clean = make_figure(quote=CLEAN_QUOTE)
    two = make_figure(story_words="près de 60 milliards")
    one = make_figure()
    ordering = list_display_index("open_problems")
    response = editor_client.get(FIGURES, {"o": f"-{ordering}"})
    assert list(rows(response)) == [two.slug, one.slug, clean.slug]


def list_display_index(name):
    from django.contrib import admin

    from trade.models import Figure

    return admin.site.get_model_admin(Figure).list_display.index(name) + 1


def test_figures_list_query_count_does_not_grow_with_figures(editor_client):
    story = make_article()
    for _ in range(3):
        make_figure(stories=[story])
    few = queries_for(editor_client, FIGURES)
    for n in range(30):
        make_figure(stories=[story], quote=CLEAN_QUOTE if n % 2 else "")
    assert queries_for(editor_client, FIGURES) == few
    assert queries_for(editor_client, f"{FIGURES}?ouvertes=oui") == few


# --- The story form ---------------------------------------------------------


def story_problems(client, story):
    page = soup(client.get(f"/admin/articles/article/{story.pk}/change/"))
    return page.select_one("#figure-problems")


def test_story_form_lists_its_figures_open_problems_with_links(editor_client):
    story = make_article()
    unquoted = make_figure(stories=[story])
    unsourced = make_figure(stories=[story], source=None, basis="statement")
    acknowledged = make_figure(stories=[story])
    Acknowledgement.objects.create(
        figure=acknowledged,
        check_key=f"citation-sans-valeur:{acknowledged.slug}",
        note="Vu.",
    )
    make_figure()  # another story's: not listed

    box = story_problems(editor_client, story)

    assert box.p.get_text(strip=True) == (
        "2 incohérences ouvertes dans les chiffres de cet article"
    )
    items = box.select("li")
    assert [li["data-key"] for li in items] == sorted(
        [f"citation-sans-valeur:{unquoted.slug}", f"sans-source:{unsourced.slug}"],
        key=lambda key: key.split(":")[1],
    )
    by_key = {li["data-key"]: li for li in items}
    item = by_key[f"citation-sans-valeur:{unquoted.slug}"]
    assert "sa citation ne donne pas cette valeur" in item.get_text()
    page_link, acknowledge = item.select("a")
    assert page_link["href"] == f"{FIGURES}{unquoted.pk}/change/"
    assert acknowledge.get_text() == "Reconnaître…"
    address = urlsplit(acknowledge["href"])
    assert address.path == f"{FIGURES}{unquoted.pk}/reconnaitre/"
    assert parse_qs(address.query) == {
        "cle": [f"citation-sans-valeur:{unquoted.slug}"],
        "next": [f"/admin/articles/article/{story.pk}/change/"],
    }


def test_story_form_says_one_open_problem_in_the_singular(editor_client):
    story = make_article()
    make_figure(stories=[story])
    box = story_problems(editor_client, story)
    assert box.p.get_text(strip=True) == (
        "1 incohérence ouverte dans les chiffres de cet article"
    )


def test_story_form_says_when_its_figures_have_no_open_problem(editor_client):
    story = make_article()
    make_figure(stories=[story], quote=CLEAN_QUOTE)
    box = story_problems(editor_client, story)
    assert box.get_text(strip=True) == (
        "Aucune incohérence ouverte dans les chiffres de cet article."
    )
    assert story_problems(editor_client, make_article()) is None


def test_story_form_offers_acknowledging_only_to_who_may(client):
    # A writer allowed to see figures, not to acknowledge their problems.
    writer = make_user(WRITERS)
    writer.user_permissions.add(Permission.objects.get(codename="view_figure"))
    story = make_article(created_by=writer, status="draft", published_at=None)
    figure = make_figure(stories=[story])
    client.force_login(writer)
    box = story_problems(client, story)
    assert box.p.get_text(strip=True).startswith("1 incohérence ouverte")
    assert [a.get_text() for a in box.select("a")] == [f"Chiffre {figure.slug}"]


def test_writers_do_not_see_the_figures_of_a_story(client):
    writer = make_user(WRITERS)
    story = make_article(created_by=writer, status="draft", published_at=None)
    make_figure(stories=[story])
    client.force_login(writer)
    assert story_problems(client, story) is None


# --- Acknowledging ----------------------------------------------------------


def test_acknowledge_form_has_the_key_filled_in_and_asks_for_the_note(
    editor_client,
):
    figure = make_figure()
    key = f"citation-sans-valeur:{figure.slug}"

    response = editor_client.get(acknowledge_url(figure, key))

    assert response.status_code == 200
    page = soup(response)
    assert page.h1.get_text() == "Reconnaître une incohérence"
    hidden = page.select_one("input[name=check_key]")
    assert hidden["type"] == "hidden" and hidden["value"] == key
    assert not page.select("input[name=check_key][type=text]")
    note = page.select_one("textarea[name=note]")
    assert note.has_attr("required")
    help_text = page.select_one(f"#{note['aria-describedby']}").get_text()
    assert "Montrée aux lecteurs" in help_text
    assert "sa citation ne donne pas cette valeur" in page.get_text()


def test_acknowledging_saves_the_note_and_goes_back_to_the_story(editor_client):
    story = make_article()
    figure = make_figure(stories=[story])
    key = f"citation-sans-valeur:{figure.slug}"
    story_url = f"/admin/articles/article/{story.pk}/change/"
    url = acknowledge_url(figure, key, story_url)

    data = form_data(editor_client.get(url), "#content-main form")
    response = editor_client.post(url, {**data, "note": "La source arrondit."})

    assert response.status_code == 302
    assert response["Location"] == story_url
    acknowledgement = Acknowledgement.objects.get()
    assert (acknowledgement.figure, acknowledgement.check_key) == (figure, key)
    assert acknowledgement.note == "La source arrondit."
    after = editor_client.get(story_url)
    messages = [li.get_text(strip=True) for li in soup(after).select(".messagelist li")]
    assert f"Incohérence reconnue sur le chiffre {figure.slug}" in messages[0]
    assert story_problems(editor_client, story).get_text(strip=True) == (
        "Aucune incohérence ouverte dans les chiffres de cet article."
    )


def test_acknowledging_without_a_note_saves_nothing(editor_client):
    figure = make_figure()
    url = acknowledge_url(figure, f"citation-sans-valeur:{figure.slug}")
    data = form_data(editor_client.get(url), "#content-main form")
    response = editor_client.post(url, {**data, "note": "  "})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in soup(response).select_one(
        ".field-note .errorlist"
    ).get_text()
    assert not Acknowledgement.objects.exists()


def test_acknowledging_goes_back_only_to_this_site(editor_client):
    figure = make_figure()
    url = acknowledge_url(
        figure, f"citation-sans-valeur:{figure.slug}", "https://ailleurs.example/"
    )
    response = editor_client.post(
        url, {"check_key": f"citation-sans-valeur:{figure.slug}", "note": "Vu."}
    )
    assert response["Location"] == f"{FIGURES}{figure.pk}/change/"


@pytest.mark.parametrize(
    "key, message",
    [
        ("citation-sans-valeur:inventee", "Aucune incohérence n’a cette clé"),
        ("", "Aucune incohérence choisie"),
        ("OTHER", "concerne le chiffre"),
        ("nombre-sans-chiffre:une-breve:12 %", "ne se reconnaît pas"),
        ("ACKNOWLEDGED", "déjà reconnue"),
    ],
)
def test_a_key_that_cannot_be_acknowledged_is_refused(editor_client, key, message):
    figure = make_figure()
    other = make_figure()
    mine = f"citation-sans-valeur:{figure.slug}"
    if key == "OTHER":
        key = f"citation-sans-valeur:{other.slug}"
    if key == "ACKNOWLEDGED":
        key = mine
        Acknowledgement.objects.create(figure=figure, check_key=key, note="Vu.")
    count = Acknowledgement.objects.count()

    shown = editor_client.get(acknowledge_url(figure, key))
    # A form posted with another key than the link gave.
    posted = editor_client.post(
        acknowledge_url(figure, mine), {"check_key": key, "note": "Vu."}
    )

    for response in (shown, posted):
        assert response.status_code == 400
        page = soup(response)
        assert message in page.select_one(".errornote").get_text()
        assert not page.select("textarea[name=note]")
    assert Acknowledgement.objects.count() == count


def test_acknowledging_needs_the_permission_to_add_an_acknowledgement(client):
    figure = make_figure()
    key = f"citation-sans-valeur:{figure.slug}"
    user = make_user(is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="view_figure"),
        Permission.objects.get(codename="change_figure"),
    )
    client.force_login(user)
    url = acknowledge_url(figure, key)
    assert client.get(url).status_code == 403
    assert client.post(url, {"check_key": key, "note": "Vu."}).status_code == 403
    assert not Acknowledgement.objects.exists()
    user.user_permissions.add(Permission.objects.get(codename="add_acknowledgement"))
    client.force_login(user)  # permissions are cached on the user object
    assert client.get(url).status_code == 200
    assert client.post(url, {"check_key": key, "note": "Vu."}).status_code == 302
    assert Acknowledgement.objects.get().check_key == key


def test_acknowledge_page_of_an_unknown_figure_is_not_found(editor_client):
    assert editor_client.get(f"{FIGURES}999999/reconnaitre/?cle=x").status_code == 404


def test_figure_page_offers_to_acknowledge_each_open_problem(editor_client):
    figure = make_figure(story_words="près de 60 milliards")
    Acknowledgement.objects.create(
        figure=figure, check_key=f"mots-article:{figure.slug}", note="Vu."
    )
    page = soup(editor_client.get(f"{FIGURES}{figure.pk}/change/"))
    lines = {p.code.get_text(): p for p in page.select(".field-checks .readonly p")}
    assert not lines[f"mots-article:{figure.slug}"].select("a")
    [link] = lines[f"citation-sans-valeur:{figure.slug}"].select("a")
    assert link.get_text() == "Reconnaître…"
    assert link["href"] == acknowledge_url(
        figure, f"citation-sans-valeur%3A{figure.slug}"
    )


def test_acknowledgement_admin_refuses_a_key_already_acknowledged(editor_client):
    figure = make_figure()
    key = f"citation-sans-valeur:{figure.slug}"
    Acknowledgement.objects.create(figure=figure, check_key=key, note="Vu.")
    response = editor_client.post(
        "/admin/trade/acknowledgement/add/",
        {"figure": figure.pk, "check_key": key, "note": "Encore."},
    )
    assert response.status_code == 200
    errors = soup(response).select_one(".field-check_key .errorlist").get_text()
    assert errors == (
        "Cette incohérence est déjà reconnue\u202f: sa note se modifie sur la "
        "page du chiffre."
    )
    assert Acknowledgement.objects.count() == 1


def test_figure_page_offers_its_keys_to_choose_not_to_type(editor_client):
    figure = make_figure(story_words="près de 60 milliards")
    key = f"mots-article:{figure.slug}"
    Acknowledgement.objects.create(figure=figure, check_key=key, note="Vu.")
    page = editor_client.get(f"{FIGURES}{figure.pk}/change/")

    [given, empty] = soup(page).select("select[name$=check_key]")
    options = {o["value"]: o.get_text() for o in empty.select("option")}
    assert list(options) == ["", key, f"citation-sans-valeur:{figure.slug}"]
    assert options[key].startswith(f"{key}\u202f: {figure.slug} (43,8")
    assert len(options[f"citation-sans-valeur:{figure.slug}"]) <= 90
    assert given.select_one("option[selected]")["value"] == key

    data = form_data(page, "#figure_form", **{"acknowledgements-0-note": "Revu."})
    response = editor_client.post(f"{FIGURES}{figure.pk}/change/", data)
    assert response.status_code == 302
    assert Acknowledgement.objects.get().note == "Revu."


def test_a_key_the_checks_no_longer_find_stays_chosen(editor_client):
    figure = make_figure()
    Acknowledgement.objects.create(figure=figure, check_key="plus-trouvee", note="Vu.")
    page = soup(editor_client.get(f"{FIGURES}{figure.pk}/change/"))
    given = page.select_one("select[name=acknowledgements-0-check_key]")
    assert given.select_one("option[selected]")["value"] == "plus-trouvee"
