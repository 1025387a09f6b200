"""SDMX errors: the REST standard's HTTP status and an SDMX-ML 2.1 ``Error`` message with its code."""

from __future__ import annotations

from django.http import HttpResponse

from wsis.apps.sdmx.xml import COMMON, MESSAGE, XML_LANG, root, serialise, sub

#: SDMX 2.1 REST error codes and their HTTP statuses (section "Error handling" of the web services guide).
STATUS = {100: 404, 110: 401, 130: 413, 140: 400, 150: 403, 406: 406, 500: 500, 501: 501, 503: 503}
TITLES = {
    100: "No results found",
    130: "Response too large",
    140: "Syntax error",
    150: "Semantic error",
    406: "Not acceptable",
    500: "Internal server error",
    501: "Not implemented",
}


class SdmxError(Exception):
    """A query the service answers with an SDMX error: ``code`` from :data:`STATUS`, ``detail`` in words."""

    def __init__(self, code: int, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code} {TITLES.get(code, '')}: {detail}")


def no_results(detail: str = "") -> SdmxError:
    return SdmxError(100, detail)


def syntax(detail: str) -> SdmxError:
    return SdmxError(140, detail)


def response(error: SdmxError) -> HttpResponse:
    message = root("Error", {})
    entry = sub(message, MESSAGE, "ErrorMessage", code=str(error.code))
    text = TITLES.get(error.code, "Error") + (f": {error.detail}" if error.detail else "")
    sub(entry, COMMON, "Text", text).set(XML_LANG, "en")
    return HttpResponse(
        serialise(message), status=STATUS.get(error.code, 500), content_type="application/xml; charset=utf-8"
    )
