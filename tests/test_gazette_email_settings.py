"""Mail settings come from the environment: SMTP with a host, the console
without one, and a port that is not a number stops the start-up."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PROBE = (
    "import gazette.settings as s; "
    "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, "
    "s.EMAIL_USE_TLS, s.DEFAULT_FROM_EMAIL, sep='|')"
)


def settings_under(**variables):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_EMAIL")}
    env.pop("DJANGO_DEFAULT_FROM_EMAIL", None)
    env.update(DJANGO_SECRET_KEY="cle-de-test", **variables)
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_host_mail_goes_to_the_console():
    probe = settings_under()
    assert probe.returncode == 0, probe.stderr
    backend, host, port, user, tls, sender = probe.stdout.strip().split("|")
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert (host, port, user, tls) == ("", "25", "", "False")
    assert sender == "La Gazette <redaction@localhost>"


def test_smtp_settings_come_from_the_environment():
    probe = settings_under(
        DJANGO_EMAIL_HOST="smtp.lagazette.example",
        DJANGO_EMAIL_PORT="587",
        DJANGO_EMAIL_HOST_USER="redaction",
        DJANGO_EMAIL_USE_TLS="1",
        DJANGO_DEFAULT_FROM_EMAIL="La Gazette <redaction@lagazette.example>",
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().split("|") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.lagazette.example",
        "587",
        "redaction",
        "True",
        "La Gazette <redaction@lagazette.example>",
    ]


def test_a_port_that_is_not_a_number_stops_the_start_up():
    probe = settings_under(DJANGO_EMAIL_HOST="smtp.example", DJANGO_EMAIL_PORT="smtp")
    assert probe.returncode != 0
    assert "DJANGO_EMAIL_PORT must be a port number" in probe.stderr
