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
QLabel#passphraseVerdict[ok="true"] { color: #1e7b34; font-weight: bold; }
"""

# Training mode (gui/training/mode.py): set on the main window on top of STYLE, so it cannot be mistaken
# for real inspections — an orange banner and an orange accent instead of the blue one.
TRAINING_STYLE = """
QToolBar#trainingBar { background: #e8710a; border: none; padding: 0; spacing: 0; }
QLabel#trainingBanner { background: #e8710a; color: white; font-size: 13pt; font-weight: bold; padding: 5px; }
QListWidget#nav { background: #fff1e3; }
QListWidget#nav::item:selected { background: #c25e0c; color: white; }
"""
