"""Writes that touch several rows or the outside world: importing wire copy,
loading the seed, telling writers and editors by e-mail what waits for them."""
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import update_change_reason

from .markdown_fr import french_typography
from .models import Article, Kind, Status, Topic
from .wire import WireStory, read_wire_file

SEED_DIR = Path(__file__).resolve().parent / "seed"
SEED_WIRE = SEED_DIR / "000_520c4fb320e979bc.txt"
SEED_STORIES = SEED_DIR / "stories.json"


def topic_get_or_create(
    name: str, description: str = "", menu_position: int | None = None
) -> tuple[Topic, bool]:
    """The topic of that name (matched on its slug or its name, whatever the
    case), created when missing; a known topic is left as it is."""
    known = Topic.objects.filter(Q(slug=slugify(name)) | Q(name__iexact=name)).first()
    if known is not None:
        return known, False
    topic = Topic.objects.create(
        name=name, description=description, menu_position=menu_position
    )
    return topic, True


def topics_get_or_create(*, names: list[str]) -> list[Topic]:
    """Topics by name, created when missing."""
    names = (" ".join(name.split()) for name in names)
    return [topic_get_or_create(name)[0] for name in names if name]


class ImportConflict(Exception):
    """A re-import would overwrite what someone changed since the last import."""


# What an import writes, as the story stores it; compared field by field.
IMPORTED_FIELDS = ["title", "kind", "standfirst", "body", "published_at", "dateline", "credit"]


def _digest(value) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).isoformat()
    return hashlib.sha256(str(value).encode()).hexdigest()[:16]


def _fingerprint(article: Article, names: list[str]) -> dict[str, str]:
    prints = {name: _digest(getattr(article, name)) for name in names if name != "topics"}
    if "topics" in names:
        prints["topics"] = _digest(sorted(article.topics.values_list("slug", flat=True)))
    return prints


@transaction.atomic
def story_import(
    *,
    wire: WireStory,
    title: str | None = None,
    kind: str = Kind.ARTICLE,
    topic_names: list[str] | None = None,
    status: str | None = None,
    force: bool = False,
) -> tuple[Article, str]:
    """Create the story of a wire dispatch, or update it when imported again.

    Returns the story and what happened: "created", "updated" or "unchanged".
    The dispatch is identified by its headline and instant, so a second
    import finds the same row and keeps its slug. A new story is a draft
    unless a status is given; an update keeps the status unless one is given.

    The import keeps a fingerprint of each field it wrote (``wire_fields``).
    A new import updates the story only if none of those fields changed
    since; otherwise it raises ``ImportConflict`` naming who changed what,
    unless ``force``, and then the overwrite is a revision like any other,
    which the history can restore. Nothing is written when nothing changes.
    """
    values = {
        "title": title or wire.sentence_case_headline(),
        "kind": kind,
        "standfirst": wire.standfirst,
        "body": wire.body_markdown,
        "published_at": wire.published_at,
        "dateline": wire.dateline,
        "credit": wire.credit or "La Gazette",
    }
    if status:
        values["status"] = status
    names = list(values)
    topics = topics_get_or_create(names=topic_names) if topic_names is not None else None
    article = Article.objects.filter(wire_ref=wire.ref).first()
    if article is None:
        article = Article(wire_ref=wire.ref, status=status or Status.DRAFT)
        article.slug = _unique_slug(values["title"])
        outcome = "created"
    else:
        # The values as the story would store them (typography applied).
        incoming = Article(**values)
        incoming.title = french_typography(incoming.title)
        incoming.standfirst = french_typography(incoming.standfirst)
        differs = [n for n in names if _digest(getattr(incoming, n)) != _digest(getattr(article, n))]
        if topics is not None and {t.pk for t in topics} != set(
            article.topics.values_list("pk", flat=True)
        ):
            differs.append("topics")
        tracked = names + (["topics"] if topics is not None else [])
        if not differs:
            if not article.wire_fields.get("fields"):
                _record_import(article, tracked)
            return article, "unchanged"
        recorded = article.wire_fields.get("fields")
        if recorded:
            now = _fingerprint(article, tracked)
            # Only what that import wrote: a field it left alone is the
            # editors' to set, and this import's to write if asked.
            edited = [n for n in tracked if n in recorded and recorded[n] != now[n]]
        else:
            # Imported before fingerprints: whatever differs may be an edit.
            edited = differs
        if edited and not force:
            raise ImportConflict(_conflict_message(article, edited))
        outcome = "updated"
    for name in names:
        setattr(article, name, values[name])
    article.save()
    if topics is not None:
        article.topics.set(topics)
    if force and outcome == "updated":
        update_change_reason(article, "Import forcé de la dépêche")
    _record_import(article, names + (["topics"] if topics is not None else []))
    return article, outcome


def _record_import(article: Article, names: list[str]) -> None:
    prints = {**article.wire_fields.get("fields", {}), **_fingerprint(article, names)}
    wire_fields = {"at": timezone.now().isoformat(), "fields": prints}
    # update(): bookkeeping, not an edit; no revision, no date moved.
    Article.objects.filter(pk=article.pk).update(wire_fields=wire_fields)
    article.wire_fields = wire_fields


def _conflict_message(article: Article, changed: list[str]) -> str:
    labels = ", ".join(
        "thèmes" if name == "topics" else str(Article._meta.get_field(name).verbose_name)
        for name in changed
    )
    imported = article.wire_fields.get("at")
    revisions = article.history.exclude(history_user=None)
    if imported:
        revisions = revisions.filter(history_date__gt=datetime.fromisoformat(imported))
    people = sorted(
        {person_name(r.history_user) for r in revisions}
    )
    who = " et ".join(people) if people else "quelqu’un"
    since = "depuis le dernier import" if imported else "depuis la création (import sans empreinte)"
    return (
        f"« {article.title} » : {who} a modifié {labels} {since} ; rien n’a été écrit. "
        "Relancez avec --force pour écraser (la version actuelle restera dans l’historique)."
    )


def _unique_slug(title: str) -> str:
    base = slugify(title)[:240] or "article"
    slug, n = base, 2
    while Article.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _seed_key_taken(ref: str) -> bool:
    """The seed created this story once: it is there, or an editor deleted it
    (its history remembers it). Either way the seed leaves it alone."""
    return (
        Article.objects.filter(wire_ref=ref).exists()
        or Article.history.filter(wire_ref=ref).exists()
    )


@dataclass
class SeedLoaded:
    article: Article | None
    created: list[str] = field(default_factory=list)  # slugs of new stories
    topics: int = 0  # topics created


@transaction.atomic
def seed_load() -> SeedLoaded:
    """Create what the seed content (the wire article, its briefs, the topics)
    has that the database lacks; never change or re-create what is there.

    Stories are found by a key that never changes (``wire_ref``: the
    dispatch's, or ``seed:<slug>`` for a brief), so a story an editor renamed,
    unpublished, re-slugged or deleted stays as the editor left it, and a
    second load writes nothing: no revision, no date moved.
    """
    data = json.loads(SEED_STORIES.read_text(encoding="utf-8"))
    loaded = SeedLoaded(article=None)
    # The seed's topics make the menu, in the seed's order.
    for position, topic in enumerate(data["topics"], start=1):
        loaded.topics += topic_get_or_create(
            topic["name"], topic["description"], menu_position=position
        )[1]
    lead = data["article"]
    wire = read_wire_file(SEED_WIRE)
    if not _seed_key_taken(wire.ref):
        article, _ = story_import(
            wire=wire,
            title=lead["title"],
            topic_names=lead["topics"],
            status=Status.PUBLISHED,
        )
        loaded.created.append(article.slug)
    loaded.article = Article.objects.filter(wire_ref=wire.ref).first()
    for brief in data["briefs"]:
        ref = f"seed:{brief['slug']}"
        if _seed_key_taken(ref):
            continue
        story = Article.objects.create(
            wire_ref=ref,
            slug=brief["slug"],
            title=brief["title"],
            kind=Kind.BRIEF,
            standfirst=brief["standfirst"],
            body=brief["body"],
            status=Status.PUBLISHED,
            published_at=brief["published_at"],
            dateline="Paris",
            credit="La Gazette",
        )
        story.topics.set(topics_get_or_create(names=brief["topics"]))
        if loaded.article is not None:
            story.related.add(loaded.article)
        loaded.created.append(story.slug)
    # The seed is stories published on 23 August 2025 and never edited since:
    # they are dated so, not by the day they reached this database.
    for story in Article.objects.filter(slug__in=loaded.created):
        Article.objects.filter(pk=story.pk).update(
            created_at=story.published_at, updated_at=story.published_at
        )
    return loaded


WRITERS = "Rédacteurs"
EDITORS = "Éditeurs"
WRITER_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "delete_article"),
    ("articles", "view_article"),
    ("articles", "view_topic"),
]


def editor_apps() -> list[str]:
    """The apps whose every permission editors hold: ``GAZETTE_EDITOR_APPS``
    (articles alone when unset), so that other apps join by settings and a
    model added later is covered by running setup_roles again."""
    return getattr(settings, "GAZETTE_EDITOR_APPS", ["articles"])


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
    editor_perms = Permission.objects.filter(content_type__app_label__in=editor_apps())
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


def stories_render() -> int:
    """Refresh the stored HTML and search text of stories whose Markdown now
    renders differently (after a change to the renderer, or to a figure's
    words by a migration); counts them.

    Only derived columns are written: no version, no date and no revision
    moves, since no editor changed a word.
    """
    fields = ["body_html", "search_title", "search_text"]
    count = 0
    stories = Article.objects.only("pk", "title", "standfirst", "body", *fields)
    for story in stories.iterator():
        before = [getattr(story, name) for name in fields]
        story.render()
        if [getattr(story, name) for name in fields] != before:
            Article.objects.filter(pk=story.pk).update(
                **{name: getattr(story, name) for name in fields}
            )
            count += 1
    return count


def person_name(user: User | None) -> str:
    """How the newsroom names a colleague: full name, else user name."""
    if user is None:
        return "Quelqu’un"
    return user.get_full_name() or user.get_username()


def _mail(*, template: str, recipients: list[str], context: dict) -> list[str]:
    if not recipients:
        return []
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_body.txt", context)
    EmailMessage(subject, body, to=recipients).send()
    return recipients


def review_request_notify(
    *, story: Article, writer: User, note: str, link: str
) -> list[str]:
    """E-mail the editors (members of « Éditeurs » with an address, the writer
    aside) that ``story`` waits for review, with the writer's note and a
    ``link`` to it; returns the addresses written to. Raises what the mail
    backend raises (SMTPException, OSError)."""
    editors = (
        User.objects.filter(groups__name=EDITORS, is_active=True)
        .exclude(email="")
        .exclude(pk=writer.pk)
    )
    recipients = sorted({user.email for user in editors})
    context = {
        "story": story,
        "writer": person_name(writer),
        "note": note,
        "link": link,
    }
    return _mail(
        template="articles/emails/review_requested",
        recipients=recipients,
        context=context,
    )


def review_send_back_notify(
    *, story: Article, editor: User, comment: str, link: str
) -> list[str]:
    """E-mail the story's author that ``editor`` sent it back, with the
    comment; returns the addresses written to (none when the author has no
    address). Raises what the mail backend raises."""
    author = story.created_by
    active = author is not None and author.is_active and author.email
    context = {
        "story": story,
        "editor": person_name(editor),
        "comment": comment,
        "link": link,
    }
    return _mail(
        template="articles/emails/sent_back",
        recipients=[author.email] if active else [],
        context=context,
    )
