"""Generates the API code from proto/ before setuptools looks for packages.

The generated package ``csms`` (see launcher/protogen.py) is not in git; making it here
means ``pip install -e .`` on a fresh clone installs it like any other package.
"""

from setuptools import setup

from launcher.protogen import ensure_generated

ensure_generated()
setup()
