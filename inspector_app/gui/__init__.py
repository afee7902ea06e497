"""The Qt desktop window: a thin shell over inspector_app.core (the only package that imports Qt)."""
