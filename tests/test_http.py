"""The guarded HTTP client against real servers on 127.0.0.1 (no mocks)."""

from __future__ import annotations

import time

import pytest

from ena_grunddata import http
from ena_grunddata.errors import RemoteError
from httpserver import LocalServer, Reply, chunked, drip, fail_then, gzip_bomb, silent

FAST = http.Policy(backoff=0.05, retry_after_max=5, connect_timeout=2, read_timeout=2, deadline=10,
                   allow_private=True)


@pytest.fixture
def server():
    with LocalServer() as running:
        yield running


def test_fetch_plain_document(server):
    server.add("/a.ttl", "<urn:a> <urn:b> <urn:c> .\n", content_type="text/turtle", headers={"ETag": '"v1"'})
    response = http.fetch(server.url("/a.ttl"), policy=FAST)
    assert response.status == 200
    assert response.content == b"<urn:a> <urn:b> <urn:c> .\n"
    assert response.content_type == "text/turtle"
    assert response.etag == '"v1"'
    sent = server.requests_to("/a.ttl")[0]
    assert sent.header("User-Agent").startswith("ena-grunddata/")


# ------------------------------------------------------------------------------------------- address guard

LOOPBACK_SPELLINGS = ["127.0.0.1", "localhost", "127.1", "2130706433", "0x7f000001", "0177.0.0.1", "[::1]",
                      "[::ffff:127.0.0.1]"]
ALWAYS_REFUSED = ["0.0.0.0", "169.254.169.254", "224.0.0.1", "[::]", "[64:ff9b::a9fe:a9fe]"]


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS + ["10.0.0.1", "192.168.1.1", "[fc00::1]"] + ALWAYS_REFUSED)
def test_non_global_addresses_refused_without_allow_private(server, host):
    server.add("/x", "ok")
    url = f"http://{host}:{server.port}/x"
    with pytest.raises(RemoteError, match="refused") as caught:
        http.fetch(url, policy=http.Policy(backoff=0.01))
    assert server.count() == 0
    assert str(caught.value).startswith(url)


@pytest.mark.parametrize("host", ALWAYS_REFUSED)
def test_link_local_multicast_unspecified_refused_even_with_allow_private(server, host):
    with pytest.raises(RemoteError, match="refused"):
        http.fetch(f"http://{host}:{server.port}/x", policy=FAST)
    assert server.count() == 0


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "localhost"])
def test_numeric_spellings_reach_server_with_allow_private(server, host):
    server.add("/x", "ok", content_type="text/plain")
    assert http.fetch(f"http://{host}:{server.port}/x", policy=FAST).content == b"ok"


def test_connect_time_guard_checks_the_socket_not_only_the_url(server):
    # Bypass the URL check: the connection class itself refuses the loopback peer.
    server.add("/x", "ok")
    with pytest.raises(Exception) as caught:
        http._session(False).get(server.url("/x"), timeout=2)
    assert http._find_cause(caught.value, http.AddressRefused) is not None or \
        isinstance(caught.value, http.AddressRefused)
    assert server.count() == 0


def test_connect_time_guard_runs_before_tls():
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with pytest.raises(Exception) as caught:
            http._session(False).get(f"https://127.0.0.1:{listener.getsockname()[1]}/", timeout=2)
        assert http._find_cause(caught.value, http.AddressRefused) is not None or \
            isinstance(caught.value, http.AddressRefused)
    finally:
        listener.close()


def test_other_schemes_and_userinfo_refused(server):
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", f"gopher://127.0.0.1:{server.port}/"):
        with pytest.raises(RemoteError, match="only http and https"):
            http.fetch(url, policy=FAST)
    with pytest.raises(RemoteError) as caught:
        http.fetch(f"http://user:SECRET@127.0.0.1:{server.port}/x?token=SECRET2", policy=FAST)
    assert "SECRET" not in str(caught.value)
    assert server.count() == 0


# ------------------------------------------------------------------------------------------- redirects


def test_redirect_to_link_local_refused_at_the_hop(server):
    server.add("/r", "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(RemoteError, match="refused.*link-local"):
        http.fetch(server.url("/r"), policy=FAST)
    assert server.count("/r") == 1


def test_redirect_to_unspecified_address_refused_even_with_allow_private(server):
    server.add("/r", "", status=308, headers={"Location": f"http://0.0.0.0:{server.port}/x"})
    with pytest.raises(RemoteError, match="refused.*unspecified"):
        http.fetch(server.url("/r"), policy=FAST)
    assert server.count() == 1


def test_redirect_https_to_http_downgrade_refused():
    with pytest.raises(RemoteError, match="https to plain http"):
        http.check_url("http://127.0.0.1/x", True, previous="https://127.0.0.1/y")


def test_redirect_to_file_scheme_refused(server):
    server.add("/r", "", status=301, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(RemoteError, match="only http and https"):
        http.fetch(server.url("/r"), policy=FAST)


def test_redirect_loop_stops_after_limit_plus_one(server):
    server.add("/a", "", status=302, headers={"Location": "/b"})
    server.add("/b", "", status=302, headers={"Location": "/a"})
    with pytest.raises(RemoteError, match=r"too many redirects \(limit 5\).*/a -> .*/b") as caught:
        http.fetch(server.url("/a"), policy=FAST)
    assert server.count() == 6
    assert "Traceback" not in str(caught.value)


def test_redirect_followed_with_relative_location(server):
    server.add("/old", "", status=301, headers={"Location": "/new"})
    server.add("/new", "@prefix x: <urn:x#> .", content_type="text/turtle")
    response = http.fetch(server.url("/old"), policy=FAST)
    assert response.url == server.url("/new")
    assert response.history == [server.url("/old")]


def test_credentials_not_forwarded_to_another_origin(server, monkeypatch):
    monkeypatch.setenv("SRC_TOKEN", "SECRET-TOKEN")
    monkeypatch.setenv("SRC_KEY", "SECRET-KEY")
    server.add("/start", "", status=302, headers={"Location": server.url("/landed", host="localhost")})
    server.add("/landed", "ok", content_type="text/plain")
    response = http.fetch(server.url("/start"), policy=FAST, auth_env="SRC", header_env={"X-Api-Key": "SRC_KEY"},
                          headers={"X-Custom": "caller-secret"})
    assert response.status == 200
    first, second = server.requests_to("/start")[0], server.requests_to("/landed")[0]
    assert first.header("Authorization") == "Bearer SECRET-TOKEN"
    assert first.header("X-Api-Key") == "SECRET-KEY"
    assert first.header("X-Custom") == "caller-secret"
    assert second.header("Authorization") is None
    assert second.header("X-Api-Key") is None
    assert second.header("X-Custom") is None


def test_bad_credential_value_is_a_clean_error_without_the_secret(server, monkeypatch):
    monkeypatch.setenv("SRC_TOKEN", "SECRET\r\nX-Injected: 1")
    server.add("/x", "ok")
    with pytest.raises(RemoteError) as caught:
        http.fetch(server.url("/x"), policy=FAST, auth_env="SRC")
    assert "SECRET" not in str(caught.value) and "Authorization" in str(caught.value)
    assert server.count() == 0


def test_credentials_kept_on_same_origin_redirect(server, monkeypatch):
    monkeypatch.setenv("SRC_USER", "alice")
    monkeypatch.setenv("SRC_PASSWORD", "SECRET")
    server.add("/start", "", status=307, headers={"Location": "/landed"})
    server.add("/landed", "ok")
    http.fetch(server.url("/start"), policy=FAST, auth_env="SRC")
    assert server.requests_to("/landed")[0].header("Authorization").startswith("Basic ")


# ------------------------------------------------------------------------------------------- timeouts, size


def test_silent_server_times_out(server):
    server.add_handler("/hang", silent(6))
    policy = http.Policy(read_timeout=1, retries=0, allow_private=True)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="no answer within 1 s"):
        http.fetch(server.url("/hang"), policy=policy)
    assert time.monotonic() - started < 3


def test_slow_drip_hits_total_deadline(server):
    server.add_handler("/drip", drip(interval=0.3, total=100))
    policy = http.Policy(read_timeout=2, deadline=1.5, retries=0, allow_private=True)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="total deadline of 1.5 s exceeded"):
        http.fetch(server.url("/drip"), policy=policy)
    assert time.monotonic() - started < 3


def test_content_length_over_cap_refused_before_reading(server):
    server.add("/big", b"x" * 5000, content_type="text/turtle")
    with pytest.raises(RemoteError, match="over the limit of 1,000 bytes"):
        http.fetch(server.url("/big"), policy=FAST, max_bytes=1000)


def test_chunked_body_over_cap(server):
    server.add_handler("/big", chunked(b"x" * 300_000, piece=10_000))
    with pytest.raises(RemoteError, match="over the limit of 100,000 bytes"):
        http.fetch(server.url("/big"), policy=FAST, max_bytes=100_000)


def test_gzip_bomb_capped_on_decoded_bytes(server):
    bomb = gzip_bomb(128 * 1024 * 1024)
    assert len(bomb.body) < 1024 * 1024
    server.add_handler("/bomb", lambda request: bomb)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="over the limit of 1,048,576 bytes"):
        http.fetch(server.url("/bomb"), policy=FAST, max_bytes=1024 * 1024)
    assert time.monotonic() - started < 2


def test_gzip_body_decoded(server):
    reply = gzip_bomb(1000)
    server.add_handler("/gz", lambda request: reply)
    assert http.fetch(server.url("/gz"), policy=FAST).content == b" " * 1000


def test_spooled_body_is_in_a_temporary_file(server):
    reply = gzip_bomb(300_000)
    server.add_handler("/gz", lambda request: reply)
    response = http.fetch(server.url("/gz"), policy=FAST, spool=True)
    assert response.content == b"" and response.body.read() == b" " * 300_000
    response.close()
    assert response.body.closed


def test_spooled_body_keeps_the_cap_and_the_retries(server):
    bomb = gzip_bomb(128 * 1024 * 1024)
    server.add_handler("/bomb", lambda request: bomb)
    with pytest.raises(RemoteError, match="over the limit of 1,048,576 bytes"):
        http.fetch(server.url("/bomb"), policy=FAST, max_bytes=1024 * 1024, spool=True)
    server.add_handler("/flaky", fail_then(2, Reply(200, "ok", content_type="text/plain")))
    response = http.fetch(server.url("/flaky"), policy=FAST, spool=True)
    assert (response.body.read(), response.attempts) == (b"ok", 3)
    response.close()


# ------------------------------------------------------------------------------------------- retries


def test_fails_twice_then_answers(server):
    server.add_handler("/flaky", fail_then(2, Reply(200, "ok", content_type="text/plain")))
    response = http.fetch(server.url("/flaky"), policy=FAST)
    assert response.content == b"ok"
    assert response.attempts == 3
    assert server.count("/flaky") == 3


def test_gives_up_after_retries_and_returns_last_status(server):
    server.add("/down", "no", status=503)
    with pytest.raises(RemoteError, match=r"HTTP 503 Service Unavailable \(after 4 attempts\)"):
        http.fetch(server.url("/down"), policy=FAST)
    assert server.count("/down") == 4


def test_retry_after_honoured(server):
    server.add_handler("/limited", fail_then(1, Reply(200, "ok"), status=429, headers={"Retry-After": "1"}))
    started = time.monotonic()
    http.fetch(server.url("/limited"), policy=FAST)
    assert 0.9 <= time.monotonic() - started < 3


def test_huge_retry_after_fails_fast(server):
    server.add_handler("/limited", fail_then(1, Reply(200, "ok"), status=429, headers={"Retry-After": "86400"}))
    started = time.monotonic()
    with pytest.raises(RemoteError, match="deadline"):
        http.fetch(server.url("/limited"), policy=http.Policy(deadline=3, allow_private=True))
    assert time.monotonic() - started < 1
    assert server.count("/limited") == 1


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410])
def test_other_client_errors_not_retried(server, status):
    server.add("/x", "no", status=status)
    with pytest.raises(RemoteError, match=f"HTTP {status}"):
        http.fetch(server.url("/x"), policy=FAST)
    assert server.count("/x") == 1


def test_post_not_retried_by_default(server):
    server.add("/update", "busy", status=503)
    response = http.request("POST", server.url("/update"), body="x", policy=FAST)
    assert response.status == 503
    assert server.count("/update") == 1


def test_connection_refused_is_retried_then_fails():
    with LocalServer() as gone:
        url = gone.url("/x")
    started = time.monotonic()
    with pytest.raises(RemoteError, match="cannot connect.*after 4 attempts"):
        http.fetch(url, policy=FAST)
    assert time.monotonic() - started < 3


# ------------------------------------------------------------------------------------------- conditional, politeness


def test_conditional_request_gets_304(server):
    def handler(request):
        if request.header("If-None-Match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, "data", {"ETag": '"v1"', "Last-Modified": "Sat, 28 Nov 2026 10:00:00 GMT"})

    server.add_handler("/c", handler)
    first = http.fetch(server.url("/c"), policy=FAST)
    second = http.fetch(server.url("/c"), policy=FAST, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.content == b""
    sent = server.requests_to("/c")[1]
    assert sent.header("If-Modified-Since") == "Sat, 28 Nov 2026 10:00:00 GMT"


def test_politeness_delay_between_requests_to_one_host(server):
    server.add("/p", "ok")
    policy = http.Policy(delay=0.4, allow_private=True)
    http.fetch(server.url("/p"), policy=policy)
    started = time.monotonic()
    http.fetch(server.url("/p"), policy=policy)
    assert time.monotonic() - started >= 0.35


def test_request_put_with_body_and_status_returned(server):
    server.add_handler("/store", lambda request: Reply(201 if request.body else 400, b""))
    response = http.request("PUT", server.url("/store?graph=urn:g"), body="<urn:a> <urn:b> <urn:c> .",
                            headers={"Content-Type": "text/turtle"}, policy=FAST)
    assert response.status == 201
    assert server.requests_to("/store")[0].body == b"<urn:a> <urn:b> <urn:c> ."


# ------------------------------------------------------------------------------------------- secrets, environment


def test_secrets_never_in_messages(server):
    server.add("/x", "no", status=404)
    with pytest.raises(RemoteError) as caught:
        http.fetch(server.url("/x?token=SECRET2&api_key=SECRET3&page=2"), policy=FAST)
    message = str(caught.value)
    assert "SECRET" not in message and "page=2" in message


def test_proxy_and_netrc_from_environment_ignored(server, monkeypatch, tmp_path):
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login bob password NETRC-SECRET\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", "http://10.255.255.1:3128")
    monkeypatch.setenv("http_proxy", "http://10.255.255.1:3128")
    server.add("/x", "ok")
    assert http.fetch(server.url("/x"), policy=FAST).content == b"ok"
    assert server.requests_to("/x")[0].header("Authorization") is None


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999/x", "http://[::1/x", "http:///x", "https://"])
def test_invalid_urls_are_one_line_errors(url):
    with pytest.raises(RemoteError, match="invalid URL"):
        http.fetch(url, policy=FAST)


def test_redact():
    assert http.redact("https://u:p@h.se/x?token=a&q=1") == "https://***@h.se/x?token=***&q=1"
    assert http.redact("https://h.se/x?password=p&Secret=s") == "https://h.se/x?password=***&Secret=***"


def test_deadline_cuts_a_blocked_read_shorter_than_the_read_timeout(server):
    # One byte, then silence: the per-read timeout (10 s) would wait; the total deadline (1.5 s) must not.
    server.add_handler("/stall", drip(interval=8, total=10))
    policy = http.Policy(read_timeout=10, deadline=1.5, retries=0, allow_private=True)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="total deadline of 1.5 s exceeded"):
        http.fetch(server.url("/stall"), policy=policy)
    assert time.monotonic() - started < 2.5
