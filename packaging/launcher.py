"""Entry point of the built program: the same `inspector-app` command line (no command opens the window)."""

import multiprocessing

from inspector_app.cli.main import main

if __name__ == "__main__":
    # a frozen Windows program starts its worker processes (merge --jobs N) by running itself again:
    # freeze_support() makes such a child run its worker, not the command line (a no-op elsewhere)
    multiprocessing.freeze_support()
    raise SystemExit(main())
