# Varnish in front of gunicorn: public pages are kept as long as their
# Cache-Control allows (s-maxage), purged by surrogate key (xkey) when the
# content changes (frontcache), and served stale for hours when gunicorn is
# down. Staff with a session, the admin, previews and every write pass.
vcl 4.1;

import std;
import xkey;

# /healthz answers 503 when the database or the cache is down. Healthy from
# the start (.initial), so a fresh Varnish serves before its first probe.
probe healthz {
    .url = "/healthz";
    .interval = 2s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

include "backend.vcl";

# Only the application on this machine purges.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "xkey-purge header required"));
        }
        # Soft: the objects expire but stay for grace, so a sick backend
        # still has a copy to serve.
        set req.http.n-gone = xkey.softpurge(req.http.xkey-purge);
        return (synth(200, "Invalidated " + req.http.n-gone + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/admin/" || req.url ~ "^/apercu/" || req.url ~ "[?&]preview=") {
        return (pass);
    }
    # Staff carry a session: their pages are built for them.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Public pages read no other cookie (CSRF, analytics): one copy for all.
    unset req.http.Cookie;
    # Grace after a purge or an expiry. While a copy has been expired for
    # less than req.grace, readers get it (X-Cache: STALE) and one
    # background fetch rebuilds the page; half a second is longer than a
    # page takes to build, so under steady traffic no reader waits. After
    # that, readers wait for the fetch, all of them for the same one
    # (request coalescing). A change (a story published, unpublished or
    # corrected, or reaching its scheduled time) thus shows to every reader
    # at most half a second plus one page build after its purge or expiry,
    # within the second the site promises, even with no traffic in between.
    # With a sick backend the copy is served for its whole grace (6h).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 500ms;
    }
    return (hash);
}

sub vcl_backend_response {
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A missing page may be published at any moment (by a save, or at its
    # scheduled time) and names no key a purge could reach, so it is never
    # kept: each request asks the backend (hit-for-miss, remembered for the
    # TTL). It also replaces the copy of a story just unpublished, which
    # grace then never brings back.
    if (beresp.status == 404 || beresp.status == 410) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    set beresp.grace = 6h;
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0 && obj.ttl <= 0s) {
        set resp.http.X-Cache = "STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are the proxy's business.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
}
