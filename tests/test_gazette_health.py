import logging

import pytest
from django.db import connection

from .factories import make_article
from .test_pagecache import DEAD_REDIS

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_cache_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_cache_is_down(client, settings):
    settings.CACHES = DEAD_REDIS
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "error"}


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "cache": "ok"}


def test_each_request_is_logged_once_with_status_and_duration(client, caplog):
    story = make_article()
    with caplog.at_level(logging.INFO, logger="gazette.request"):
        client.get(story.get_absolute_url())
        client.get("/articles/inconnu/")
    lines = [r.getMessage() for r in caplog.records if r.name == "gazette.request"]
    assert len(lines) == 2
    method, path, status, duration = lines[0].split()
    assert (method, path, status) == ("GET", story.get_absolute_url(), "200")
    assert duration.endswith("ms") and float(duration[:-2]) >= 0
    assert lines[1].split()[2] == "404"
