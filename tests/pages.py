"""Reading the pages the tests get back."""

from bs4 import BeautifulSoup


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def titles(response):
    """The titles of a listing's results, in order."""
    return [a.get_text() for a in soup(response).select(".results .card__title a")]
