"""What protects every request and page: the body size limit and the Content-Security-Policy.

The policy is a second line behind escaping and `safe_link`: catalogue text and links come from
scrapers and imports, and if one ever slips through, the browser still runs no inline script, no
'javascript:' link and no outside script. The map's inline script carries a per-request nonce.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from werkzeug.wrappers import Response


def tile_source(tile_url: str) -> str | None:
    """The tile server as a CSP source: 'https://{s}.tile.example.org/...' -> 'https://*.tile...'."""
    parts = urlsplit(tile_url)
    host = parts.netloc
    if parts.scheme not in ("http", "https") or not host:
        return None
    if host.startswith("{") and "." in host:  # a subdomain template such as {s}
        host = "*." + host.split(".", 1)[1]
    return None if "{" in host else f"{parts.scheme}://{host}"


def content_security_policy(nonce: str, tile_url: str) -> str:
    """The policy of every HTML page: our own files, the nonce'd map script, the tile images."""
    tiles = tile_source(tile_url)
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        "img-src": "'self' data:" + (f" {tiles}" if tiles else ""),
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def csp_nonce() -> str:
    """This request's script nonce; templates write ``<script nonce="{{ csp_nonce() }}">``."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _reject_large_body() -> None:
    """413 before any view runs when the declared body is over MAX_CONTENT_LENGTH.

    Flask itself only checks when a view reads the body; this makes the limit the same for every
    route. A chunked body without a length is still cut off by Flask when it is read.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)  # web.views.errors words it in Dutch, as a page or as JSON


def _add_policy(response: Response) -> Response:
    if response.mimetype == "text/html" and "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(
            csp_nonce(), current_app.config["TILE_URL"]
        )
    return response


def init_app(app: Flask) -> None:
    """Register the body limit, the nonce for templates and the policy header."""
    app.before_request(_reject_large_body)
    app.context_processor(lambda: {"csp_nonce": csp_nonce})
    app.after_request(_add_policy)
