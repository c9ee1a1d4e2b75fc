"""The project's own error type: bad input that the CLI turns into exit status 2."""

from __future__ import annotations


class InputError(Exception):
    """A problem with something the user gave us; the message is Japanese and names the file."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")
