"""Reading the pages the tests get back."""

from bs4 import BeautifulSoup


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def titles(response):
    """The titles of a listing's results, in order."""
    return [a.get_text() for a in soup(response).select(".results .card__title a")]


def keep_site_values(client):
    """Build once what every story page shares and keeps until the content
    changes (the navigation, the footer, the site's dates), through a story
    of its own: the stories measured next then pay for themselves only."""
    from .factories import make_article

    story = make_article(title="Une autre histoire")
    assert client.get(story.get_absolute_url()).status_code == 200
