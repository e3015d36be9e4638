"""auth_svc's domain: pure rules, no I/O, no SQLAlchemy, no protobuf; one concept a module.

- :mod:`~auth_svc.domain.id_tag`: identifiers (1.6 idTag, 2.x idToken) and the decision
  an identifier gets.
- :mod:`~auth_svc.domain.local_list`: the local authorization list and its updates.
- :mod:`~auth_svc.domain.credentials`: charge point credentials and the security profiles.
- :mod:`~auth_svc.domain.passwords`: what a password may be, and its scrypt hash.
- :mod:`~auth_svc.domain.certificate_signing`: which certificate requests the CSMS CA signs.
"""
