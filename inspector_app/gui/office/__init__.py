"""The office workspace (办公室工作台): browse everything merged, a department's page, the month and its close.

A thin Qt layer over inspector_app/office: workspace.py is the window (its tabs, the central database, the work
it runs off the GUI thread), one module per tab, detail_dialog.py one inspection read-only.
"""

from __future__ import annotations
