"""The command line's expected errors, and any error as one line."""


class CLIError(Exception):
    """An expected error: printed as one line, exit status ``code``.

    Parameters
    ----------
    message : str
        What went wrong and, where there is one, the fix.
    code : int, default=1
        The exit status: 2 for usage errors, 1 for the others.
    """

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def one_line(exc):
    """``exc``'s message as one line of at most 400 characters.

    Parameters
    ----------
    exc : BaseException
        The error; one without a message is named by its class.

    Returns
    -------
    text : str
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 400 else text[:397] + "..."
