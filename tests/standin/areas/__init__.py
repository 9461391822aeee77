"""API areas of the stand-in server.

Every module in this package is imported by server.py and must define
``register(router)``. Optional hooks: ``init_state(state)`` (fresh state on start
and on control-API reset), ``apply_toggle(state, key, value) -> bool`` (control
API state toggles) and ``state_view(state) -> dict`` (extra fields shown by
``GET /__standin/state``). Add a new area by dropping a new module here; no
other file needs to change.
"""
