"""Other packages' warnings and log lines kept off the user's terminal, for every command and server."""

from __future__ import annotations


def quiet_third_parties() -> None:
    """Keep other packages' warnings and log lines (spaCy, NLTK, Dask, a deprecation in a dependency) off the
    user's terminal: a hook or a CI log shows copydesk's report and copydesk's own one-line notices, nothing
    else. --debug lets them through. Forked workers inherit both settings."""
    import logging
    import warnings

    warnings.filterwarnings("ignore")  # first in the filter list, so PYTHONWARNINGS or -W cannot re-enable them
    root = logging.getLogger()
    if not root.handlers:
        root.addHandler(logging.NullHandler())  # no lastResort handler printing WARNING records to stderr
    root.setLevel(logging.CRITICAL)
