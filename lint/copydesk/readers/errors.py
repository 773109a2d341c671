"""The error a reader raises when a file cannot be read as a draft."""


class ReaderError(Exception):
    """The file cannot be read as a draft; the message is one line for the user."""
