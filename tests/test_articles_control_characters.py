"""Characters XML 1.0 cannot carry never reach a stored story, nor a feed."""

import pytest
from django.urls import reverse

from articles.models import Article, Correction, Topic
from articles.services import EDITORS
from articles.text import codepoint, strip_controls
from trade.models import Country

from .admin_forms import form_data
from .factories import make_article, make_brief, make_country, make_topic, make_user
from .feeds import SITE_FEEDS, SITE_URL, TOPIC_FEEDS, fetch_feed

pytestmark = pytest.mark.django_db

# Every C0 control character, and the two other characters XML 1.0 excludes.
FORBIDDEN = [chr(c) for c in range(0x20)] + ["\ufffe", "\uffff"]
# What a stored text keeps of each: tab and newline; CR, and the line and
# page breaks U+000B (Word's manual line break) and U+000C, end a line (LF).
KEPT = {"\t": "\t", "\n": "\n", "\x0b": "\n", "\x0c": "\n", "\r": "\n"}
STORY_FIELDS = ["title", "standfirst", "body", "dateline", "credit"]
ALL_FORBIDDEN = "".join(FORBIDDEN)
ALL_KEPT = "\t\n\n\n\n"


@pytest.fixture(autouse=True)
def public_site(settings):
    settings.SITE_URL = SITE_URL


def every_feed_url(topic, country):
    return (
        [reverse(name) for name in SITE_FEEDS]
        + [reverse(name, args=[topic.slug]) for name in TOPIC_FEEDS]
        + [
            reverse(f"trade:country_feed_{kind}", args=[country.slug])
            for kind in ("rss", "atom")
        ]
        + [reverse(f"articles:list_feed_{kind}") for kind in ("rss", "atom")]
    )


@pytest.mark.parametrize("char", FORBIDDEN, ids=codepoint)
def test_strip_controls_keeps_tab_and_newline_and_turns_cr_into_lf(char):
    assert strip_controls(f"a{char}b") == f"a{KEPT.get(char, '')}b"


def test_crlf_from_a_textarea_is_one_line_end():
    assert (
        strip_controls("un\r\ndeux\r\n\r\ntrois\rquatre") == "un\ndeux\n\ntrois\nquatre"
    )


def test_a_word_line_break_keeps_the_words_apart():
    assert (
        strip_controls("Premier\x0bsecond\x0ctroisième") == "Premier\nsecond\ntroisième"
    )


@pytest.mark.parametrize("char", FORBIDDEN, ids=codepoint)
def test_every_typed_field_stores_clean_text(char):
    story = make_article(**{name: f"Début{char}fin" for name in STORY_FIELDS})
    topic = make_topic(name=f"Thème{char}{ord(char)}", description=f"Un{char}thème")
    Correction.objects.create(article=story, wrong=f"Faux{char}", right=f"Vrai{char}")
    country = make_country(name=f"Pays{char}x")

    kept = KEPT.get(char, "")
    story = Article.objects.get(pk=story.pk)
    for name in STORY_FIELDS:
        assert getattr(story, name) == f"Début{kept}fin", name
    for derived in (story.body_html, story.search_title, story.search_text):
        assert strip_controls(derived) == derived
    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.name, topic.description) == (
        f"Thème{kept}{ord(char)}",
        f"Un{kept}thème",
    )
    correction = story.corrections.get()
    assert (correction.wrong, correction.right) == (f"Faux{kept}", f"Vrai{kept}")
    assert Country.objects.get(pk=country.pk).name == f"Pays{kept}x"
    assert story.history.first().standfirst == f"Début{kept}fin"


def test_every_feed_stays_valid_with_every_character_typed_everywhere(client):
    topic = make_topic(
        name=f"Thème{ALL_FORBIDDEN}", description=f"Un{ALL_FORBIDDEN}thème"
    )
    country = make_country(name=f"Pays{ALL_FORBIDDEN}")
    typed = {name: f"Début{ALL_FORBIDDEN}fin" for name in STORY_FIELDS}
    stories = [
        make_article(topics=[topic], **typed),
        make_brief(topics=[topic], **typed),
    ]
    for story in stories:
        story.countries.add(country)
        Correction.objects.create(
            article=story, wrong=ALL_FORBIDDEN, right=ALL_FORBIDDEN
        )
    assert Article.objects.filter(title=f"Début{ALL_KEPT}fin").count() == 2

    for url in every_feed_url(topic, country):
        _, feed, _ = fetch_feed(client, url)
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.author == f"Début{ALL_KEPT}fin"
            assert "Début" in entry.summary
            assert "Début" in entry.content[0].value
            assert [tag.term.strip() for tag in entry.tags] == ["Thème"]


def test_feeds_strip_what_rows_written_around_save_still_hold(client):
    """Older rows, update() and bulk_create() skip save(): the feeds still
    answer, without the characters."""
    topic = make_topic()
    country = make_country()
    stories = [make_article(topics=[topic]), make_brief(topics=[topic])]
    for story in stories:
        story.countries.add(country)
    # No NUL: PostgreSQL refuses it in text columns whatever the path.
    dirty = "\x01\x08\x0e\x1b\x1f\ufffe\uffff"
    Article.objects.update(
        title=f"Un{dirty} titre",
        standfirst=f"Un{dirty}\x0bchapô",
        body_html=f"<p>Un{dirty} texte</p>",
        credit=f"Une{dirty} signature",
    )
    Topic.objects.filter(pk=topic.pk).update(
        name=f"Un{dirty} thème", description=f"Une{dirty} description"
    )
    Country.objects.filter(pk=country.pk).update(name=f"Un{dirty} pays")
    topic.refresh_from_db()
    country.refresh_from_db()

    for url in every_feed_url(topic, country):
        response, feed, _ = fetch_feed(client, url)
        assert not any(
            char in response.content.decode() for char in dirty + "\x0b"
        ), url
        assert feed.entries, url
        for entry in feed.entries:
            assert entry.title == "Un titre"
            assert entry.author == "Une signature"
            assert "Un\nchapô" in entry.summary
            assert "Un texte" in entry.content[0].value
    _, feed, _ = fetch_feed(
        client, reverse("articles:topic_feed_rss", args=[topic.slug])
    )
    assert feed.feed.title == "La Gazette\u202f: Un thème"
    assert feed.feed.subtitle == "Une description"
    assert feed.entries[0].tags[0].term == "Un thème"


def test_a_noncharacter_in_a_feed_query_is_left_out_of_the_feed(client):
    """Search words drop control characters (articles.filters); U+FFFF is
    not one, and XML cannot carry it either."""
    make_article(title="La Chine et le Kazakhstan")
    url = reverse("articles:list_feed_rss") + "?q=chine%EF%BF%BF"
    _, feed, _ = fetch_feed(client, url)
    assert feed.feed.title.endswith("«\u202fchine\u202f»")
    assert [entry.title for entry in feed.entries] == ["La Chine et le Kazakhstan"]


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(EDITORS))
    return client


def test_admin_form_keeps_word_line_breaks_as_line_ends_and_drops_escapes(
    editor_client,
):
    story = make_article(status="draft", published_at=None)
    url = f"/admin/articles/article/{story.pk}/change/"
    data = form_data(
        editor_client.get(url),
        "#article_form",
        title="Un titre\x1b[1m en gras",
        standfirst="Un chapô\x0bcollé de Word",
        body="Ligne un\r\nligne deux\r\n\r\nDeuxième paragraphe",
    )
    assert editor_client.post(url, data).status_code == 302
    story.refresh_from_db()
    assert story.title == "Un titre[1m en gras"
    assert story.standfirst == "Un chapô\ncollé de Word"
    assert story.body == "Ligne un\nligne deux\n\nDeuxième paragraphe"
    assert story.body_html.count("<p>") == 2


def test_admin_form_refuses_a_null_character_with_a_message(editor_client):
    story = make_article(status="draft", published_at=None)
    url = f"/admin/articles/article/{story.pk}/change/"
    data = form_data(editor_client.get(url), "#article_form", title="Un\x00titre")
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Le caractère nul n’est pas autorisé." in response.content.decode()
    story.refresh_from_db()
    assert story.title.startswith("Article numéro")
