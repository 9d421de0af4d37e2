"""A save refused because someone saved the story after the form was opened.

The refused form keeps its text and shows, field by field, where the saved
story (« la sienne ») and the form (« la mienne ») differ, with a choice for
each. The merged result is saved only once every difference has a choice,
made against the version saved now: a second click on Save without
choosing is refused again, and a version saved meanwhile asks anew.
"""

from typing import NamedTuple

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from .models import Article
from .templatetags.gazette import french_date

MINE, THEIRS = "mienne", "sienne"
# The form's inputs: one choice per field, and the version they were made against.
CHOICE_PREFIX = "garder_"
VERSION_INPUT = "conflict_version"


class Difference(NamedTuple):
    name: str
    label: str
    theirs: str
    mine: str
    # MINE, THEIRS or "" (not chosen yet).
    choice: str

    @property
    def input_name(self):
        return f"{CHOICE_PREFIX}{self.name}"


def shown(field, value) -> str:
    """A field's value as an editor reads it (« — » when empty)."""
    if isinstance(field, models.ManyToManyField):
        return ", ".join(sorted(str(item) for item in value)) or "—"
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return french_date(value)
    return str(value)


class Conflict:
    """Where the story saved as ``current`` and the bound ``form`` differ."""

    def __init__(self, form, current):
        self.current = current
        self.version = current.version
        self.theirs = {}
        cleaned = form.cleaned_data
        fields = []
        for name in form.fields:
            try:
                field = Article._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # the form's own fields (base_version)
            if name in cleaned:
                fields.append(field)
        # The form's text as save() would store it, to compare like with like.
        mine = Article(
            **{
                f.name: cleaned[f.name]
                for f in fields
                if not isinstance(f, models.ManyToManyField)
            }
        )
        mine.tidy_text()
        # Choices count only if made against the version saved now.
        answered = form.data.get(VERSION_INPUT) == str(current.version)
        self.answered = answered
        self.differences = []
        for field in fields:
            if isinstance(field, models.ManyToManyField):
                theirs_value = list(getattr(current, field.name).all())
                mine_value = list(cleaned[field.name])
                differ = {o.pk for o in theirs_value} != {o.pk for o in mine_value}
            else:
                theirs_value = getattr(current, field.attname)
                mine_value = getattr(mine, field.attname)
                differ = theirs_value != mine_value
            if not differ:
                continue
            self.theirs[field.name] = theirs_value
            choice = form.data.get(f"{CHOICE_PREFIX}{field.name}", "")
            self.differences.append(
                Difference(
                    name=field.name,
                    label=str(field.verbose_name),
                    theirs=shown(field, theirs_value),
                    mine=shown(field, mine_value),
                    choice=choice if answered and choice in (MINE, THEIRS) else "",
                )
            )

    @property
    def resolved(self):
        """Every difference has a choice made against the version saved now."""
        return all(d.choice for d in self.differences)

    def merge(self, cleaned):
        """Take into ``cleaned`` the saved values of the fields where « la
        sienne » was chosen."""
        for difference in self.differences:
            if difference.choice == THEIRS:
                cleaned[difference.name] = self.theirs[difference.name]
