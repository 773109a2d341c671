"""The judged sets: where each article lives, which source (outlet, BBC desk) it belongs to, and the frozen share.

Every article is named "<set>/<file>" in findings, fingerprints and verdicts, so a verdict names its article
without a machine's paths. Groups are what cross-validation leaves out whole: one per outlet (a saved page's
site, a BASIL outlet), one per BBC desk, and one per article of the extraction benchmark, whose source sites
are not recorded. A dev draft is in its clean article's group: they are the same story.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SHARED = ROOT.parent / "shared"

SETS = {
    "bbc": SHARED / "corpus" / "bbc",
    "clean": SHARED / "corpus" / "dev" / "clean",
    "drafts": SHARED / "corpus" / "dev" / "drafts",
    "pages": SHARED / "pages",
    "pages-news": SHARED / "pages-news",
    "own": ROOT / "benchmarks" / "review" / "drafts",
}
SUFFIXES = {".txt", ".md", ".html", ".htm"}

# The frozen share: sources that never enter training or threshold choice, kept to measure the shipped model
# once. One BBC desk and about a fifth of the other sources, picked by a hash of the source's name (so the
# choice is fixed before any figure is seen).
FROZEN_DESK = "bbc-tech"
FROZEN_SHARE = 5  # one source in five


def files(name: str) -> list[tuple[Path, str]]:
    """(file on disk, article name) for each article of a set."""
    folder = SETS[name]
    if not folder.is_dir():
        return []
    return [(p, f"{name}/{p.name}") for p in sorted(folder.iterdir())
            if p.suffix.lower() in SUFFIXES and not p.name.startswith(("README", "LICENSE"))]


def source_path(article: str) -> Path:
    name, _, file = article.partition("/")
    return SETS[name] / file


_TLDS = {"com", "org", "net", "de", "at", "ch", "fr", "uk", "info", "eu", "io", "blog", "gov", "edu", "jp", "es",
         "it", "nl", "ca", "au", "us", "co", "tv", "me", "ly", "news", "ie", "in", "nz", "be", "se", "dk", "no"}


def _site(file: str) -> str:
    """A saved page's site: 'adac.de' from 'adac.de.kindersitze.html', 'nytimes.com' from
    'www.nytimes.com--opinion.html': the label before the first top-level domain, with that domain."""
    stem = re.sub(r"\.html?$", "", file.split("--")[0])
    parts = [p for p in stem.split(".") if p]
    for i, part in enumerate(parts):
        if i and part.lower() in _TLDS:
            return ".".join(parts[i - 1:i + 1]).lower()
    return stem.lower()


def group(article: str) -> str:
    """The source an article belongs to (see the module's docstring)."""
    name, _, file = article.partition("/")
    if name == "bbc":
        return "bbc-" + file.split("-")[0]
    if name in ("clean", "drafts"):
        if file.startswith("basil-"):
            return "basil-" + Path(file).stem.rsplit("-", 1)[-1]
        return "aeb-" + Path(file).stem.split("-", 1)[1][:12]
    if name in ("pages", "pages-news"):
        return "site-" + _site(file)
    return "own"


def frozen(group_name: str) -> bool:
    """Whether a source is in the frozen share (never trained on, never used to pick a threshold)."""
    if group_name.startswith("bbc-"):
        return group_name == FROZEN_DESK
    if group_name == "own":
        return False
    return int(hashlib.sha256(group_name.encode()).hexdigest(), 16) % FROZEN_SHARE == 0
