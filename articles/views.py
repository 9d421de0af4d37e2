from datetime import timedelta

from django.core import signing
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.generic import DetailView, ListView, TemplateView

from .conditional import conditional_response
from .models import Article, Correction, Topic
from .seo import story_metadata

CARD_FIELDS = ("title", "slug", "kind", "standfirst", "published_at", "dateline")
PREVIEW_SALT = "articles.preview"
PREVIEW_MAX_AGE = timedelta(hours=48)


def has_public_correction():
    """Annotation: the story carries a public correction (no query per row)."""
    return Exists(Correction.objects.filter(article=OuterRef("pk"), public=True))


def cards(queryset):
    """Stories as listing cards: only the columns a card shows, topics prefetched."""
    return (
        queryset.only(*CARD_FIELDS)
        .annotate(is_corrected=has_public_correction())
        .prefetch_related("topics")
    )


def preview_url(article):
    """A link that shows the story as readers will see it, for PREVIEW_MAX_AGE."""
    token = signing.dumps(article.pk, salt=PREVIEW_SALT)
    return reverse("articles:preview", kwargs={"token": token})


class HomeView(TemplateView):
    template_name = "articles/home.html"
    latest_count = 6
    briefs_count = 8

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Article.objects.published()
        articles = list(cards(published.articles())[: self.latest_count + 1])
        context["lead"] = articles[0] if articles else None
        context["latest_articles"] = articles[1:]
        context["latest_briefs"] = list(cards(published.briefs())[: self.briefs_count])
        return context


class ArticleDetailView(DetailView):
    """A story page; staff who may edit stories also see drafts, never cached."""

    model = Article
    context_object_name = "story"

    def can_preview(self):
        return self.request.user.has_perm("articles.change_article")

    def visible(self):
        if self.can_preview():
            return Article.objects.all()
        return Article.objects.published()

    def get_queryset(self):
        visible = self.visible().annotate(is_corrected=has_public_correction())
        return visible.prefetch_related(
            "topics",
            Prefetch(
                "related",
                queryset=cards(Article.objects.published()).order_by("-published_at"),
                to_attr="published_related",
            ),
        )

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            # A published story whose slug changed keeps its old address alive.
            slug = kwargs["slug"]
            moved = self.visible().filter(slug_redirects__old_slug=slug).first()
            if moved is None:
                raise
            return redirect(moved, permanent=True)

        def respond():
            return self.render_to_response(self.get_context_data(object=self.object))

        if not self.object.is_published():
            return respond()
        # The page also shows related briefs and the topics in the navigation:
        # any change to the published stories may change it.
        return conditional_response(request, Article.objects.published(), respond)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        story = self.object
        related = story.published_related
        context["related_briefs"] = [r for r in related if r.is_brief]
        context["parent_articles"] = [r for r in related if not r.is_brief]
        context["is_preview"] = not story.is_published()
        context["metadata"] = story_metadata(story)
        # Only a corrected story pays the query for its corrections.
        context["corrections"] = (
            list(story.corrections.filter(public=True)) if story.is_corrected else []
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if context["is_preview"]:
            add_never_cache_headers(response)
            response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ArticlePreviewView(ArticleDetailView):
    """The story page reached through a signed, expiring link: no account needed."""

    def get_object(self, queryset=None):
        try:
            pk = signing.loads(
                self.kwargs["token"], salt=PREVIEW_SALT, max_age=PREVIEW_MAX_AGE
            )
        except signing.BadSignature:
            raise Http404("Lien de prévisualisation invalide ou expiré.")
        return get_object_or_404(self.get_queryset(), pk=pk)

    def get(self, request, *args, **kwargs):
        # A token is no slug: there is no former address to redirect from.
        return DetailView.get(self, request, *args, **kwargs)

    def visible(self):
        return Article.objects.all()

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class TopicDetailView(ListView):
    """The published stories of one topic, newest first."""

    template_name = "articles/topic_detail.html"
    context_object_name = "stories"
    paginate_by = 20

    def get_queryset(self):
        self.topic = get_object_or_404(Topic, slug=self.kwargs["slug"])
        return cards(Article.objects.published().filter(topics=self.topic))

    def get_context_data(self, **kwargs):
        return super().get_context_data(topic=self.topic, **kwargs)
