"""The rule kinds: Python algorithms a YAML rule card names, each a pure function (article, card) -> findings.

Each module here registers its kinds with copydesk.framework's @kind decorator; copydesk.registry.load_kinds
imports them. The framework's names are re-exported for kinds written elsewhere (a house style's own)."""

from copydesk.framework import (KINDS, Kind, Option, OptionError, coerce_option, compile_pattern,  # noqa: F401
                                kind)
