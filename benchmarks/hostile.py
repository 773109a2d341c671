"""A battery of hostile inputs, each checked by `copydesk check` in a fresh process: time, exit code, traceback.

    python benchmarks/hostile.py [--keep DIR] [--only NAME,...] [--limit 5]

Builds every input in a temporary folder (or DIR), runs `copydesk check --format json FILE` on each in its
own process (interpreter start and model load included, as a CI gate pays them), and prints one row per
input: wall seconds, exit code, the exit code expected, whether stderr held a traceback, and the first
notice or error line. Exits 1 when any input takes longer than --limit seconds, exits with an unexpected
code or prints a traceback. tests/test_hostile_battery.py runs the same battery without the time limit.

Every input is generated here from our own words; nothing is copied from a corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

# A paragraph of our own, varied by a counter so blocks are distinct when they must be.
_PARA = ("Councillor Brenna Oduya said the Wexmoor ferry timetable would change on {n} May, after the harbour "
         "board voted to add a late crossing for shift workers at the Tallow Point cannery.")
_WORDS = ("harbour board ferry crossing timetable councillor vote cannery shift workers island tide "
          "pier ticket fare winter summer evening morning route captain deck").split()

Member = tuple[str, str, Callable[[Path], None], set[int]]


def _write(data: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", newline="")
        else:
            path.write_bytes(data)
    return make


def _lazy(build: Callable[[], bytes | str]) -> Callable[[Path], None]:
    return lambda path: _write(build())(path)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _socket(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))  # left bound: the file stays a socket for the run


def _folder_with_specials(path: Path) -> None:
    path.mkdir()
    (path / "story.md").write_text("# Ferry vote\n\n" + _PARA.format(n=3) + "\n", encoding="utf-8")
    os.mkfifo(path / "pipe.md")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path / "sock.md"))
    (path / "loop.md").symlink_to(path / "loop.md")  # a symlink to itself
    (path / "same.md").symlink_to(path / "story.md")  # the same file under a second name


def _words(n: int, sep: str = " ") -> str:
    return sep.join(_WORDS[(i * 7) % len(_WORDS)] for i in range(n))


def _distinct_paragraphs(n: int) -> str:
    return "\n\n".join(_PARA.format(n=i) for i in range(n)) + "\n"


def _billion_laughs() -> str:
    lines = ["---", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [{', '.join('*' + prev for _ in range(9))}]")
        prev = name
    return "\n".join(lines) + "\n---\n\n" + _PARA.format(n=1) + "\n"


def battery() -> list[Member]:
    """(name, what it is, how to make it, acceptable exit codes)."""
    ok = {0, 1}  # read and checked: findings or not
    para = _PARA.format(n=2)
    return [
        # encodings
        ("utf16-bom.txt", "UTF-16 LE with a byte-order mark", _lazy(lambda: (para + "\n").encode("utf-16")), ok),
        ("utf16-no-bom.txt", "UTF-16 LE without a byte-order mark", _lazy(lambda: (para + "\n").encode("utf-16-le")),
         ok),
        ("utf32-bom.txt", "UTF-32 with a byte-order mark", _lazy(lambda: (para + "\n").encode("utf-32")), ok),
        ("cp1252.txt", "Windows-1252 curly quotes and a pound sign",
         _lazy(lambda: ("\u201cFares rise to \u00a33,\u201d said Oduya.\n\n" + para + "\n").encode("cp1252")), ok | {2}),
        ("latin1-meta.html", "Latin-1 page declaring its charset",
         _lazy(lambda: ('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 owners on the quay '
                        'said the ferry change helps.</p><p>' + para + '</p></body></html>').encode("latin-1")), ok),
        ("lying-meta.html", "UTF-8 page whose meta says Shift_JIS",
         _lazy(lambda: ('<meta charset="shift_jis"><p>\u00c9milie Fournet runs the quay caf\u00e9.</p><p>'
                        + para + '</p>').encode("utf-8")), ok | {2}),
        ("invalid-utf8.md", "UTF-8 with stray continuation bytes and overlong forms",
         _lazy(lambda: b"# Ferry\n\n" + para.encode() + b"\x80\xbf\xc0\xaf\xed\xa0\x80 more text.\n"), ok | {2}),
        ("nul-bytes.txt", "text with NUL bytes (a binary file)", _lazy(lambda: b"ferry\x00\x00\x01vote\n" * 50), {0}),
        ("png-named-md.md", "a PNG image with a .md name", _lazy(lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
         {0}),
        ("unknown-encoding.md", "front matter naming an encoding that does not exist",
         _write("---\nencoding: klingon-8\ntitle: Ferry\n---\n\n" + para + "\n"), ok | {2}),
        # characters
        ("bidi-controls.txt", "bidi overrides, zero-width joiners, C0 and C1 controls in prose",
         _write("The \u202eyrref\u202c vote\u200b passed \u2066today\u2069.\x07\x1b[31m red\x1b[0m \x85next \ufeff"
                "\u00ad soft\u200d hyphen.\n\n" + para + "\n"), ok),
        ("combining-flood.txt", "one letter under 20,000 combining marks",
         _write("Ferry a" + "\u0301" * 20_000 + " vote.\n\n" + para + "\n"), ok),
        ("emoji-and-astral.md", "astral-plane characters and emoji sequences in every block",
         _write("# \U0001f6a2 Ferry \U0001f468\u200d\U0001f469\u200d\U0001f467\n\n" +
                "\n\n".join("\U0001d4d5erry \U0001f30a " + _PARA.format(n=i) for i in range(200)) + "\n"), ok),
        ("lone-surrogate-escape.html", "HTML character references to surrogates, NUL and out-of-range points",
         _write("<p>Ferry &#xD800; &#0; &#x110000; &#99999999999; &#x1F6A2; vote</p><p>" + para + "</p>\n"), ok),
        # size and shape
        ("empty.md", "an empty file", _write(""), {0}),
        ("whitespace-only.txt", "only spaces, tabs and newlines", _write(" \t\n" * 10_000), {0}),
        ("huge-line-no-spaces.txt", "one 2 MB line with no spaces", _lazy(lambda: "ferry" * 400_000), ok),
        ("huge-line-words.txt", "one 600 KB line of words (100,000 words)", _lazy(lambda: _words(100_000) + ".\n"), ok),
        ("million-newlines.txt", "a million empty lines around two paragraphs",
         _lazy(lambda: para + "\n" * 1_000_000 + para.replace("3", "4") + "\n"), ok),
        ("long-read-20k.md", "a 20,000-word article of distinct paragraphs",
         _lazy(lambda: "# Ferry\n\n" + _distinct_paragraphs(650)), ok),
        ("blocks-30k-distinct.md", "30,000 distinct short paragraphs",
         _lazy(lambda: "".join(f"Pier {i} reopens on Tuesday.\n\n" for i in range(30_000))), ok),
        ("blocks-50k-copies.txt", "50,000 pasted copies of one paragraph (the issue's flood)",
         _lazy(lambda: "The ferry vote passed on Tuesday, the harbour board said.\n\n" * 50_000), ok),
        ("blocks-9mb.md", "9 MB of distinct paragraphs, over max-file-bytes", _lazy(lambda: _distinct_paragraphs(50_000)),
         {2}),
        ("list-items-50k.md", "50,000 one-word list items", _lazy(lambda: "- ferry\n" * 50_000), ok),
        ("html-blocks-40k.html", "40,000 <p> blocks and 40,000 <li> items",
         _lazy(lambda: "<html><body>" + "".join(f"<p>Pier {i} opens.</p><li>Route {i}</li>" for i in range(40_000))
               + "</body></html>"), ok),
        ("headings-30k.md", "30,000 headings with one line under each",
         _lazy(lambda: "".join(f"## Route {i}\n\nThe {i} ferry leaves at dawn.\n\n" for i in range(30_000))), ok),
        ("too-big.txt", "6 MB of text, over max-file-bytes", _lazy(lambda: ("ferry vote " * 100 + "\n") * 5_500),
         {2}),
        # nesting and broken markup
        ("deep-html-100k.html", "100,000 nested <div> elements",
         _lazy(lambda: "<div>" * 100_000 + para + "</div>" * 100_000), ok | {2}),
        ("deep-blockquote.md", "Markdown blockquotes nested 20,000 deep", _lazy(lambda: ">" * 20_000 + " " + para + "\n"),
         ok),
        ("deep-lists.md", "Markdown lists nested 1,500 deep",
         _lazy(lambda: "".join("  " * i + "- ferry item\n" for i in range(1_500))), ok),
        ("emphasis-storm.md", "200,000 unmatched emphasis and bracket markers",
         _lazy(lambda: "*_[`" * 50_000 + "\n\n" + para + "\n"), ok),
        ("link-storm.md", "20,000 nested link openers and reference definitions",
         _lazy(lambda: "[" * 20_000 + "ferry" + "](" * 20_000 + "\n\n" +
               "".join(f"[r{i}]: http://example.invalid/{i}\n" for i in range(20_000)) + para + "\n"), ok),
        ("broken-markup.html", "unclosed script, style, textarea, comment and CDATA",
         _write("<html><head><title>Ferry</head><body><p>" + para + "<script>var a='</p>"
                "<style>p{<textarea></textarea><!-- never closed <![CDATA[ <p>Pier</p>"), ok | {2}),
        ("attribute-storm.html", "one tag with 50,000 attributes and an entity flood",
         _lazy(lambda: "<p " + " ".join(f'a{i}="{i}"' for i in range(50_000)) + ">" + "&amp;" * 100_000 +
               para + "</p>"), ok | {2}),
        ("script-only.html", "a page that is all script and style", _lazy(
            lambda: "<script>" + "var x = 1;\n" * 50_000 + "</script><style>p{}</style>"), {0, 1}),
        ("not-html.html", "JSON saved with an .html name", _write('{"title": "Ferry", "body": [1, 2, 3]}\n'), ok),
        # front matter
        ("billion-laughs.md", "YAML front matter with nested aliases", _lazy(_billion_laughs), ok),
        ("front-matter-unclosed.md", "front matter that never closes",
         _write("---\ntitle: Ferry vote\ndate: 2026-05-03\n\n" + para + "\n"), ok | {2}),
        ("front-matter-invalid.md", "front matter that is not YAML",
         _write("---\ntitle: [Ferry\n  - : :\n---\n\n" + para + "\n"), {2}),
        ("front-matter-1mb.md", "front matter of one megabyte",
         _lazy(lambda: "---\n" + "".join(f"k{i}: {'v' * 40}\n" for i in range(25_000)) + "---\n\n" + para + "\n"), ok),
        ("front-matter-deep.md", "front matter nested 10,000 levels deep",
         _lazy(lambda: "---\nx: " + "[" * 10_000 + "]" * 10_000 + "\n---\n\n" + para + "\n"), ok | {2}),
        ("front-matter-types.md", "front matter whose fields have the wrong types",
         _write("---\ntitle: [1, 2]\ndate: not-a-date\nsummary: {a: b}\ntags: 7\nencoding: 5\nlang: [en]\n---\n\n"
                + para + "\n"), ok),
        ("front-matter-python-tag.md", "front matter with a python object tag",
         _write("---\ntitle: !!python/object/apply:os.system ['echo pwned']\n---\n\n" + para + "\n"), ok | {2}),
        ("front-matter-only.md", "front matter and no body", _write("---\ntitle: Ferry\n---\n"), {0}),
        # special files
        ("named-pipe.md", "a FIFO named on the command line", _fifo, {0}),
        ("unix-socket.md", "a Unix socket named on the command line", _socket, {0}),
        ("folder-with-specials", "a folder holding a pipe, a socket, a self-loop symlink and a second name",
         _folder_with_specials, ok),
        ("dev-zero", "/dev/zero (a device) named on the command line", lambda p: p.symlink_to("/dev/zero"), {0}),
    ]


def _copydesk() -> list[str]:
    exe = Path(sys.executable).with_name("copydesk")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "copydesk"]


def run_member(folder: Path, member: Member, timeout: float = 300.0) -> dict:
    name, about, make, expected = member
    path = folder / name
    make(path)
    start = time.perf_counter()
    try:
        # The default run, result cache on, but cold: a cache of its own for each input.
        env = os.environ | {"COPYDESK_CACHE_DIR": str(folder / f".cache-{name}")}
        proc = subprocess.run([*_copydesk(), "check", "--format", "json", "--no-color", str(path)],
                              capture_output=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env)
        code, out, err = proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, out, err = -1, "", f"timed out after {timeout:.0f} s"
    wall = time.perf_counter() - start
    said = ""
    if out.strip():
        try:
            report = json.loads(out)
            notes = [n for f in report.get("files", []) for n in f.get("notices", [])]
            notes = [e for f in report.get("files", []) for e in f.get("errors", [])] + notes
            said = next((n for n in notes if n), f"{sum(len(f.get('findings', [])) for f in report.get('files', []))}"
                        " finding(s)")
        except json.JSONDecodeError:
            said = "report is not JSON"
    if not said:
        said = err.strip().splitlines()[0] if err.strip() else ""
    return {"name": name, "about": about, "seconds": round(wall, 2), "exit": code, "expected": sorted(expected),
            "traceback": "Traceback" in err, "said": said[:110]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    parser.add_argument("--only", help="comma-separated input names")
    parser.add_argument("--limit", type=float, default=5.0, help="seconds each input may take (default 5)")
    args = parser.parse_args(argv)
    members = battery()
    if args.only:
        wanted = set(args.only.split(","))
        members = [m for m in members if m[0] in wanted]
    with tempfile.TemporaryDirectory(prefix="copydesk-hostile-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        bad = 0
        print(f"{'input':30} {'s':>6} exit ok  what copydesk said")
        for member in members:
            row = run_member(folder, member)
            fine = row["exit"] in row["expected"] and not row["traceback"] and row["seconds"] <= args.limit
            bad += not fine
            print(f"{row['name']:30} {row['seconds']:6.2f} {row['exit']:>4} {'yes' if fine else 'NO':3}  {row['said']}",
                  flush=True)
    print(f"{len(members) - bad} of {len(members)} inputs within {args.limit:g} s, expected exit code, no traceback")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
