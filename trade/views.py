import json

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

import frontcache
from articles.filters import ArticleFilter
from articles.models import Article
from articles.seo import absolute_url
from articles.views import ArticleListView, by_slug_or_404, cards

from . import charts, derived, exports, tracking
from .models import Country, Figure, Pair, Target, Unit


def kept_pairs(request):
    """``published_pairs()``, kept under the content version."""
    return cache.get_or_set(
        "published-pairs",
        published_pairs,
        settings.GAZETTE_KEPT_SECONDS,
        version=request.content_version,
    )


def published_pairs():
    """Pairs with at least one published figure: their count, span and last
    edit."""
    spans = {}
    rows = (
        Figure.objects.published()
        .values("reporter_id", "partner_id")
        .annotate(
            count=Count("pk"),
            first=Min("period_start"),
            last=Max("period_end"),
            modified=Max("updated_at"),
        )
        .order_by()
    )
    for row in rows:
        key = frozenset((row["reporter_id"], row["partner_id"]))
        count, first, last, modified = spans.get(
            key, (0, row["first"], row["last"], row["modified"])
        )
        spans[key] = (
            count + row["count"],
            min(first, row["first"]),
            max(last, row["last"]),
            max(modified, row["modified"]),
        )
    pairs = []
    for pair in Pair.objects.select_related("first", "second"):
        span = spans.get(frozenset((pair.first_id, pair.second_id)))
        if span:
            pair.figure_count = span[0]
            pair.first_year, pair.last_year = span[1].year, span[2].year
            pair.modified_at = span[3]
            pairs.append(pair)
    return pairs


@frontcache.tagged("figures", "nav")
def index(request):
    return render(request, "trade/index.html", {"pairs": kept_pairs(request)})


def pair_detail(request, slug):
    """A pair's figures: charts, the target's tracker, tables, computed
    changes, the stories citing them, sources. Built (``pair_page``) only
    when the template's fragments are not kept under the content version.

    The proxy's key is the pair's: a change to a story citing its figures
    purges it too (``frontcache.signals.story_keys``)."""
    pair = get_object_or_404(Pair.objects.select_related("first", "second"), slug=slug)
    page = SimpleLazyObject(lambda: pair_page(request, pair))
    response = render(request, "trade/pair_detail.html", {"pair": pair, "page": page})
    return frontcache.keys(request, response, frontcache.key_for(pair), "nav")


def pair_page(request, pair):
    """What a pair's page shows, computed from its published figures."""
    figures = pair.published_figures()
    indicators = list({f.indicator.pk: f.indicator for f in figures}.values())
    targets = pair.targets.select_related("source", "baseline", "indicator")
    links, ids = Figure.stories.through.objects, [f.pk for f in figures]
    stories = list(
        cards(Article.objects.published())
        # The stories of the links, not a join: SQLite would otherwise test
        # every published story against every figure.
        .filter(pk__in=links.filter(figure_id__in=ids).values("article_id"))
        .order_by("-published_at")
    )
    sources = {f.source.pk: f.source for f in figures if f.source_id}
    trackers = [tracking.track(target, figures) for target in targets]
    discrepancies = derived.discrepancies(figures)
    sources.update({t.target.source.pk: t.target.source for t in trackers})
    return {
        "tables": [
            (i, [f for f in figures if f.indicator_id == i.pk]) for i in indicators
        ],
        "charts": [
            chart
            for indicator in indicators
            if indicator.unit != Unit.PERCENT
            and (chart := charts.build(figures, indicator, trackers)) is not None
        ],
        "changes": derived.computed_changes(figures, discrepancies),
        # Beside each stated change its series contradict, the computation.
        "discrepancies": {d.figure.pk: d for d in discrepancies},
        "trackers": trackers,
        "sources": sorted(sources.values(), key=lambda s: (s.publisher, s.title)),
        "stories": stories,
        "json_ld": _dataset_json_ld(request, pair, figures),
    }


def download(request, fmt, slug=None):
    figures = Figure.objects.published().for_display()
    targets = Target.objects.select_related(
        "source", "baseline", "indicator", "pair__first", "pair__second"
    )
    name, title = "chiffres", "Chiffres du commerce — La Gazette"
    url = reverse("trade:index")
    if slug is not None:
        pair = get_object_or_404(
            Pair.objects.select_related("first", "second"), slug=slug
        )
        figures = figures.filter(pair.between())
        targets = targets.filter(pair=pair)
        name, title, url = (
            f"chiffres-{pair.slug}",
            f"Commerce {pair} — La Gazette",
            pair.get_absolute_url(),
        )
    figures = list(figures)
    computed = {
        "changes": derived.computed_changes(figures),
        "trackers": [
            tracking.track(target, [f for f in figures if target.pair.holds(f)])
            for target in targets
        ],
    }
    if fmt == "csv":
        response = HttpResponse(
            exports.as_csv(figures, **computed),
            content_type="text/csv; charset=utf-8",
        )
    else:
        body = exports.as_json(
            figures, title=title, url=absolute_url(request, url), **computed
        )
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    key = "figures" if slug is None else frontcache.key_for(pair)
    return frontcache.keys(request, response, key)


def _dataset_json_ld(request, pair, figures) -> str:
    """schema.org Dataset markup pointing at the pair's downloads."""
    data = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"Commerce {pair} : chiffres sourcés",
        "description": f"Les échanges de marchandises entre {pair.first.name} et "
        f"{pair.second.name} selon chaque source et sa base statistique "
        "(douanes chinoises, statistiques kazakhes), avec la phrase exacte "
        "de la source.",
        "url": absolute_url(request, pair.get_absolute_url()),
        "inLanguage": "fr",
        "creator": {"@type": "NewsMediaOrganization", "name": "La Gazette"},
        "spatialCoverage": [pair.first.name, pair.second.name],
        "distribution": [
            {
                "@type": "DataDownload",
                "encodingFormat": "text/csv",
                "contentUrl": absolute_url(
                    request, reverse("trade:pair-download-csv", args=[pair.slug])
                ),
            },
            {
                "@type": "DataDownload",
                "encodingFormat": "application/json",
                "contentUrl": absolute_url(
                    request, reverse("trade:pair-download-json", args=[pair.slug])
                ),
            },
        ],
    }
    if figures:
        first = min(f.period_start for f in figures)
        last = max(f.period_end for f in figures)
        data["temporalCoverage"] = f"{first.isoformat()}/{last.isoformat()}"
    # Escape "<" so that no value can close the <script> element.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


class CountryArticleFilter(ArticleFilter):
    """The filters of a country page: the country is fixed by the address."""

    country = None


class CountryDetailView(ArticleListView):
    """The listing narrowed to the stories about one country, with its figures."""

    template_name = "trade/country_detail.html"
    filterset_class = CountryArticleFilter

    def get_base_queryset(self):
        self.country = by_slug_or_404(Country, self.kwargs["slug"])
        return super().get_base_queryset().filter(countries=self.country)

    def page_facet(self):
        return "countries", self.country.slug

    def get_context_data(self, **kwargs):
        pairs = [
            pair
            for pair in kept_pairs(self.request)
            if self.country.pk in (pair.first_id, pair.second_id)
        ]
        return super().get_context_data(country=self.country, pairs=pairs, **kwargs)

    def cache_keys(self):
        return [frontcache.key_for(self.country)]

    def feed_urls(self):
        slug = self.country.slug
        return (
            reverse("trade:country_feed_rss", args=[slug]),
            reverse("trade:country_feed_atom", args=[slug]),
        )
