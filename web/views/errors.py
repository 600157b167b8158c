"""Error pages in Dutch, JSON errors for the APIs: nothing a user sees is a traceback."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

API_PREFIXES = ("/api/", "/hsds/")
TITLES = {
    400: "Die vraag begrijpen we niet",
    404: "Pagina niet gevonden",
    405: "Deze actie kan hier niet",
    413: "Te veel gegevens verstuurd",
    500: "Er ging iets mis",
}
MESSAGES = {
    400: "Er klopt iets niet aan het adres of de zoekopdracht.",
    404: "Deze pagina bestaat niet (meer). Controleer het adres of zoek opnieuw.",
    405: "Deze pagina kan je alleen openen, niet versturen.",
    413: "De verstuurde gegevens zijn te groot. Verstuur minder tekst of een kleiner bestand.",
    500: "Er ging bij ons iets mis. Probeer het later opnieuw.",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIXES)


def _message(error: HTTPException) -> str:
    """Our own Dutch description if a view gave one, else the Dutch text for the status."""
    code = error.code or 500
    default = type(error).description
    if error.description and error.description != default and code != 500:
        return error.description
    return MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])


def handle_http_error(error: HTTPException) -> tuple[Response | str, int]:
    code = error.code or 500
    message = _message(error)
    if is_api_request():
        return jsonify(ok=False, error=message, status=code), code
    title = TITLES.get(code, TITLES[500] if code >= 500 else TITLES[400])
    return render_template("error.html", code=code, title=title, message=message), code


def handle_unexpected(error: Exception) -> tuple[Response | str, int]:
    log.exception("unhandled error on %s", request.path, exc_info=error)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Register the handlers for every HTTP error and for anything unexpected."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
