"""Entry point of the built program: the same `inspector-app` command line (no command opens the window)."""

from inspector_app.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
