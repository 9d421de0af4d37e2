from django.urls import include, path


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom), path("", include("articles.urls"))]
