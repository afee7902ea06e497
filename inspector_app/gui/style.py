"""The app's look: a few rules on top of the platform style, readable on a laptop on a ward round."""

STYLE = """
QListWidget#nav { border: none; background: #f3f5f7; font-size: 14pt; outline: 0; }
QListWidget#nav::item { padding: 10px 14px; }
QListWidget#nav::item:selected { background: #1f6fb2; color: white; }
QLabel#inspectionHeader { font-size: 12pt; }
QLabel#runningTotal { font-size: 15pt; font-weight: bold; color: #b3261e; padding: 0 12px; }
QLabel#preview { color: #1f6fb2; font-weight: bold; }
QPushButton#recordButton { font-weight: bold; padding: 6px 18px; }
QStatusBar QLabel { padding: 0 8px; }
"""
