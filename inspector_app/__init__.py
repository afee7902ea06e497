"""Hospital service-quality inspection (医院优质服务督查).

`inspector_app.core` holds everything that works without a display; `inspector_app.gui` is the Qt shell and
`inspector_app.cli` the command line, both thin layers over the same core services.
"""

__version__ = "0.1.0"
