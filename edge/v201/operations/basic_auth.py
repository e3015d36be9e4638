"""OCPP 2.0.1 A01 (Update Charging Station Password for HTTP Basic Authentication): the
password is the Actual value of SecurityCtrlr.BasicAuthPassword, set with SetVariables
and sent as it is (2.x has no hex encoding). Pure."""

from __future__ import annotations

from csms.edge.v1 import operations_pb2
from edge.v16.operations.fields import required
from edge.v201.operations.fields import Kwargs


def password_request(request: operations_pb2.SetBasicAuthPasswordRequest) -> Kwargs:
    return {
        "set_variable_data": [
            {
                "attribute_type": "Actual",
                "attribute_value": required(request.password, "password"),
                "component": {"name": "SecurityCtrlr"},
                "variable": {"name": "BasicAuthPassword"},
            }
        ]
    }
