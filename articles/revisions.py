"""What changed between two saved versions of a story, for the admin's history."""

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

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
_TOKENS = re.compile(r"(\s+)")


def words_diff(old: str, new: str) -> str:
    """HTML of ``new`` with the words removed from ``old`` in <del>, added in <ins>."""
    a, b = _TOKENS.split(old), _TOKENS.split(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", "".join(b[j1:j2])))
        if tag == "equal":
            parts.append(escape("".join(a[i1:i2])))
    return mark_safe("".join(parts))


def _display(record, name):
    value = getattr(record, name)
    if value is None or value == "":
        return "—"
    if name == "published_at":
        return french_date(value)
    display = getattr(record, f"get_{name}_display", None)
    return str(display() if display else value)


def changed_fields(old, new) -> list[str]:
    """Names of the editor's fields that differ between two historical records."""
    delta = new.diff_against(old, included_fields=COMPARED_FIELDS)
    return [name for name in COMPARED_FIELDS if name in delta.changed_fields]


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
    """« 23 août 2025 à 9 h 40, par marie »: when and by whom a version was saved."""
    who = record.history_user.get_username() if record.history_user else "inconnu"
    return f"{french_date(record.history_date)}, par {who}"
