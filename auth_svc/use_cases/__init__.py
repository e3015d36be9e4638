"""auth_svc's operations, one module per group, over ports only: authorizing and managing
id tags, the local authorization list, and charge point credentials."""

from auth_svc.use_cases.credentials import CredentialUseCases, CredentialView
from auth_svc.use_cases.id_tags import IdTagUseCases
from auth_svc.use_cases.local_list import LocalListUseCases

__all__ = ["CredentialUseCases", "CredentialView", "IdTagUseCases", "LocalListUseCases"]
