"""Country pages and the country filter of the listings."""

import pytest
from bs4 import BeautifulSoup

from articles.models import Status

from .factories import make_article, make_brief, make_country, make_figure, make_pair, make_topic

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def card_titles(response):
    return [a.get_text() for a in soup(response).select(".results .card__title a")]


@pytest.fixture
def countries():
    kz = make_country(code="KZ", name="Kazakhstan", slug="kazakhstan")
    cn = make_country(code="CN", name="Chine", slug="chine")
    topic = make_topic(name="Commerce", slug="commerce")
    both = make_article(title="Entre les deux", topics=[topic])
    kz_only = make_brief(title="Seulement au Kazakhstan")
    draft = make_article(title="Brouillon kazakh", status=Status.DRAFT)
    kz.stories.add(both, kz_only, draft)
    cn.stories.add(both)
    return kz, cn


def test_listing_filters_by_country(client, countries):
    assert card_titles(client.get("/articles/?country=chine")) == ["Entre les deux"]
    assert card_titles(client.get("/articles/?country=kazakhstan&kind=brief")) == [
        "Seulement au Kazakhstan"
    ]
    assert sorted(card_titles(client.get("/articles/?country=kazakhstan&country=chine"))) == [
        "Entre les deux",
        "Seulement au Kazakhstan",
    ]


def test_country_choices_list_only_countries_in_use_with_counts(client, countries):
    make_country(code="FR", name="France", slug="france")
    page = soup(client.get("/articles/"))
    labels = [label.get_text(" ", strip=True) for label in page.select(".filters__field--country label")]
    assert labels == ["Chine (1)", "Kazakhstan (2)"]


def test_unknown_country_is_a_404(client, countries):
    assert client.get("/articles/?country=atlantide").status_code == 404
    assert client.get("/pays/atlantide/").status_code == 404


def test_country_page_lists_its_published_stories_and_pair_pages(client, countries):
    kz, cn = countries
    pair = make_pair(kz, cn, slug="kazakhstan-chine")
    make_figure(stories=[], reporter=cn, partner=kz)
    response = client.get(kz.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("h1").get_text() == "Kazakhstan"
    assert sorted(card_titles(response)) == ["Entre les deux", "Seulement au Kazakhstan"]
    assert "Brouillon kazakh" not in response.content.decode()
    assert page.select_one(f".page-header a[href='{pair.get_absolute_url()}']")
    assert page.select_one("head link[rel=alternate][href='/pays/kazakhstan/rss/']")
    assert not page.select(".filters__field--country")


def test_country_page_query_count_does_not_grow(client, countries, django_assert_num_queries):
    from django.core.cache import cache

    kz, _ = countries
    # The country, the topic and country choices with their counts (the
    # page's number among them; two queries each: the counts of the listings'
    # index, then what they count), the published pairs (2), the ids of the
    # page, its stories (with their cards' kickers), the navigation (2): the
    # same for 1 and 31 stories.
    cache.clear()
    with django_assert_num_queries(11):
        client.get(kz.get_absolute_url())
    for n in range(30):
        kz.stories.add(make_article(title=f"Encore {n}"))
    cache.clear()
    with django_assert_num_queries(11):
        client.get(kz.get_absolute_url())


def test_every_page_links_to_the_country_pages(client, countries):
    kz, cn = countries
    for url in ["/", "/articles/", "/themes/", kz.get_absolute_url(), "/chiffres/"]:
        footer = soup(client.get(url)).select_one(".site-footer__countries")
        links = [(a["href"], a.get_text()) for a in footer.select("a")]
        assert links == [("/pays/chine/", "Chine"), ("/pays/kazakhstan/", "Kazakhstan")]


def test_a_country_with_only_drafts_is_not_linked(client, countries):
    fr = make_country(code="FR", name="France", slug="france")
    fr.stories.add(make_article(title="Brouillon français", status=Status.DRAFT))
    assert "/pays/france/" not in client.get("/").content.decode()


def test_a_country_page_built_anew_reads_only_its_ids_once_values_are_kept(
    client, countries, django_assert_num_queries
):
    kz, _ = countries
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    client.get(kz.get_absolute_url())
    # The country and the ids of the page; the published pairs, the cards,
    # the filter form are kept.
    with django_assert_num_queries(2):
        response = client.get(kz.get_absolute_url())
    assert soup(response).h1.get_text(strip=True) == kz.name
