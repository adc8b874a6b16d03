"""The one exception type meant for users: the CLI prints it as one line and exits with status 2."""


class CeasefireError(ValueError):
    """Bad input: a scenario file, a strategy or parameter name, a value out of range.

    The message is one line that names the file (if any), the field and what is allowed.
    """
