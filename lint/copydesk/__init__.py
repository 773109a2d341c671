"""copydesk: an editorial quality linter for news drafts."""

__version__ = "0.1.0"

__all__ = ["__version__", "lint_article", "lint_text"]


def __getattr__(name):
    # Lazy so that `copydesk --version` and `--help` stay fast and never import spaCy.
    if name in ("lint_article", "lint_text"):
        from copydesk import engine

        return getattr(engine, name)
    raise AttributeError(name)
