"""`python cli.py` is the same as `pia-diff` (a shim onto the package's typer app)."""

from pia_diff.cli import main

if __name__ == "__main__":
    main()
