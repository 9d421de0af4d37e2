"""Writes that touch several rows: importing wire copy, loading the seed."""
import json
from pathlib import Path

from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.text import slugify

from .models import Article, Kind, Status, Topic
from .wire import WireStory, read_wire_file

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_WIRE = SEED_DIR / "000_520c4fb320e979bc.txt"
SEED_STORIES = SEED_DIR / "stories.json"


def topics_get_or_create(*, names: list[str]) -> list[Topic]:
    """Topics by name, created when missing (matched on their slug)."""
    topics = []
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        topic, _ = Topic.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        topics.append(topic)
    return topics


@transaction.atomic
def story_import(
    *,
    wire: WireStory,
    title: str | None = None,
    kind: str = Kind.ARTICLE,
    topic_names: list[str] | None = None,
    status: str | None = None,
) -> tuple[Article, bool]:
    """Create the story of a wire dispatch, or update it when imported again.

    The dispatch is identified by its headline and instant, so a second import
    updates the same row and keeps its slug. A new story is a draft unless a
    status is given; an update keeps the status unless one is given.
    """
    fields = {
        "title": title or wire.sentence_case_headline(),
        "kind": kind,
        "standfirst": wire.standfirst,
        "body": wire.body_markdown,
        "published_at": wire.published_at,
        "dateline": wire.dateline,
        "credit": wire.credit or "La Gazette",
    }
    article = Article.objects.filter(wire_ref=wire.ref).first()
    created = article is None
    if created:
        article = Article(wire_ref=wire.ref, status=status or Status.DRAFT)
        article.slug = _unique_slug(fields["title"])
    elif status:
        article.status = status
    for name, value in fields.items():
        setattr(article, name, value)
    article.save()
    if topic_names is not None:
        article.topics.set(topics_get_or_create(names=topic_names))
    return article, created


def _unique_slug(title: str) -> str:
    base = slugify(title)[:240] or "article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def seed_load() -> Article:
    """Load the seed content (the wire article, its briefs, the topics); idempotent."""
    data = json.loads(SEED_STORIES.read_text(encoding="utf-8"))
    for topic in data["topics"]:
        Topic.objects.update_or_create(
            slug=slugify(topic["name"]),
            defaults={"name": topic["name"], "description": topic["description"]},
        )
    lead = data["article"]
    article, _ = story_import(
        wire=read_wire_file(SEED_WIRE),
        title=lead["title"],
        topic_names=lead["topics"],
        status=Status.PUBLISHED,
    )
    for brief in data["briefs"]:
        story, _ = Article.objects.update_or_create(
            slug=brief["slug"],
            defaults={
                "title": brief["title"],
                "kind": Kind.BRIEF,
                "standfirst": brief["standfirst"],
                "body": brief["body"],
                "status": Status.PUBLISHED,
                "published_at": brief["published_at"],
                "dateline": "Paris",
                "credit": "La Gazette",
            },
        )
        story.topics.set(topics_get_or_create(names=brief["topics"]))
        story.related.add(article)
    return article


WRITERS = "Rédacteurs"
EDITORS = "Éditeurs"
WRITER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "delete_article"),
    ("articles", "view_article"),
    ("articles", "view_topic"),
]
# Editors hold every permission of the editorial apps, trade figures included,
# so a model added later is covered by running setup_roles again.
EDITOR_APPS = ["articles", "trade"]


@transaction.atomic
def roles_sync() -> dict[str, Group]:
    """Create or refresh the groups « Rédacteurs » and « Éditeurs »; idempotent.

    What a writer may do with a given story (only their own, never once
    published) is decided by the admin; the group grants the model rights.
    """
    writer_perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in WRITER_PERMISSIONS
    ]
    editor_perms = Permission.objects.filter(content_type__app_label__in=EDITOR_APPS)
    writers, _ = Group.objects.get_or_create(name=WRITERS)
    writers.permissions.set(writer_perms)
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(editor_perms)
    return {WRITERS: writers, EDITORS: editors}


@transaction.atomic
def staff_member_create(
    *, username: str, password: str, email: str = "", role: str = EDITORS
) -> User:
    """A staff account in the given newsroom group, able to log in to the admin."""
    groups = roles_sync()
    if User.objects.filter(username=username).exists():
        raise ValueError(f"Le compte « {username} » existe déjà.")
    user = User(username=username, email=email, is_staff=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(groups[role])
    return user
