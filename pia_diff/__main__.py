"""`python -m pia_diff` is the same as `pia-diff`."""

from .cli import main

main()
