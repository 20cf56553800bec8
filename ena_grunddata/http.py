"""The one guarded HTTP client: every request the tool makes (harvest, publish, URL inputs) goes through here.

Nothing else in the project imports requests. What it guarantees:

- Address guard: the host is resolved and every address must be global (loopback, private, link-local, multicast,
  0.0.0.0, IPv4-mapped/NAT64/6to4 wrappings of those are refused), checked on the URL before sending, at every
  redirect hop, and again on the socket actually opened (so DNS rebinding cannot slip past the first check).
  `allow_private=True` admits loopback and private networks (a local test server, an intranet store) but never
  link-local (169.254.0.0/16 holds cloud metadata services), multicast or unspecified addresses.
- Connect and read timeouts plus a total deadline for the whole call (retries, redirects and body included), so a
  server that drips one byte a second cannot hold us.
- Redirects followed by hand (at most 5), refusing other schemes and https->http downgrades; credentials and
  caller headers are dropped as soon as a hop leaves the original origin.
- Retries with exponential backoff and jitter on connection errors and 408/425/429/500/502/503/504, honouring
  Retry-After up to a cap; other 4xx are never retried. Non-idempotent methods (POST) are not retried by default.
- A size cap on the Content-Length and on the *decoded* bytes while streaming (we decompress gzip/deflate ourselves,
  bounded, so a 1 MB gzip bomb cannot become 1 GiB in memory). With `spool=True` the body goes to a temporary file
  instead of memory (under the same caps), for callers that read it piece by piece.
- Conditional requests (If-None-Match / If-Modified-Since); a 304 is returned, not treated as an error.
- Politeness: one request at a time per host, with a configurable pause between requests to the same host.
- Credentials come only from environment variables (`auth_env`, `header_env`); they are never part of a message.
  Userinfo in a URL is refused. Every URL in a message is redacted (userinfo; token/key/secret/password-like
  query parameters).
- `trust_env = False`: HTTP(S)_PROXY, NO_PROXY, ~/.netrc and REQUESTS_CA_BUNDLE are ignored, so the address guard
  sees the real target and no .netrc password is ever sent anywhere. (A proxy would make the connect-time check
  meaningless; proxies are not supported in this version.)
"""

from __future__ import annotations

import base64
import email.utils
import ipaddress
import os
import random
import re
import socket
import tempfile
import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util import connection as urllib3_connection

from .version import __version__
from .errors import InputError, RemoteError

USER_AGENT = f"ena-grunddata/{__version__} (DCAT-AP-SE harvester; +https://github.com/ena-grunddata)"
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
DEFAULT_DEADLINE = 300.0
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
MAX_REDIRECTS = 5
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Headers that may follow a redirect to another origin; everything else the caller set is dropped.
PORTABLE_HEADERS = frozenset({"accept", "accept-language", "user-agent"})
CHUNK = 16 * 1024
DECODE_STEP = 256 * 1024  # decoded bytes produced per decompression step


@dataclass(frozen=True)
class Policy:
    """Every knob of the client; the defaults suit a polite harvester."""

    connect_timeout: float = CONNECT_TIMEOUT
    read_timeout: float = READ_TIMEOUT
    deadline: float = DEFAULT_DEADLINE  # seconds for the whole call: retries, redirects and body
    max_bytes: int = DEFAULT_MAX_BYTES  # decoded bytes
    max_redirects: int = MAX_REDIRECTS
    retries: int = 3  # extra attempts after the first
    backoff: float = 0.5  # first pause; doubles each retry, plus up to 10 % jitter
    backoff_max: float = 30.0
    retry_after_max: float = 60.0  # a longer Retry-After is capped to this
    allow_private: bool = False
    delay: float = 0.0  # pause between two requests to the same host
    per_host: int = 1  # requests to one host at once (without a delay): a SPARQL store answers a few in parallel
    user_agent: str = os.environ.get("ENA_GRUNDDATA_USER_AGENT") or USER_AGENT


DEFAULT_POLICY = Policy()


@dataclass
class Response:
    url: str  # the final URL after redirects (unredacted: callers use it as a base IRI)
    status: int
    content: bytes
    content_type: str | None
    headers: dict
    history: list = field(default_factory=list)  # redacted URLs of the redirect hops
    attempts: int = 1
    body: object = None  # with spool=True: the body in a temporary binary file, at its start (content is empty)

    def close(self) -> None:
        """Remove the spooled body, if any (the temporary file is gone once closed)."""
        if self.body is not None:
            self.body.close()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("ETag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("Last-Modified")

    def raise_for_status(self) -> None:
        if self.status >= 400:
            tries = f" (after {self.attempts} attempts)" if self.attempts > 1 else ""
            raise RemoteError(f"HTTP {self.status} {status_reason(self.status)}{tries}", where=redact(self.url))


# --------------------------------------------------------------------------------------------- redaction

# Query parameter names that carry secrets, matched case-insensitively anywhere in the name (api_key, X-Token,
# access_token, client_secret, passwd, pw, jwt, code (OAuth), signature / sig (pre-signed URLs), auth...).
_SECRET_PARAM = re.compile(r"token|key|secret|pass|pwd|pw|jwt|code|sig|auth|credential|session", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"""[A-Za-z][A-Za-z0-9+.-]*://[^\s<>"'`]+""")


def redact(url: str) -> str:
    """The URL as it may be shown: no userinfo, no secret-looking query values (nor in the fragment).

    The one redaction function: messages, reports, logs, /healthz and the harvest store all show URLs through it.
    """
    try:
        parts = urlsplit(str(url))
    except ValueError:
        return "<invalid URL>"
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, netloc, parts.path, _redact_pairs(parts.query), _redact_pairs(parts.fragment)))


def _redact_pairs(text: str) -> str:
    if not text or "=" not in text:
        return text
    pairs = parse_qsl(text, keep_blank_values=True)
    if not any(_SECRET_PARAM.search(name) for name, _ in pairs):
        return text
    return urlencode([(name, "***" if _SECRET_PARAM.search(name) else value) for name, value in pairs],
                     safe="*:/", quote_via=quote)


def redact_text(text: str, secrets=()) -> str:
    """Any text that may hold URLs or echoed credentials (a server's error body, an exception message): every URL
    redacted, and each secret masked in every form a server may echo it (as is, base64 of Basic, URL-encoded)."""
    text = _URL_IN_TEXT.sub(lambda match: redact(match.group(0)), str(text))
    for secret in secrets:
        for form in secret_forms(secret):
            text = text.replace(form, "***")
    return text


def secret_forms(secret: str) -> list[str]:
    """A secret as it may come back: itself, URL-encoded, and inside Basic's base64 (user:password)."""
    if not secret or len(secret) < 4:
        return []
    forms = {secret, quote(secret, safe=""), quote(secret)}
    if secret.startswith(("Basic ", "Bearer ")):
        scheme, value = secret.split(" ", 1)
        forms.add(value)
        if scheme == "Basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            forms.update(part for part in (decoded, *decoded.split(":", 1)) if len(part) >= 4)
    return sorted(forms, key=len, reverse=True)


def status_reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return HTTPStatus(status).phrase
    except ValueError:
        return ""


# --------------------------------------------------------------------------------------------- address guard


class AddressRefused(Exception):
    """Not an OSError on purpose: urllib3 must not wrap or retry it; it reaches `request` unchanged."""

    def __init__(self, host: str, address: str, reason: str):
        self.host, self.address, self.reason = host, address, reason
        super().__init__(f"{host} resolves to {address}, {reason}")


def unwrap(address):
    """The IPv4 address hidden inside an IPv6 one (mapped, NAT64, 6to4, Teredo), else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return address


# Cloud metadata services (instance credentials live there): refused always, --allow-private or not.
# AWS/GCP/Azure/OpenStack/DigitalOcean/Oracle 169.254.169.254 (also in 169.254.0.0/16, refused as link-local),
# AWS ECS task metadata 169.254.170.2, AWS IPv6 fd00:ec2::254, Alibaba 100.100.100.200, and the names below.
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "169.254.170.23", "100.100.100.200", "fd00:ec2::254", "fd00:ec2::23",
    "192.0.0.192",  # Oracle Cloud (classic)
))
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata.goog", "metadata", "instance-data",
                            "instance-data.ec2.internal", "metadata.azure.internal", "metadata.tencentyun.com",
                            "metadata.platformequinix.com"})


def metadata_host(host: str) -> bool:
    return host.lower().rstrip(".") in METADATA_HOSTS


def refusal(address: str, allow_private: bool) -> str | None:
    """Why we will not connect to `address` (None: fine)."""
    try:
        raw = ipaddress.ip_address(address.split("%")[0])
    except ValueError:
        return "not an IP address"
    ip = unwrap(raw)
    if ip in METADATA_ADDRESSES or raw in METADATA_ADDRESSES:
        return "a cloud metadata service address (link-local or special-purpose; never fetched, not even with " \
               "--allow-private)"
    if ip.is_unspecified:
        return "an unspecified address (0.0.0.0 or ::)"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_link_local:
        return "a link-local address (cloud metadata services live there)"
    if ip.is_global:
        return None
    if allow_private and (ip.is_loopback or ip.is_private or ip in ipaddress.ip_network("100.64.0.0/10")):
        return None
    kind = "a loopback" if ip.is_loopback else "a private or reserved"
    return f"{kind} address (use --allow-private for a local or intranet server)"


def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to. Numeric spellings (127.1, 2130706433, 0x7f000001) resolve too."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise RemoteError(f"cannot resolve host {host!r}: {getattr(error, 'strerror', None) or error}") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int, allow_private: bool) -> list[str]:
    """Resolve and refuse the host if ANY of its addresses is refused (no picking the harmless one)."""
    addresses = resolve(host, port)
    for address in addresses:
        reason = refusal(address, allow_private)
        if reason:
            raise AddressRefused(host, address, reason)
    return addresses


_exchange_end = threading.local()  # monotonic time by which the current thread's exchange must be over


class _GuardedConnectionMixin:
    """Checks the address of the socket actually opened, not just the name in the URL."""

    allow_private = False

    def getresponse(self, *args, **kwargs):
        """Reading the status line and headers is bounded by the total deadline too: a server that sends its
        headers one byte at a time resets the per-read timeout forever, so a watchdog shuts the socket down."""
        end = getattr(_exchange_end, "value", None)
        sock = getattr(self, "sock", None)
        if end is None or sock is None:
            return super().getresponse(*args, **kwargs)
        expired = threading.Event()

        def expire():
            expired.set()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        watchdog = threading.Timer(max(0.0, end - time.monotonic()), expire)
        watchdog.daemon = True
        watchdog.start()
        try:
            return super().getresponse(*args, **kwargs)
        except Exception:
            if expired.is_set():
                raise TimeoutError("the total deadline passed while the server was sending its headers") from None
            raise
        finally:
            watchdog.cancel()

    def _new_conn(self):
        addresses = checked_addresses(self._dns_host, self.port, self.allow_private)
        last_error = None
        for address in addresses:
            try:
                sock = urllib3_connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except socket.timeout as error:
                raise urllib3.exceptions.ConnectTimeoutError(
                    self, f"connection to {self.host} timed out") from error
            except OSError as error:
                last_error = error
                continue
            peer = sock.getpeername()[0]
            reason = refusal(peer, self.allow_private)
            if reason:  # belt and braces: what we are connected to, whatever resolved
                sock.close()
                raise AddressRefused(self.host, peer, reason)
            return sock
        raise urllib3.exceptions.NewConnectionError(self, f"cannot connect: {last_error}")


def _guarded_adapter(allow_private: bool) -> HTTPAdapter:
    http_connection = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection),
                           {"allow_private": allow_private})
    https_connection = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection),
                            {"allow_private": allow_private})
    http_pool = type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_connection})
    https_pool = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_connection})

    class GuardedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}

        def proxy_manager_for(self, proxy, **kwargs):  # trust_env is off; a proxy would bypass the guard
            raise RemoteError("proxies are not supported (the address guard must see the real server)")

    return GuardedAdapter(max_retries=0)


_adapters: dict[bool, HTTPAdapter] = {}
_adapters_lock = threading.Lock()


def _adapter(allow_private: bool) -> HTTPAdapter:
    """One pooled adapter per guard setting. Used without a Session, so nothing is read from the environment
    (proxies, .netrc, CA bundle): the equivalent of `trust_env = False`."""
    with _adapters_lock:
        adapter = _adapters.get(allow_private)
        if adapter is None:
            adapter = _adapters[allow_private] = _guarded_adapter(allow_private)
        return adapter


def _session(allow_private: bool) -> requests.Session:
    """A Session with the guard mounted, for code that needs requests' Session API (the tests use it)."""
    session = requests.Session()
    session.trust_env = False
    session.mount("http://", _adapter(allow_private))
    session.mount("https://", _adapter(allow_private))
    return session


# --------------------------------------------------------------------------------------------- politeness


class _Host:
    def __init__(self):
        self.lock = threading.Lock()
        self.last = 0.0
        self.shared: dict[int, threading.BoundedSemaphore] = {}  # Policy.per_host -> its slots

    def slots(self, count: int) -> threading.BoundedSemaphore:
        with _hosts_lock:
            return self.shared.setdefault(count, threading.BoundedSemaphore(count))


_hosts: dict[str, _Host] = {}
_hosts_lock = threading.Lock()


def _host_slot(origin: str) -> _Host:
    with _hosts_lock:
        return _hosts.setdefault(origin, _Host())


# --------------------------------------------------------------------------------------------- credentials


def credentials_from_env(auth_env: str | None, header_env: dict | None) -> dict:
    """Headers carrying secrets, read from environment variables named by the caller.

    `auth_env="PREFIX"` reads PREFIX_TOKEN (sent as `Authorization: Bearer`) or PREFIX_USER + PREFIX_PASSWORD
    (HTTP Basic). `header_env={"X-Api-Key": "MY_KEY_VAR"}` sends the value of MY_KEY_VAR in that header.
    """
    headers = {}
    if auth_env:
        token = os.environ.get(f"{auth_env}_TOKEN")
        user = os.environ.get(f"{auth_env}_USER")
        password = os.environ.get(f"{auth_env}_PASSWORD")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif user is not None and password is not None:
            pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {pair}"
    for name, variable in (header_env or {}).items():
        value = os.environ.get(variable)
        if value:
            headers[name] = value
    for name, value in headers.items():
        if not _header_safe(name, value):  # never echo the value: it is a secret
            raise RemoteError(f"the credential for the {name} header (from the environment) is not a valid HTTP "
                              "header value (non-Latin-1 characters or line breaks)")
    return headers


def _header_safe(name: str, value: str) -> bool:
    try:
        name.encode("ascii")
        value.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return not any(ch in name + value for ch in "\r\n\0")


# --------------------------------------------------------------------------------------------- the request


def origin_of(url: str) -> tuple[str, str, int]:
    """(scheme, host, port); an unparsable URL gets port -1 so that it never matches a real origin."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "", url, -1
    return parts.scheme, (parts.hostname or "").lower(), port


def check_url(url: str, allow_private: bool, *, previous: str | None = None) -> None:
    """Scheme, userinfo, downgrade and address checks for one URL (the first or a redirect hop)."""
    shown = redact(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RemoteError("invalid URL", where=shown) from None
    if parts.scheme not in ("http", "https"):
        raise RemoteError(f"refused: only http and https URLs are fetched (got {parts.scheme or 'no'} scheme)",
                          where=shown)
    if previous is not None and urlsplit(previous).scheme == "https" and parts.scheme == "http":
        raise RemoteError("refused: redirect from https to plain http", where=shown)
    if parts.username is not None or parts.password is not None:
        raise RemoteError("refused: credentials in URLs are not accepted (put them in environment variables)",
                          where=shown)
    if not parts.hostname:
        raise RemoteError("invalid URL: no host", where=shown)
    if metadata_host(parts.hostname):
        raise RemoteError("refused: a cloud metadata service (never fetched, not even with --allow-private)",
                          where=shown)
    try:
        checked_addresses(parts.hostname, port or (443 if parts.scheme == "https" else 80), allow_private)
    except AddressRefused as refused:
        raise RemoteError(f"refused: {refused}", where=shown) from None
    except RemoteError as error:
        raise RemoteError(error.message, where=shown) from None


class _Clock:
    def __init__(self, deadline: float):
        self.deadline = deadline
        self.end = time.monotonic() + deadline

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self, where: str) -> None:
        if self.left() <= 0:
            raise RemoteError(f"total deadline of {self.deadline:g} s exceeded", where=where)


class _Retryable(Exception):
    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.message, self.wait = message, wait


def request(method: str, url: str, *, body: bytes | str | None = None, headers: dict | None = None,
            accept: str | None = None, etag: str | None = None, last_modified: str | None = None,
            auth_env: str | None = None, header_env: dict | None = None, policy: Policy | None = None,
            allow_private: bool | None = None, max_bytes: int | None = None, retries: int | None = None,
            timeout: float | None = None, spool: bool = False) -> Response:
    """Send one request through every guard; return the final response, whatever its status.

    Raises RemoteError for refused addresses, timeouts, too many redirects, oversized bodies and connection
    failures (after retries). A retryable status still failing after the last attempt is returned as is.
    `etag` / `last_modified` (validators from an earlier response) make the request conditional.
    `timeout` overrides the total deadline; `retries` the retry count (POST defaults to 0). With `spool` the body
    is written to a temporary file (`Response.body`, removed by `Response.close()`) instead of `content`.
    """
    policy = policy or DEFAULT_POLICY
    overrides = {key: value for key, value in (("allow_private", allow_private), ("max_bytes", max_bytes),
                                               ("deadline", timeout)) if value is not None}
    policy = replace(policy, **overrides) if overrides else policy
    method = method.upper()
    if retries is None:
        retries = policy.retries if method in IDEMPOTENT_METHODS else 0
    if isinstance(body, str):
        body = body.encode("utf-8")
    base_headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}
    if accept:
        base_headers["Accept"] = accept
    if etag:
        base_headers["If-None-Match"] = etag
    if last_modified:
        base_headers["If-Modified-Since"] = last_modified
    base_headers.update(headers or {})
    secrets = credentials_from_env(auth_env, header_env)
    clock = _Clock(policy.deadline)
    attempt = 0
    while True:
        attempt += 1
        try:
            response = _follow_redirects(method, url, body, base_headers, secrets, policy, clock, spool)
        except _Retryable as problem:
            if attempt > retries:
                raise RemoteError(f"{problem.message} (after {attempt} attempts)", where=redact(url)) from None
            _pause(problem.wait, attempt, policy, clock, url)
            continue
        if response.status in RETRY_STATUSES and attempt <= retries:
            response.close()
            wait = retry_after(response.headers.get("Retry-After"), policy)
            _pause(wait, attempt, policy, clock, url)
            continue
        response.attempts = attempt
        return response


def fetch(url: str, *, accept: str = "*/*", max_bytes: int | None = None, allow_private: bool | None = None,
          headers: dict | None = None, etag: str | None = None, last_modified: str | None = None,
          policy: Policy | None = None, auth_env: str | None = None, header_env: dict | None = None,
          timeout: float | None = None, spool: bool = False) -> Response:
    """GET a document; any status of 400 or more becomes a RemoteError. A 304 is returned (empty content).
    With `spool` the body is in the temporary file `response.body` (the caller closes the response)."""
    response = request("GET", url, accept=accept, max_bytes=max_bytes, allow_private=allow_private,
                       headers=headers, etag=etag, last_modified=last_modified, policy=policy,
                       auth_env=auth_env, header_env=header_env, timeout=timeout, spool=spool)
    if response.status >= 400:
        response.close()
    response.raise_for_status()
    return response


def retry_after(value: str | None, policy: Policy) -> float | None:
    """Seconds the server asked us to wait (a number or an HTTP date), capped by the policy."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - time.time()
    return max(0.0, min(seconds, policy.retry_after_max))


def _pause(wait: float | None, attempt: int, policy: Policy, clock: _Clock, url: str) -> None:
    if wait is None:
        wait = min(policy.backoff * 2 ** (attempt - 1), policy.backoff_max)
        wait += random.uniform(0, wait * 0.1)  # jitter: many clients must not retry in step
    if wait >= clock.left():
        raise RemoteError(f"gave up after {attempt} attempts: the next retry (in {wait:.1f} s) would pass the "
                          f"total deadline of {clock.deadline:g} s", where=redact(url))
    time.sleep(wait)


def _follow_redirects(method, url, body, base_headers, secrets, policy, clock, spool=False) -> Response:
    first_origin = origin_of(url)
    history = []
    current, previous = url, None
    headers = dict(base_headers)
    for _hop in range(policy.max_redirects + 1):
        check_url(current, policy.allow_private, previous=previous)
        same_origin = origin_of(current) == first_origin
        sent = {**headers, **secrets} if same_origin else headers
        response = _send_once(method, current, body, sent, policy, clock, spool)
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            response.history = history
            return response
        history.append(redact(current))
        previous, current = current, urljoin(current, location.strip())
        if response.status == 303 or (response.status in (301, 302) and method == "POST"):
            method, body = "GET", None
            headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        if origin_of(current) != first_origin:
            # Leaving the origin: nothing the caller set may follow (API keys, cookies, auth, validators).
            headers = {k: v for k, v in headers.items() if k.lower() in PORTABLE_HEADERS
                       or (k.lower() == "content-type" and body is not None)}
            headers["User-Agent"] = policy.user_agent
            headers["Accept-Encoding"] = "gzip, deflate"
    chain = " -> ".join(history + [redact(current)])
    raise RemoteError(f"too many redirects (limit {policy.max_redirects}): {chain}", where=redact(url))


def _send_once(method, url, body, headers, policy, clock, spool=False) -> Response:
    """One request/response exchange with the per-host lock held; the body is read under every cap."""
    shown = redact(url)
    clock.check(shown)
    scheme, host, port = origin_of(url)
    slot = _host_slot(f"{host}:{port}")
    if policy.per_host > 1 and policy.delay <= 0:
        with slot.slots(policy.per_host):
            return _exchange(method, url, body, headers, policy, clock, shown, spool)
    with slot.lock:
        wait = slot.last + policy.delay - time.monotonic()
        if wait > 0:
            if wait >= clock.left():
                raise RemoteError(f"total deadline of {clock.deadline:g} s exceeded", where=shown)
            time.sleep(wait)
        try:
            return _exchange(method, url, body, headers, policy, clock, shown, spool)
        finally:
            slot.last = time.monotonic()


def _exchange(method, url, body, headers, policy, clock, shown, spool=False) -> Response:
    left = clock.left()
    timeouts = (max(0.01, min(policy.connect_timeout, left)), max(0.01, min(policy.read_timeout, left)))
    adapter = _adapter(policy.allow_private)
    try:
        prepared = requests.Request(method, url, data=body, headers=headers).prepare()
    except (requests.RequestException, ValueError) as error:
        raise RemoteError(f"cannot build the request: {type(error).__name__}", where=shown) from None
    _exchange_end.value = clock.end
    try:
        # The adapter, not a Session: no cookies, no hooks, no redirect machinery that reads bodies uncapped.
        raw_response = adapter.send(prepared, stream=True, timeout=timeouts)
    except AddressRefused as refused:
        raise RemoteError(f"refused: {refused}", where=shown) from None
    except requests.ConnectionError as error:
        refused = _find_cause(error, AddressRefused)
        if refused is not None:
            raise RemoteError(f"refused: {refused}", where=shown) from None
        if clock.left() <= 0:
            raise RemoteError(f"total deadline of {clock.deadline:g} s exceeded", where=shown) from None
        if isinstance(error, requests.ConnectTimeout):
            raise _Retryable("connection timed out") from None
        raise _Retryable("cannot connect") from None
    except requests.Timeout:
        if clock.left() <= 0:
            raise RemoteError(f"total deadline of {clock.deadline:g} s exceeded", where=shown) from None
        raise _Retryable(f"no answer within {timeouts[1]:g} s") from None
    except requests.RequestException as error:
        if clock.left() <= 0:
            raise RemoteError(f"total deadline of {clock.deadline:g} s exceeded", where=shown) from None
        raise RemoteError(f"request failed: {type(error).__name__}", where=shown) from None
    finally:
        _exchange_end.value = None
    with raw_response:
        content, spooled = b"", None
        if method != "HEAD" and raw_response.status_code not in (204, 304) \
                and raw_response.status_code not in REDIRECT_STATUSES:
            if spool:
                spooled = _temporary_file(shown)
                try:
                    _read_body(raw_response, policy, clock, shown, spooled)
                    spooled.seek(0)
                except BaseException:
                    spooled.close()
                    raise
            else:
                content = _read_body(raw_response, policy, clock, shown)
        return Response(url=url, status=raw_response.status_code, content=content,
                        content_type=raw_response.headers.get("Content-Type"), headers=raw_response.headers,
                        body=spooled)


def _temporary_file(shown: str):
    try:
        return tempfile.TemporaryFile(prefix="ena-grunddata-")
    except OSError as error:  # our own folder, not the server: a local problem
        raise InputError(f"cannot create a temporary file for the answer: {error.strerror or error}",
                         where=shown) from None


def _find_cause(error, kind):
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return error
        seen.add(id(error))
        for nested in (getattr(error, "reason", None), *(error.args if isinstance(error.args, tuple) else ())):
            if isinstance(nested, kind):
                return nested
            if isinstance(nested, BaseException):
                found = _find_cause(nested, kind)
                if found is not None:
                    return found
        error = error.__cause__ or error.__context__
    return None


def _decoder(encoding: str, shown: str):
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return _Decoder("gzip")
    if encoding == "deflate":
        return _Decoder("deflate")
    raise RemoteError(f"unsupported Content-Encoding {encoding!r}", where=shown)


def _too_large(limit: int) -> str:
    return f"response is over the limit of {limit:,} bytes (raise it with --max-input-bytes)"


def _read_body(response, policy, clock, shown, into=None) -> bytes | None:
    """The decoded body under the size cap and the deadline; written to the binary file `into` when given."""
    limit = policy.max_bytes
    length = response.headers.get("Content-Length")
    if length and length.strip().isdigit() and int(length) > limit:
        raise RemoteError(_too_large(limit), where=shown)
    decoder = _decoder(response.headers.get("Content-Encoding"), shown)
    raw = response.raw
    parts, size = [], 0
    try:
        while True:
            left = clock.left()
            if left <= 0:
                raise RemoteError(f"total deadline of {clock.deadline:g} s exceeded while reading the body",
                                  where=shown)
            _set_read_timeout(raw, min(policy.read_timeout, left))
            data = raw.read1(CHUNK, decode_content=False)
            if not data:
                break
            for piece in _decode(decoder, data, shown):
                size += len(piece)
                if size > limit:
                    raise RemoteError(_too_large(limit), where=shown)
                if into is None:
                    parts.append(piece)
                else:
                    _write(into, piece, shown)
        if decoder is not None:
            try:
                decoder.flush()
            except zlib.error:
                raise RemoteError("corrupt compressed response (it ends early)", where=shown) from None
    except (urllib3.exceptions.ReadTimeoutError, socket.timeout, TimeoutError):
        if clock.left() <= 0:
            raise RemoteError(f"total deadline of {clock.deadline:g} s exceeded while reading the body",
                              where=shown) from None
        raise _Retryable(f"no data within {policy.read_timeout:g} s while reading the body") from None
    except (urllib3.exceptions.ProtocolError, urllib3.exceptions.HTTPError, ConnectionError, OSError):
        raise _Retryable("connection broken while reading the body") from None
    return b"".join(parts) if into is None else None


def _write(into, piece: bytes, shown: str) -> None:
    try:
        into.write(piece)
    except OSError as error:  # a full disk is ours, not the server's (and must not look like a broken connection)
        raise InputError(f"cannot write the answer to a temporary file: {error.strerror or error}",
                         where=shown) from None


class _Decoder:
    """gzip or deflate, decoded whole: a gzip body of several members (RFC 1952 allows it; `cat a.gz b.gz`) is
    read member after member, never cut after the first one."""

    def __init__(self, encoding: str):
        self.encoding = encoding
        self.current = self._new()
        self.ended = False  # the last member ended and nothing followed yet
        self.fed = False

    def _new(self):
        return zlib.decompressobj(16 + zlib.MAX_WBITS if self.encoding == "gzip" else zlib.MAX_WBITS)

    def decompress(self, data: bytes):
        self.fed = self.fed or bool(data)
        while data:
            if self.current.eof:
                if self.encoding != "gzip":
                    raise zlib.error("data after the end of the deflate stream")
                self.current = self._new()
            self.ended = False
            yield self.current.decompress(data, DECODE_STEP)
            while self.current.unconsumed_tail:
                yield self.current.decompress(self.current.unconsumed_tail, DECODE_STEP)
            data = self.current.unused_data if self.current.eof else b""
            self.ended = self.current.eof

    def flush(self) -> bytes:
        if self.fed and not self.current.eof:
            raise zlib.error("the compressed body ends early")
        return b""


def _decode(decoder, data: bytes, shown: str):
    """Decompress in bounded steps, so the caller can stop at the cap before a bomb fills the memory."""
    if decoder is None:
        yield data
        return
    try:
        yield from decoder.decompress(data)
    except zlib.error:
        raise RemoteError("corrupt compressed response", where=shown) from None


def _set_read_timeout(raw, seconds: float) -> None:
    """Shrink the socket timeout so one blocked read cannot outlive the total deadline."""
    connection = getattr(raw, "_connection", None) or getattr(raw, "connection", None)
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.settimeout(max(0.01, seconds))
        except OSError:
            pass
