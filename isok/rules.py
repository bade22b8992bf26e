"""The one error a domain rule raises when it refuses a change, and its optimistic-lock kind.

Every package's error (`CaseError`, `NetworkError`, …) is a subclass with no body of its own, so a view catches
`RuleBroken` and shows the message next to `field` (or above the form) with the status the error carries.
"""

import functools


class RuleBroken(ValueError):
    """A domain rule refused the change; the message is shown next to `field` (or above the form).

    `errors` maps several fields to their messages when one refusal concerns more than one input.
    """

    status = 400
    default_field: str | None = None

    def __init__(self, message: str, field: str | None = None, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field = field or self.default_field
        self.errors = errors or ({self.field: message} if self.field else {})


class Stale(RuleBroken):
    """Someone else saved the record after this user loaded the form; nothing was overwritten."""

    status = 409


@functools.cache
def stale_kind(error: type[RuleBroken]) -> type[Stale]:
    """`Stale` that is also the package's own error, so code catching `CaseError` catches a lost save too."""
    if issubclass(error, Stale):
        return error
    return type(f"Stale{error.__name__}", (Stale, error), {"__module__": error.__module__, "__doc__": Stale.__doc__})
