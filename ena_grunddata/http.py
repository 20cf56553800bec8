"""The one HTTP client (the harvest issue hardens it: address guard, retries, conditional requests).

Nothing else in the project imports requests.
"""

from __future__ import annotations

from dataclasses import dataclass

import requests

from . import __version__
from .errors import RemoteError

USER_AGENT = f"ena-grunddata/{__version__} (+https://github.com/ena-grunddata)"
CONNECT_TIMEOUT = 10
READ_TIMEOUT = 30


@dataclass
class Response:
    url: str
    status: int
    content: bytes
    content_type: str | None
    headers: dict


def fetch(url: str, *, accept: str = "*/*", max_bytes: int = 50 * 1024 * 1024, allow_private: bool = False,
          headers: dict | None = None) -> Response:
    request_headers = {"Accept": accept, "User-Agent": USER_AGENT, **(headers or {})}
    try:
        with requests.get(url, headers=request_headers, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True,
                          allow_redirects=True) as response:
            if response.status_code >= 400:
                raise RemoteError(f"HTTP {response.status_code} {response.reason}", where=url)
            chunks, size = [], 0
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > max_bytes:
                    raise RemoteError(f"response is over the limit of {max_bytes:,} bytes", where=url)
                chunks.append(chunk)
            return Response(url=response.url, status=response.status_code, content=b"".join(chunks),
                            content_type=response.headers.get("Content-Type"), headers=dict(response.headers))
    except requests.Timeout:
        raise RemoteError("timed out", where=url) from None
    except requests.ConnectionError:
        raise RemoteError("cannot connect", where=url) from None
    except requests.RequestException as error:
        raise RemoteError(type(error).__name__, where=url) from None
