"""Fault and hostile-input tests (issue #8): SIGKILL, interrupted sync, full disks, fuzzing, tampering, clocks.

`INSPECTOR_FAULT_TRIALS=N` switches every test here to its long mode (N crash trials, more fuzz examples);
without it CI runs the short version (see scale.py).
"""
