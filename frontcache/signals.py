"""Which surrogate keys each change of content concerns, purged after commit.

The pages name what they show (``frontcache.keys``); these receivers, wired
to the models' own signals, purge exactly the keys a change concerns:

- a story: its page, the pages of stories it is linked to, the home page,
  the listing, the feeds, the sitemaps, its topics' and countries' pages,
  and the pages of the figures it cites (public once it is);
- a correction: its story, as above;
- a topic or a country: its page and feeds, and the navigation every page
  shows (``nav``); a topic, every feed too (they name it);
- a figure, its source, a target: the pair's page and downloads, the
  figures' index and downloads (``figures``), the countries' pages, the
  stories citing the figures and the sitemaps.

Deletions are read before the rows go (``pre_delete``): afterwards a story
no longer knows its topics. Nothing is read when no purge endpoint is set.
"""

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_save, pre_delete

from . import key_for, purge

# The m2m actions after which a link changed, and before a clear (the links
# are gone after it).
M2M_ACTIONS = ("post_add", "post_remove", "pre_clear")


def story_keys(story):
    """The keys of every page showing ``story``, and of those showing the
    figures it cites: a cited figure is public once one of its stories is."""
    return [
        f"story:{story.pk}",
        "home",
        "listing",
        "feed",
        "sitemap",
        *(key_for(topic) for topic in story.topics.all()),
        *(key_for(country) for country in story.countries.all()),
        *(f"story:{pk}" for pk in story.related.values_list("pk", flat=True)),
        *figures_keys(story.figures.all()),
    ]


def figures_keys(figures):
    """The keys of every page showing one of ``figures`` (a queryset); none
    when there is none."""
    Article = apps.get_model("articles", "Article")
    Country = apps.get_model("trade", "Country")
    Pair = apps.get_model("trade", "Pair")
    ends = set(figures.values_list("reporter_id", "partner_id"))
    if not ends:
        return []
    between = Q(pk__in=[])
    for reporter, partner in ends:
        between |= Q(first_id=reporter, second_id=partner)
        between |= Q(first_id=partner, second_id=reporter)
    countries = {pk for pair in ends for pk in pair}
    stories = Article.objects.filter(figures__in=figures).distinct()
    return [
        "figures",
        "sitemap",
        *(key_for(pair) for pair in Pair.objects.filter(between)),
        *(key_for(country) for country in Country.objects.filter(pk__in=countries)),
        *(f"story:{pk}" for pk in stories.values_list("pk", flat=True)),
    ]


def pair_keys(pairs):
    return ["figures", "sitemap", *(key_for(pair) for pair in pairs)]


def subject_keys(subject):
    """A topic or a country: its page and feeds, and the navigation."""
    return [key_for(subject), "nav", "sitemap"]


def topic_keys(topic):
    """A topic's pages, and every feed: feeds name their stories' topics."""
    return [*subject_keys(topic), "feed"]


def enabled(raw=False, **kwargs):
    """Whether to purge: a purge endpoint is set, and the save is no fixture
    being loaded (``raw``: its relations may not exist yet)."""
    return bool(settings.FRONTCACHE_PURGE_URL) and not raw


def story_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        purge(story_keys(instance))


def correction_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        purge(story_keys(instance.article))


def topic_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        purge(topic_keys(instance))


def country_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        Pair = apps.get_model("trade", "Pair")
        pairs = Pair.objects.filter(Q(first=instance) | Q(second=instance))
        purge([*subject_keys(instance), *pair_keys(pairs)])


def figure_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        purge(figures_keys(sender.objects.filter(pk=instance.pk)))


def source_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        purge(figures_keys(instance.figures.all()))


def target_changed(sender, instance, **kwargs):
    if enabled(**kwargs):
        purge(pair_keys([instance.pair]))


def story_links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A story's topics, countries or linked stories changed, from either
    side: the stories' pages and those of what they were linked to."""
    if action not in M2M_ACTIONS or not enabled():
        return
    Article = apps.get_model("articles", "Article")
    if isinstance(instance, Article):
        stories = [instance]
        others = model.objects.filter(pk__in=pk_set or ())
    else:  # a topic's or a country's side
        stories = Article.objects.filter(pk__in=pk_set or ())
        if action == "pre_clear":
            links = sender.objects.filter(**{instance._meta.model_name: instance})
            stories = Article.objects.filter(pk__in=links.values("article_id"))
        others = [instance]
    keys = [key for story in stories for key in story_keys(story)]
    keys += [
        f"story:{other.pk}" if isinstance(other, Article) else key_for(other)
        for other in others
    ]
    purge(keys)


def figure_stories_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """The stories citing a figure changed, from either side."""
    if action not in M2M_ACTIONS or not enabled():
        return
    Figure = apps.get_model("trade", "Figure")
    if isinstance(instance, Figure):
        figures = Figure.objects.filter(pk=instance.pk)
        stories = [f"story:{pk}" for pk in pk_set or ()]
    else:
        figures = Figure.objects.filter(pk__in=pk_set or ())
        if action == "pre_clear":
            figures = instance.figures.all()
        stories = [f"story:{instance.pk}"]
    purge([*figures_keys(figures), *stories])


def connect():
    """Wire the receivers to the content models' signals (by app label: the
    content apps need not know this one)."""
    model = apps.get_model
    Article = model("articles", "Article")
    Figure = model("trade", "Figure")
    receivers = [
        (story_changed, Article),
        (correction_changed, model("articles", "Correction")),
        (topic_changed, model("articles", "Topic")),
        (country_changed, model("trade", "Country")),
        (figure_changed, Figure),
        (source_changed, model("trade", "Source")),
        (target_changed, model("trade", "Target")),
    ]
    for receiver, sender in receivers:
        for signal in (post_save, pre_delete):
            signal.connect(
                receiver,
                sender=sender,
                dispatch_uid=f"frontcache-{receiver.__name__}-{signal}",
            )
    links = [
        (story_links_changed, Article.topics.through),
        (story_links_changed, Article.related.through),
        (story_links_changed, Article.countries.through),
        (figure_stories_changed, Figure.stories.through),
    ]
    for receiver, sender in links:
        m2m_changed.connect(
            receiver,
            sender=sender,
            dispatch_uid=f"frontcache-{receiver.__name__}-{sender._meta.label}",
        )
