"""The pieces of `python -m tools.build_installer`: input checks, staging, libzbar, the build."""
