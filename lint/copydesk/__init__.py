"""copydesk: an editorial quality linter for news drafts."""

from copydesk.version import __version__

__all__ = ["__version__", "lint_article", "lint_text"]


def __getattr__(name):
    # Lazy so that `copydesk --version` and `--help` stay fast and never import spaCy.
    if name == "lint_article":
        from copydesk import engine

        return engine.lint_article
    if name == "lint_text":
        from copydesk import api

        return api.lint_text
    raise AttributeError(name)
