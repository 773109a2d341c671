"""Kinds about the linting itself: suppression comments that suppressed nothing."""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Article
from copydesk.finding import Finding
from copydesk.framework import kind


@kind("unused_suppression", fields=("directive", "rules", "reason"))
def unused_suppression(article: Article, card) -> Iterator[Finding]:
    """A `copydesk:` comment that matched no finding, or names a rule that does not exist.

    The engine runs this kind after suppression, when each directive knows whether it was used.
    """
    for directive in article.directives:
        reason = directive.problem()
        if reason:
            yield directive.finding(card, article, reason)
