"""What changed between two saved versions of a story, for the admin's history."""

import difflib
import re
from typing import NamedTuple

from .templatetags.gazette import french_date

# The fields an editor writes; bookkeeping (version, dates, authors) is left out.
COMPARED_FIELDS = [
    "title",
    "slug",
    "kind",
    "status",
    "published_at",
    "standfirst",
    "body",
    "dateline",
    "credit",
]
# The links a version keeps (history m2m fields), with the column of their
# rows that names the other end and how to print it.
COMPARED_LINKS = {
    "topics": ("topic_id", "topic__name"),
    "related": ("to_article_id", "to_article__title"),
}
# What « Rétablir » takes from a version unless asked for more: the words.
# Never the address (slug) nor the kind: a restore must not move a story's
# address or turn a brief into an article; the form still lets one change them.
RESTORED_TEXT = ["title", "standfirst", "body", "dateline", "credit"]


class RestoreOption(NamedTuple):
    label: str  # the checkbox's
    name: str  # in the message when left as it is
    fields: list[str]


# What the editor may tick to take from the version as well, by the name the
# choice carries in the restore page's address.
RESTORE_OPTIONS = {
    "etat": RestoreOption(
        "l’état et la date de publication",
        "état et date de publication",
        ["status", "published_at"],
    ),
    "themes": RestoreOption("les thèmes", "thèmes", ["topics"]),
    "lies": RestoreOption("les articles liés", "articles liés", ["related"]),
}
_TOKENS = re.compile(r"(\s+)")


def linked_ids(record) -> dict[str, list[int]]:
    """The topics and related stories a version linked, as form initial data."""
    return {
        name: [pk for pk in getattr(record, name).values_list(column, flat=True) if pk]
        for name, (column, _) in COMPARED_LINKS.items()
    }


def restored_fields(options) -> list[str]:
    """The fields a restore takes from the version: the text and the options."""
    return RESTORED_TEXT + [f for key in options for f in RESTORE_OPTIONS[key].fields]


def keep_current_values(story, fields):
    """Give ``story``, a version about to be restored (``record.instance``),
    the values its story has now, except for ``fields``, taken from the
    version: what the restore form shows and saves, down to the fields it
    does not show (the importer's, the preview nonce, the authors)."""
    current = type(story).objects.filter(pk=story.pk).first()
    if current is None:
        return  # Deleted since: the version is all there is.
    for field in story._meta.concrete_fields:
        if field.name not in fields:
            setattr(story, field.attname, getattr(current, field.attname))


def french_list(words) -> str:
    """« a, b et c »."""
    words = list(words)
    return " et ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def restore_message(restored, before, after, options) -> str:
    """« Version du 23 août 2025 à 10 h 00 rétablie : titre, chapô. État et
    date de publication, thèmes et articles liés inchangés. »: what a restore
    of version ``restored`` changed (``before`` and ``after`` are the story's
    versions either side of it), and what it left because it was not ticked."""
    model = restored.instance_type._meta
    changed = [
        str(model.get_field(name).verbose_name)
        for name in changed_fields(before, after)
    ]
    text = f"Version du {french_date(restored.history_date, seconds=True)} rétablie : "
    text += (french_list(changed) if changed else "rien n’a changé") + "."
    left = [
        option.name for key, option in RESTORE_OPTIONS.items() if key not in options
    ]
    if left:
        left_text = french_list(left)
        text += f" {left_text[0].upper()}{left_text[1:]} inchangés."
    return text


def words_diff(old: str, new: str) -> list[tuple[str, str]]:
    """``new`` as (kind, words) segments against ``old``: kind "del" for the
    words removed, "ins" for those added, "" for those kept; the compare
    template marks them up."""
    a, b = _TOKENS.split(old), _TOKENS.split(new)
    segments = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            segments.append(("del", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            segments.append(("ins", "".join(b[j1:j2])))
        if tag == "equal":
            segments.append(("", "".join(a[i1:i2])))
    return segments


def _display(record, name):
    if name in COMPARED_LINKS:
        # A linked object deleted since reads as nothing.
        label = COMPARED_LINKS[name][1]
        names = sorted(n for n in getattr(record, name).values_list(label, flat=True) if n)
        return ", ".join(names) or "—"
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    if name == "published_at":
        return french_date(value)
    display = getattr(record, f"get_{name}_display", None)
    return str(display() if display else value)


def links_by_record(records) -> dict[int, dict[str, set[int]]]:
    """For each version, the ids its links pointed to: one query per link field
    whatever the number of versions (diff_against would ask per version)."""
    links = {r.history_id: {name: set() for name in COMPARED_LINKS} for r in records}
    if not records:
        return links
    for name, (column, _) in COMPARED_LINKS.items():
        rows = getattr(records[0], name).model.objects.filter(history_id__in=links)
        for history_id, pk in rows.values_list("history_id", column):
            links[history_id][name].add(pk)
    return links


def changed_fields(old, new, links=None) -> list[str]:
    """Names of the editor's fields that differ between two historical records."""
    delta = new.diff_against(old, included_fields=COMPARED_FIELDS)
    names = [name for name in COMPARED_FIELDS if name in delta.changed_fields]
    links = links or links_by_record([old, new])
    before, after = links[old.history_id], links[new.history_id]
    return names + [name for name in COMPARED_LINKS if before[name] != after[name]]


def revisions_diff(old, new) -> list[dict]:
    """Field by field, what differs between two historical records of one story."""
    changes = []
    for name in changed_fields(old, new):
        before, after = _display(old, name), _display(new, name)
        changes.append(
            {
                "label": old.instance._meta.get_field(name).verbose_name,
                "diff": words_diff(before, after),
            }
        )
    return changes


def revision_label(record) -> str:
    """« 23 août 2025 à 9 h 40 min 05 s, par marie »: when and by whom a version was saved."""
    who = record.history_user.get_username() if record.history_user else "inconnu"
    return f"{french_date(record.history_date, seconds=True)}, par {who}"


def topic_side_changing(sender, instance, action, reverse, pk_set, **kwargs):
    """Signal receiver (m2m_changed on the story–topic links): a story's
    version when its topics change from the topic's side.

    simple-history records one when they change from the story's side; from
    the topic's (``topic.articles.add(story)``) its receiver would take the
    topic for a story and fail. It is told to skip the topic (its
    ``skip_history_when_saving`` flag) and each story concerned is saved
    instead, which records its version with its topics as they now are.
    """
    if not reverse:
        return
    if action.startswith("pre_"):
        instance.skip_history_when_saving = True
        if action == "pre_clear":
            instance._stories_cleared = list(instance.articles.values_list("pk", flat=True))
        return
    del instance.skip_history_when_saving
    story_ids = pk_set if pk_set is not None else instance.__dict__.pop("_stories_cleared")
    from .models import Article

    for story in Article.objects.filter(pk__in=story_ids):
        story.save()
