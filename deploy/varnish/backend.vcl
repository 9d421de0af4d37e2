# gunicorn behind Varnish, on loopback. A launcher that puts gunicorn on
# another port writes its own backend.vcl in a directory it lists first in
# varnishd's vcl_path (-p vcl_path=<dir>:deploy/varnish).
backend default {
    .host = "127.0.0.1";
    .port = "8001";
    .probe = healthz;
}
