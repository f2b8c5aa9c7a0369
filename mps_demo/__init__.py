"""Where the stand-in and the POS meet: the demo's launcher and the member's QR window. `mps_dev`
knows nothing of `pos_app`; it finds these through the `mps_dev.launchers` entry points
(pyproject.toml), so the stand-in installs and runs without the POS."""
