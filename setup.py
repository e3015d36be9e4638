"""Generates the API code from proto/ before setuptools looks for packages.

The generated package ``csms`` (see launcher/protogen.py) is not in git; making it here
means ``pip install -e .`` on a fresh clone installs it like any other package.
"""

import sys
from pathlib import Path

from setuptools import setup

# pip runs this file in an isolated build environment where the source tree is not
# importable; the generator lives in it.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from launcher.protogen import ensure_generated

ensure_generated()
setup()
