"""Derive rules/lexicons/evaluative-words.txt from the research lexicons (a maintainer's tool, not run by copydesk).

    python scripts/derive_lexicons.py PATH/TO/lexicons > rules/lexicons/evaluative-words.txt

The input folder is rpryzant/neutralizing-bias src/lexicons (MIT). A word is kept when it is a strong
subjectivity clue (Riloff and Wiebe 2003) and an opinion word (Liu, Hu and Cheng 2005): both sources call it
evaluative. Words that are descriptive in news copy ("severe weather", "critical condition", "strict rules")
are dropped by the NEWS_NEUTRAL list below, which is our own judgement, not fitted to any labelled set.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Descriptive in news copy, although the lexicons call them subjective: conditions, sizes, states, ranks.
NEWS_NEUTRAL = set("""
right left strict severe critical sweeping willing worth vulnerable lone free top major clear serious
significant important strong new fair poor rich stable secure safe healthy popular favorite favourite afraid
eager proud skeptical sceptical happy sad angry nervous scared excited hopeful worried concerned upset fearful
keen able unable available accurate inaccurate correct incorrect wrong legal illegal legitimate valid invalid
rare common unusual usual sick ill dead injured wounded hurt ready sure certain uncertain likely unlikely
cheap expensive costly difficult easy hard simple complex complicated quick slow fast late early old young
modest humble dominant leading prominent powerful weak warm cold hot cool dry wet dark bright quiet loud
calm rough smooth solid firm tough tight loose heavy light thin thick deep shallow high low huge tiny
dangerous risky safe toxic violent peaceful hostile friendly stubborn confident optimistic pessimistic
cautious careful aware unaware sincere honest open closed lucky unlucky successful unsuccessful effective
ineffective efficient inefficient useful useless helpful relevant irrelevant consistent inconsistent
sufficient insufficient adequate inadequate appropriate inappropriate acceptable unacceptable proper
improper responsible irresponsible grateful thankful sorry ashamed embarrassed surprised shocked
disappointed frustrated outraged furious pleased delighted satisfied unhappy lonely jealous guilty innocent
notably reportedly allegedly apparently clearly obviously evidently
spiritual precious super pretty worth doubt protest corruption dissident lone misleading false falsely
great greater greatest good better best
""".split())


def read(folder: Path, name: str) -> set[str]:
    lines = (folder / name).read_text(encoding="latin-1").splitlines()
    return {w.strip().lower() for w in lines if w.strip() and not w.startswith((";", "#"))}


def main() -> int:
    folder = Path(sys.argv[1])
    strong = read(folder, "strong_subjectives_riloff2003.txt")
    polar = read(folder, "negative_liu2005.txt") | read(folder, "positive_liu2005.txt")
    kept = sorted(w for w in strong & polar if w.isalpha() and len(w) > 3 and w not in NEWS_NEUTRAL)
    print("# Evaluative words: strong subjectivity clues that are also opinion words.")
    print("# Derived by scripts/derive_lexicons.py from Riloff and Wiebe 2003 (strong subjectives) and")
    print("# Liu, Hu and Cheng 2005 (opinion words), as published in rpryzant/neutralizing-bias src/lexicons")
    print("# (commit b7b42e71), MIT licence (see LICENSE-neutralizing-bias beside this file); news-neutral")
    print("# descriptive words removed by our own judgement. One word per line; matched as adjectives and adverbs.")
    for w in kept:
        print(w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
