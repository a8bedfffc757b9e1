"""Intended deviations of skkeras from scikeras' own test suite.

Read by ``scikeras_suite.py``. Each entry is ``(pattern, reason)``: an
``fnmatch`` pattern on the reference run's test id (as pytest prints it for
scikeras, e.g. ``tests/test_api.py::TestX::test_y[KerasClassifier-...]``),
and why skkeras behaves differently on purpose. A test that passes on
scikeras, fails on skkeras and matches a pattern counts as an intended
deviation, not as a failure. Keep the list short and every reason concrete.
"""

DEVIATIONS: list[tuple[str, str]] = []
