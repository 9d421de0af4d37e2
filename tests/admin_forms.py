"""Drive the admin as a browser would: post its forms, count what a page costs."""

from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext


def form_data(response, form_selector="form", **changes):
    """What a browser would post from the page's form, updated with ``changes``."""
    page = BeautifulSoup(response.content, "html.parser")
    form = page.select_one(form_selector)
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            # Browsers drop the newline Django writes after <textarea>.
            text = field.get_text()
            data[name] = text[1:] if text.startswith("\n") else text
        elif field.name == "select":
            chosen = [
                option.get("value", "") for option in field.select("option[selected]")
            ]
            if field.has_attr("multiple"):
                data[name] = chosen
            else:
                first = field.select_one("option")
                data[name] = (
                    chosen[0] if chosen else (first.get("value", "") if first else "")
                )
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    data.update(changes)
    return data


def queries_for(client, url):
    """How many SQL queries a successful GET of ``url`` runs, caches warm."""
    # The first request fills per-process caches (content types, for one).
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
