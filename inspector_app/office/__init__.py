"""The office's side: its month over the central database (issue #14). Qt-free core services; the command line
is `inspector-app office …` (cli/commands_office.py)."""
