"""gunicorn settings for `make serve` (gunicorn -c deploy/gunicorn.conf.py).

The address and the number of workers come from the command line (PORT,
WORKERS); what is here holds wherever the site runs.
"""

# gunicorn would take X-Forwarded-Proto, X-Forwarded-Ssl or
# X-Forwarded-Protocol from a loopback peer as proof of HTTPS, whatever
# DJANGO_TRUST_X_FORWARDED_PROTO says, and SCRIPT_NAME or PATH_INFO headers
# from it as parts of the address. No peer is trusted and no header names
# the scheme: Django's SECURE_PROXY_SSL_HEADER alone decides what is HTTPS.
forwarded_allow_ips = ""
secure_scheme_headers = {}

# Errors to stderr, where the process manager collects them.
errorlog = "-"

# A worker is replaced after about 20,000 requests, the workers not all at
# once, so that slow growth of a process's memory never builds up.
max_requests = 20000
max_requests_jitter = 2000
