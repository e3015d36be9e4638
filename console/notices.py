"""What a page says after a form did something: Post/Redirect/Get with a notice.

A form's handler redirects (303) to the page that shows the result with ``?notice=KEY``
(and the record's id where the message names one); the page looks the key up in its own
table of messages. Only known keys are shown, so a link cannot make the console say
something it did not.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse

from console.errors import ApiError
from console.forms import FormError

NOTICE = "notice"


def redirect(path: str, notice: str, **params: str) -> RedirectResponse:
    """303 to ``path`` saying ``notice``, with ``params`` (empty ones left out)."""
    query = urlencode({**{k: v for k, v in params.items() if v}, NOTICE: notice})
    return RedirectResponse(f"{path}?{query}", status_code=303)


def notice(request: Request, messages: Mapping[str, str], **values: str) -> str:
    """The message for the request's ``?notice=`` key, ``{placeholders}`` filled from
    ``values``; empty for no key or an unknown one."""
    template = messages.get(request.query_params.get(NOTICE, ""), "")
    return template.format_map(values) if template else ""


def problem(error: ApiError | FormError) -> tuple[str, int]:
    """What a form's page says when its input or its API call failed, and the status to
    answer with. A 401 goes on up, to the sign-in page (:func:`console.app.build`)."""
    if isinstance(error, FormError):
        return str(error), 400
    if error.unauthenticated:
        raise error
    return error.message, error.status
