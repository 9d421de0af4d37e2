"""articles' extension points: story panels and the story admin's inlines,
named in settings so that articles never names the apps that use them."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.utils.html import format_html

from articles.panels import StoryPanel
from tests.factories import make_article, make_figure

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# A panel returning plain text: the page escapes it.
SIGNED_PANEL = StoryPanel(render=lambda story: f"<b>Signé</b> {story.title}")


def page(client, story):
    client.cookies["lecteur"] = "connecté"  # built, not served from the page cache
    return BeautifulSoup(client.get(story.get_absolute_url()).content, "html.parser")


def test_story_page_shows_the_panels_the_setting_names_in_order(client, settings):
    story = make_article(title="Le blé")
    make_figure(stories=[story], value="43.8")
    settings.GAZETTE_STORY_PANELS = [
        "tests.test_articles_panels.SIGNED_PANEL",
        "trade.panels.KEY_FIGURES_PANEL",
    ]
    html = str(page(client, story).select_one("article.story"))
    assert "&lt;b&gt;Signé&lt;/b&gt; Le blé" in html
    assert html.index("Signé") < html.index('class="key-figures')


def test_story_page_without_panels_has_no_key_figures_box(client, settings):
    story = make_article()
    make_figure(stories=[story], value="43.8")
    settings.GAZETTE_STORY_PANELS = []
    shown = page(client, story)
    assert shown.select_one(".story__body") and not shown.select_one(".key-figures")


def test_story_admin_adds_the_inlines_the_setting_names(admin_client, settings):
    story = make_article()
    url = f"/admin/articles/article/{story.pk}/change/"
    assert "chiffres cités" in admin_client.get(url).content.decode().lower()
    settings.GAZETTE_STORY_ADMIN_INLINES = []
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "chiffres cités" not in response.content.decode().lower()


def test_articles_templates_load_no_trade_library():
    for template in (ROOT / "templates" / "articles").rglob("*.html"):
        assert "trade" not in template.read_text(), template


RENDERED = []


def counted_panel(story):
    RENDERED.append(story.pk)
    return format_html('<aside class="signed">Panneau {}</aside>', story.pk)


COUNTED_PANEL = StoryPanel(render=counted_panel)


def test_panels_are_kept_per_content_version(client, settings):
    """The page keeps its panels ({% cache %}) until the content changes."""
    story = make_article()
    settings.GAZETTE_STORY_PANELS = ["tests.test_articles_panels.COUNTED_PANEL"]
    RENDERED.clear()
    assert page(client, story).select_one(".signed").text == f"Panneau {story.pk}"
    page(client, story)
    assert RENDERED == [story.pk]
    story.title = "Un autre titre"
    story.save()
    assert page(client, story).select_one(".signed")
    assert RENDERED == [story.pk, story.pk]
