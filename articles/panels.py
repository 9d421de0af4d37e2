"""Extension points by which other apps add to stories without articles
knowing them, each named in a setting by dotted path:

- ``GAZETTE_STORY_PANELS``: boxes shown on a story page below its body
  (``StoryPanel``), rendered in order by ``{% story_panels story %}``;
- ``GAZETTE_STORY_ADMIN_INLINES``: inline classes added to the story's admin
  page after articles' own (``ArticleAdmin.get_inlines``);
- ``GAZETTE_DESK_PANELS`` (template names rather than dotted paths): boxes
  the newsroom home (``/admin/``, ``articles.desk``) includes below its
  lists, in the page's context (``request``, ``user``, ``perms``); each
  checks its own permissions.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class StoryPanel:
    """A box on a story page, provided by another app."""

    # The box's HTML for a story (safe), empty when it has nothing to show.
    # The story page keeps it per content version ({% cache %}).
    render: Callable[..., str]


def story_panels():
    """The ``StoryPanel`` objects ``GAZETTE_STORY_PANELS`` names, in order."""
    return [import_string(path) for path in settings.GAZETTE_STORY_PANELS]


def story_admin_inlines():
    """The inline classes ``GAZETTE_STORY_ADMIN_INLINES`` names, in order."""
    return [import_string(path) for path in settings.GAZETTE_STORY_ADMIN_INLINES]
