"""articles' extension points: story panels and the story admin's inlines,
named in settings so that articles never names the apps that use them."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

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


# A panel keeping its box under a name of its own.
KEPT_PANEL = StoryPanel(render=lambda story: "", kept_value="signed:{pk}")


def test_story_page_reads_the_kept_values_the_settings_name_now(
    client, settings, monkeypatch
):
    """Names come from the settings at each request, not copied at start-up."""
    from articles import views

    story = make_article()
    read = []
    monkeypatch.setattr(views, "preload", lambda *names: read.extend(names))
    settings.GAZETTE_STORY_PANELS = ["tests.test_articles_panels.KEPT_PANEL"]
    settings.GAZETTE_SITE_VALUES = ["signed-site"]
    page(client, story)
    assert {f"signed:{story.pk}", f"story-relations:{story.pk}"} <= set(read)
    assert {"nav_topics", "signed-site"} <= set(read)
    assert not any(n.startswith(("key_figures", "nav_countries")) for n in read)
