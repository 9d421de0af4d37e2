"""No query string, however hostile, gives a 500 on a public page."""
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .factories import make_article, make_brief, make_country, make_topic

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = [
    "/",
    "/articles/",
    "/articles/{story}/",
    "/themes/",
    "/themes/{topic}/",
    "/pays/{country}/",
    "/articles/flux/rss/",
    "/themes/{topic}/atom/",
    "/pays/{country}/rss/",
    "/flux/rss/",
    "/chiffres/",
]
PARAMETERS = ["q", "topic", "country", "kind", "after", "before", "ordering", "page"]
ACCEPTABLE = {200, 301, 302, 400, 404}
HYPOTHESIS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.text(max_size=60),
    st.text(max_size=3000),
    st.dates().map(lambda day: day.isoformat()),
    st.integers().map(str),
    st.sampled_from(
        ["chine", "kazakhstan", "atlantide", "brief", "article", "ancien", "last", "0", ""]
    ),
)
pairs = st.lists(
    st.tuples(st.one_of(st.sampled_from(PARAMETERS), st.text(max_size=20)), values),
    max_size=12,
)
raw_queries = st.binary(max_size=300).map(lambda raw: quote_from_bytes(raw, safe="=&%+"))


@pytest.fixture
def paths(db):
    topic = make_topic(name="Chine", slug="chine")
    story = make_article(title="Échanges commerciaux", topics=[topic])
    brief = make_brief(title="Brève", topics=[topic], related=[story])
    country = make_country(code="KZ", name="Kazakhstan", slug="kazakhstan")
    country.stories.add(story, brief)
    return [
        path.format(story=story.slug, topic=topic.slug, country=country.slug)
        for path in PUBLIC_PATHS
    ]


def encode(items):
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in items)


def assert_no_server_error(client, paths, query):
    for path in paths:
        response = client.get(f"{path}?{query}")
        assert response.status_code in ACCEPTABLE, (path, query, response.status_code)


@HYPOTHESIS
@given(items=pairs)
def test_random_parameters_never_give_a_server_error(client, paths, items):
    assert_no_server_error(client, paths, encode(items))


@HYPOTHESIS
@given(query=raw_queries)
def test_random_bytes_never_give_a_server_error(client, paths, query):
    assert_no_server_error(client, paths, query)


@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "q=%FF%FE%FD",
        "topic=%C3",
        "topic=%00",
        "topic=chine%00",
        "kind=%00&ordering=%00&page=%00",
        "after=%00-01-01",
        "after=9999-12-31&before=9999-12-31",
        "after=0001-01-01",
        "page=%EF%BF%BD",
        "kind=article&kind=brief&kind=",
        "topic=" + "&topic=".join(["chine"] * 30),
        "q=" + "é" * 10000,
    ],
)
def test_known_hostile_queries_never_give_a_server_error(client, paths, query):
    assert_no_server_error(client, paths, query)
