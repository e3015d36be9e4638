"""The error hierarchy every service's own errors derive from, and its gRPC status.

::

    ServiceError                 (INTERNAL)
     ├── InvalidArgument         (INVALID_ARGUMENT)  the request itself is wrong
     ├── NotFound                (NOT_FOUND)         it names something that does not exist
     ├── AlreadyExists           (ALREADY_EXISTS)    it would create a duplicate
     ├── FailedPrecondition      (FAILED_PRECONDITION) the state forbids it now
     └── Unavailable             (UNAVAILABLE)       a dependency did not answer; retry later

A service raises these from its domain and use cases; :mod:`servicekit.grpc_server` maps
them to a status in exactly one place. Messages are written for the person who reads
them in a REST response or an OCPP CALLERROR.
"""

from __future__ import annotations

import grpc


class ServiceError(Exception):
    status: grpc.StatusCode = grpc.StatusCode.INTERNAL


class InvalidArgument(ServiceError):
    status = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(ServiceError):
    status = grpc.StatusCode.NOT_FOUND


class AlreadyExists(ServiceError):
    status = grpc.StatusCode.ALREADY_EXISTS


class FailedPrecondition(ServiceError):
    status = grpc.StatusCode.FAILED_PRECONDITION


class Unavailable(ServiceError):
    status = grpc.StatusCode.UNAVAILABLE
