"""The newsroom home (the admin's index): what waits for whom, by role.

Writers see their own drafts and their own stories in review; editors
(``publish_article``) see their own drafts and every story in review. Both
see what is scheduled and what went online in the last 24 hours. Each list
reads at most ``DESK_LIMIT`` + 1 rows (the extra one says there are more, and
the list then links to the story list narrowed the same way), and only the
review queue is counted: the home's queries do not grow with the newsroom.

Other apps add their own boxes below the lists through ``GAZETTE_DESK_PANELS``
(``articles.panels``).
"""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from .models import Article, Status
from .templatetags.gazette import french_date

DESK_LIMIT = 10
# « En ligne depuis 24 h »: the stories that went online since then.
RECENT = timedelta(hours=24)


@dataclass(frozen=True)
class DeskList:
    """One list of the home: at most ``DESK_LIMIT`` stories, and the story
    list narrowed the same way when there are more (``more_url``)."""

    stories: list
    more_url: str | None
    count: int | None = None


@dataclass(frozen=True)
class Desk:
    editor: bool
    drafts: DeskList
    review: DeskList
    scheduled: DeskList
    live: DeskList


def short_date(value):
    """« 3 décembre à 6 h 00 » in the site's time zone, with the year when it
    is not this one."""
    this_year = timezone.localtime(value).year == timezone.localdate().year
    return french_date(value, year=not this_year)


def desk_list(stories, filters, count=False):
    """The first ``DESK_LIMIT`` of ``stories``, and when there are more, the
    story list's address with ``filters`` (its own filter parameters)."""
    rows = list(stories.select_related("created_by")[: DESK_LIMIT + 1])
    more_url = None
    if len(rows) > DESK_LIMIT:
        changelist = reverse("admin:articles_article_changelist")
        more_url = f"{changelist}?{urlencode(filters)}"
    total = stories.count() if count else None
    return DeskList(rows[:DESK_LIMIT], more_url, total)


def desk_for(user, *, editor):
    """The home's lists for ``user``, an editor or a writer, or None when they
    may not see stories."""
    if not user.has_perm("articles.view_article"):
        return None
    mine = {"created_by__id__exact": user.pk}
    stories = Article.objects.all()
    drafts = stories.filter(status=Status.DRAFT, created_by=user)
    review = stories.filter(status=Status.REVIEW)
    review_filters = {"etat": Status.REVIEW}
    if not editor:
        review = review.filter(created_by=user)
        review_filters |= mine
    since = timezone.now() - RECENT
    return Desk(
        editor=editor,
        drafts=desk_list(
            drafts.order_by("-updated_at", "-pk"), {"etat": Status.DRAFT, **mine}
        ),
        review=desk_list(review.order_by("-updated_at", "-pk"), review_filters, True),
        # The next one to appear first.
        scheduled=desk_list(
            stories.scheduled().order_by("published_at", "pk"), {"etat": "scheduled"}
        ),
        live=desk_list(
            stories.published()
            .filter(published_at__gte=since)
            .order_by("-published_at", "-pk"),
            {"etat": "live"},
        ),
    )
