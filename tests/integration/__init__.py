"""Integration tests of the mmadm binary against the stand-in server.

Importing this package puts its directory on sys.path so test modules can use
``from harness import ...`` whether they are run with
``python3 -m unittest discover -s tests/integration`` or
``python3 -m unittest tests/integration/test_x.py``.
"""
import os as _os
import sys as _sys

_HERE = _os.path.dirname(_os.path.abspath(__file__))
if _HERE not in _sys.path:
    _sys.path.insert(0, _HERE)
