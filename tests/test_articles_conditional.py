"""Conditional GET on feeds and story pages: 304 while nothing changed, 200 after."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission, User
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Status

from .factories import make_article, make_brief, make_topic

pytestmark = pytest.mark.django_db

FEED_URLS = ["/flux/rss/", "/flux/atom/", "/flux/breves/rss/"]


@pytest.fixture
def settled():
    """A published story and brief last edited yesterday, so that a change made
    during the test moves Last-Modified by more than HTTP's one-second grain."""
    topic = make_topic()
    story = make_article(topics=[topic])
    brief = make_brief(topics=[topic], related=[story])
    Article.objects.update(updated_at=timezone.now() - timedelta(days=1))
    story.refresh_from_db()
    return story, brief


def validators(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response["ETag"], response["Last-Modified"]


def revalidate(client, url, etag, last_modified):
    """Status codes of a revalidation by ETag alone and by date alone."""
    by_etag = client.get(url, HTTP_IF_NONE_MATCH=etag)
    by_date = client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified)
    return by_etag.status_code, by_date.status_code


@pytest.mark.parametrize("url", FEED_URLS)
def test_unchanged_feed_answers_304(client, settled, url):
    etag, last_modified = validators(client, url)
    assert revalidate(client, url, etag, last_modified) == (304, 304)
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"autre"').status_code == 200


def test_story_page_answers_304_until_something_changes(client, settled):
    story, brief = settled
    url = story.get_absolute_url()
    etag, last_modified = validators(client, url)
    assert revalidate(client, url, etag, last_modified) == (304, 304)
    brief.title = "Brève corrigée"
    brief.save()
    # The story page lists its briefs: their edits change it too.
    assert revalidate(client, url, etag, last_modified) == (200, 200)


def change_publish(story, brief):
    make_brief(title="Toute fraîche")


def change_edit(story, brief):
    brief.standfirst = "Un chapô corrigé."
    brief.save()


def change_unpublish(story, brief):
    brief.status = Status.DRAFT
    brief.save()


def change_schedule_reached(story, brief):
    scheduled = make_brief(published_at=timezone.now() + timedelta(hours=1))
    Article.objects.filter(pk=scheduled.pk).update(
        updated_at=timezone.now() - timedelta(days=1)
    )
    return scheduled


@pytest.mark.parametrize("url", FEED_URLS)
@pytest.mark.parametrize(
    "change", [change_publish, change_edit, change_unpublish], ids=lambda f: f.__name__
)
def test_feed_changes_when_a_story_is_published_edited_or_unpublished(
    client, settled, url, change
):
    etag, last_modified = validators(client, url)
    change(*settled)
    assert revalidate(client, url, etag, last_modified) == (200, 200)
    new_etag, _ = validators(client, url)
    assert new_etag != etag


@pytest.mark.parametrize("url", FEED_URLS)
def test_feed_changes_when_a_scheduled_story_reaches_its_time(client, settled, url):
    scheduled = change_schedule_reached(*settled)
    etag, last_modified = validators(client, url)
    assert revalidate(client, url, etag, last_modified) == (304, 304)
    # Time passes and nothing is written: the story's time comes.
    with time_machine.travel(scheduled.published_at + timedelta(seconds=5)):
        assert revalidate(client, url, etag, last_modified) == (200, 200)
        assert scheduled.title in client.get(url).content.decode()


def test_topic_feed_ignores_changes_outside_its_topic(client, settled):
    story, _ = settled
    topic = story.topics.get()
    url = reverse("articles:topic_feed_rss", args=[topic.slug])
    etag, _ = validators(client, url)
    make_article(topics=[make_topic()])
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    make_article(topics=[topic])
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_revalidation_costs_one_query(client, settled, django_assert_num_queries):
    etag, _ = validators(client, "/flux/rss/")
    # The view answers from its validators alone.
    with django_assert_num_queries(1):
        assert client.get("/flux/rss/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_preview_of_a_draft_is_never_conditional(client):
    draft = make_article(status=Status.DRAFT)
    editor = User.objects.create_user("editrice", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_article"))
    client.force_login(editor)
    response = client.get(draft.get_absolute_url(), HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 200
    assert "ETag" not in response
    assert "no-cache" in response["Cache-Control"]


def test_story_page_changes_when_its_topic_is_renamed(client, settled):
    # The ETag follows the content version: anything the page shows, not
    # only the stories, makes it change.
    story, _ = settled
    url = story.get_absolute_url()
    etag, _ = validators(client, url)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    topic = story.topics.get()
    topic.name = "Nouveau nom"
    topic.save()
    response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Nouveau nom" in response.content.decode()


def test_story_page_is_modified_by_a_correction(client, settled):
    from django.utils.http import parse_http_date

    from articles.models import Correction

    story, _ = settled
    url = story.get_absolute_url()
    etag, last_modified = validators(client, url)
    Correction.objects.create(article=story, wrong="43,8 millions", right="43,8 milliards")
    # Last-Modified comes from the site's dates, kept per content version:
    # the correction's new version reads them again, after the story moved.
    new_etag, new_last_modified = validators(client, url)
    assert new_etag != etag
    assert parse_http_date(new_last_modified) > parse_http_date(last_modified)
    assert revalidate(client, url, etag, last_modified) == (200, 200)
