import pytest
from django.db import DatabaseError

from articles import services
from articles.models import Article, Status
from articles.wire import read_wire_file

pytestmark = pytest.mark.django_db


def test_a_failing_write_leaves_nothing_half_saved_nor_a_stale_page(
    client, seed_file, monkeypatch
):
    client.get("/")

    def broken_topics(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "topics_get_or_create", broken_topics)
    with pytest.raises(DatabaseError):
        services.story_import(
            wire=read_wire_file(seed_file),
            topic_names=["Chine"],
            status=Status.PUBLISHED,
        )
    assert not Article.objects.exists()
    response = client.get("/")
    assert response.status_code == 200
    assert "Aucun article n’est encore publié" in response.content.decode()
