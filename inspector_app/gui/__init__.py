"""The Qt desktop window: a thin shell over inspector_app.core (the only package that imports Qt)."""

import sys

import PySide6.QtCore  # noqa: F401 - loads shiboken's import hook, which _skip_feature_scan tames


def _skip_feature_scan() -> None:
    """shiboken6 hooks every import and reads the whole source of each newly imported module
    (`inspect.getsource` in shibokensupport.feature._mod_uses_pyside) to see whether it mentions PySide6, for
    `from __feature__ import snake_case`, which this app never uses. That read costs start-up time (~10% of
    importing the window's modules), and run in a worker thread while the GUI thread worked it crashed the
    process (a segfault in shibokensupport.feature). A frozen build has no sources, so there the scan already
    finds nothing for every module: a source install now behaves the same."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is not None and callable(getattr(feature, "_mod_uses_pyside", None)):
        feature._mod_uses_pyside = lambda module: False


_skip_feature_scan()
