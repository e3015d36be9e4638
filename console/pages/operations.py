"""A station's operations: every typed operation the API has, each as a form.

The index groups them; a form page shows one, asks for confirmation when it is disruptive
(:data:`console.forms.DISRUPTIVE`) and shows the station's answer (or the API's error) as
it comes back: in place with htmx, as a page without. A read is a GET form (its answer has
a URL, and it changes nothing); a change is a POST form. A viewer sees the reads only; the
API refuses the rest anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from console.access import visitor
from console.api import OPERATION_TIMEOUT, Api
from console.errors import ApiError
from console.forms import Catalogue, FormError, Operation, request
from console.rendering import is_fragment_request, render

CATALOGUE = Catalogue()


@dataclass(frozen=True)
class Answer:
    ok: bool
    status: int
    body: Any
    message: str


async def index(request_: Request, api: Api) -> Response:
    charge_point_id = request_.path_params["charge_point_id"]
    may_operate = visitor(request_).may_operate
    found = [o for o in await CATALOGUE.all(api) if o.reads or may_operate]
    groups: dict[str, list[Operation]] = {}
    for operation in found:
        groups.setdefault(operation.group, []).append(operation)
    return render(
        request_,
        "operations.html",
        {"charge_point_id": charge_point_id, "groups": groups, "tab": "operations"},
        section="fleet",
    )


async def _operation(request_: Request, api: Api) -> Operation:
    found = await CATALOGUE.find(api, request_.path_params["operation"])
    if found is None:
        raise ApiError(
            404, f"the API has no operation {request_.path_params['operation']!r} on stations"
        )
    return found


ASK = "ask"
"""The query argument of a read's submitted GET form (without it the form is only shown,
prefilled from the other arguments, as the configuration page's Edit links do)."""


async def form(request_: Request, api: Api) -> Response:
    operation = await _operation(request_, api)
    values = {k: v for k, v in request_.query_params.items() if k != ASK}
    if operation.reads and ASK in request_.query_params:
        return await _answer(request_, api, operation, values)
    return render(
        request_,
        "operation.html",
        {
            "charge_point_id": request_.path_params["charge_point_id"],
            "operation": operation,
            "values": values,
            "answer": None,
            "tab": "operations",
        },
        section="fleet",
    )


async def run(request_: Request, api: Api) -> Response:
    operation = await _operation(request_, api)
    submitted = {k: str(v) for k, v in (await request_.form()).items()}
    return await _answer(request_, api, operation, submitted)


async def _answer(
    request_: Request, api: Api, operation: Operation, submitted: dict[str, str]
) -> Response:
    charge_point_id = request_.path_params["charge_point_id"]
    answer: Answer
    if operation.disruptive and submitted.get("confirm") != "yes":
        answer = Answer(
            False, 400, None, "Confirm first: this operation changes what the station does."
        )
    else:
        try:
            call = request(operation, charge_point_id, submitted)
            body = await api.call(
                call.method, call.path, params=call.query, body=call.body, wait=OPERATION_TIMEOUT
            )
            answer = Answer(True, 200, body, _summary(body))
        except FormError as error:
            answer = Answer(False, 400, None, str(error))
        except ApiError as error:
            if error.unauthenticated:
                raise
            answer = Answer(False, error.status, None, error.message)
    context = {
        "charge_point_id": charge_point_id,
        "operation": operation,
        "values": submitted,
        "answer": answer,
        "tab": "operations",
    }
    status = 200 if answer.ok else answer.status
    if is_fragment_request(request_):
        # htmx swaps only successful answers by default; the answer panel shows both.
        return render(request_, "_operation_answer.html", context)
    return render(request_, "operation.html", context, status_code=status, section="fleet")


def _summary(body: Any) -> str:
    if isinstance(body, dict):
        for key in ("status", "result"):
            if key in body and isinstance(body[key], str):
                return f"The station answered {body[key]}."
    return "Done."
