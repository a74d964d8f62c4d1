#!/usr/bin/env python3
"""Renders docs/guestprep.8.md (the one source of guestprep(8) and of the README's command
reference) to roff, and checks that the README's command reference is the same text.

  gen-manpage.py SOURCE --version V -o OUT     write the man page (roff, man macros)
  gen-manpage.py SOURCE --check-readme README  exit 1, with a diff, when the README's "Commands"
                                               block or "Exit codes" table differ from SOURCE
  gen-manpage.py SOURCE --write-readme README  copy those two blocks from SOURCE into README

The source is a small subset of Markdown: a title line "# name section "footer" "header"",
"## SECTION" headings, paragraphs, fenced code blocks, definition lists (a line of `terms`
followed by ": text" and two-space continuation lines) and one pipe table per section. HTML
comments are dropped. Inline: `code` and **bold** in bold, *text* in italic.
"""

import argparse
import difflib
import re
import sys

# Non-ASCII characters the source may use, and their roff spelling (anything else is an error,
# so that the page renders the same in every locale and groff never guesses an encoding).
_GLYPHS = {"\u2026": "...", "\u2014": r"\(em", "\u2013": r"\(en", "\u2019": "'"}


class SourceError(Exception):
    """A construct of the source this renderer does not handle, with its line number."""


def _escape(text, lineno, literal=False):
    out = []
    for ch in text:
        if ch == "\\":
            out.append(r"\e")
        elif literal and ch == "-":
            out.append(r"\-")
        elif ord(ch) < 128:
            out.append(ch)
        elif ch in _GLYPHS:
            out.append(_GLYPHS[ch])
        else:
            raise SourceError(f"line {lineno}: character U+{ord(ch):04X} has no roff spelling")
    return "".join(out)


_INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\*([^*]+)\*")


def _inline(text, lineno):
    """Markdown inline markup to roff font escapes; option names get real minus signs."""
    out, pos = [], 0
    for m in _INLINE.finditer(text):
        out.append(_escape(text[pos:m.start()], lineno))
        if m.group(1) is not None:
            out.append(r"\fB" + _escape(m.group(1), lineno, literal=True) + r"\fR")
        elif m.group(2) is not None:
            out.append(r"\fB" + _escape(m.group(2), lineno, literal=True) + r"\fR")
        else:
            out.append(r"\fI" + _escape(m.group(3), lineno) + r"\fR")
        pos = m.end()
    out.append(_escape(text[pos:], lineno))
    line = "".join(out)
    # A text line starting with a dot or an apostrophe would be read as a request.
    return "\\&" + line if line[:1] in (".", "'") else line


def _strip_comments(lines):
    kept, in_comment = [], False
    for n, line in enumerate(lines, 1):
        if in_comment or line.lstrip().startswith("<!--"):
            in_comment = "-->" not in line
            continue
        kept.append((n, line))
    return kept


def render(source, version):
    lines = _strip_comments(source.splitlines())
    out = []
    i = 0
    para = []

    def flush_para():
        if para:
            out.append(".PP")
            out.append(_inline(" ".join(t for _, t in para), para[0][0]))
            para.clear()

    while i < len(lines):
        n, line = lines[i]
        if line.startswith("# "):
            m = re.match(r'# (\S+) (\d) "([^"]*)" "([^"]*)"$', line)
            if not m:
                raise SourceError(f'line {n}: title must be: # name section "footer" "header"')
            footer = m.group(3).replace("@VERSION@", version)
            out.append(f'.TH {m.group(1).upper()} {m.group(2)} "" "{footer}" "{m.group(4)}"')
            i += 1
        elif line.startswith("## "):
            flush_para()
            out.append(".SH " + _escape(line[3:].upper(), n))
            i += 1
        elif line.startswith("```"):
            flush_para()
            i += 1
            out += [".PP", ".RS 4", ".nf"]
            while i < len(lines) and not lines[i][1].startswith("```"):
                out.append(_escape(lines[i][1], lines[i][0], literal=True) or r"\&")
                i += 1
            if i == len(lines):
                raise SourceError(f"line {n}: code block not closed")
            out += [".fi", ".RE"]
            i += 1
        elif line.startswith("|"):
            flush_para()
            rows = []
            while i < len(lines) and lines[i][1].startswith("|"):
                rows.append([c.strip() for c in lines[i][1].strip("|").split("|")])
                i += 1
            # Header and separator rows name the columns; each row becomes a tagged paragraph.
            for cells in rows[2:]:
                out += [".TP", _inline(f"**{cells[0]}**", n), _inline(" ".join(cells[1:]), n)]
        elif line.startswith("`") and i + 1 < len(lines) and lines[i + 1][1].startswith(": "):
            flush_para()
            out += [".TP", _inline(line, n)]
            body = [lines[i + 1][1][2:]]
            i += 2
            while i < len(lines) and lines[i][1].startswith("  "):
                body.append(lines[i][1].strip())
                i += 1
            out.append(_inline(" ".join(body), lines[i - 1][0]))
        elif not line.strip():
            flush_para()
            i += 1
        else:
            para.append((n, line))
            i += 1
    flush_para()
    return "\n".join(out) + "\n"


def _block_after(lines, marker, what, name):
    """The lines of the first fenced block or table following `marker` in `lines`."""
    start, end = _block_span(lines, marker, what, name)
    return lines[start:end]


def _block_span(lines, marker, what, name):
    """[start, end) of the first fenced block or table following `marker` in `lines`."""
    try:
        start = next(k for k, l in enumerate(lines) if l.strip() == marker)
    except StopIteration:
        raise SourceError(f'{name}: no line "{marker}" ({what})') from None
    k = start + 1
    while k < len(lines) and not (lines[k].startswith("```") or lines[k].startswith("|")):
        k += 1
    if k == len(lines):
        raise SourceError(f"{name}: nothing follows {marker}")
    if lines[k].startswith("```"):
        end = next((e for e in range(k + 1, len(lines)) if lines[e].startswith("```")), None)
        if end is None:
            raise SourceError(f"{name}: the code block after {marker} is not closed")
        return k, end + 1
    end = k
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return k, end


# Where each shared block sits: in the source, in the README, and what it is.
_SHARED = [
    ("## SYNOPSIS", "## Commands", "command reference"),
    ("## EXIT STATUS", "### Exit codes", "exit codes"),
]


def write_readme(source, readme, source_name, readme_name):
    """The README with its shared blocks replaced by the source's."""
    src, rd = source.splitlines(), readme.splitlines()
    for src_marker, readme_marker, what in _SHARED:
        block = _block_after(src, src_marker, what, source_name)
        start, end = _block_span(rd, readme_marker, what, readme_name)
        rd[start:end] = block
    return "\n".join(rd) + "\n"


def check_readme(source, readme, source_name, readme_name):
    src, rd = source.splitlines(), readme.splitlines()
    problems = []
    for src_marker, readme_marker, what in _SHARED:
        a = _block_after(src, src_marker, what, source_name)
        b = _block_after(rd, readme_marker, what, readme_name)
        if a != b:
            diff = difflib.unified_diff(a, b, source_name, readme_name, lineterm="")
            problems.append(f"{what} differs:\n" + "\n".join(diff))
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("--version", default="")
    ap.add_argument("-o", "--output")
    ap.add_argument("--check-readme", metavar="README")
    ap.add_argument("--write-readme", metavar="README")
    args = ap.parse_args()
    with open(args.source, encoding="utf-8") as f:
        source = f.read()
    try:
        if args.write_readme:
            with open(args.write_readme, encoding="utf-8") as f:
                text = write_readme(source, f.read(), args.source, args.write_readme)
            with open(args.write_readme, "w", encoding="utf-8") as f:
                f.write(text)
            return 0
        if args.check_readme:
            with open(args.check_readme, encoding="utf-8") as f:
                problems = check_readme(source, f.read(), args.source, args.check_readme)
            for p in problems:
                print(p, file=sys.stderr)
            if problems:
                print(f"{args.source} is the one source: run {sys.argv[0]} {args.source} "
                      f"--write-readme {args.check_readme}", file=sys.stderr)
                return 1
            print(f"{args.check_readme}: command reference and exit codes match {args.source}")
            return 0
        if not args.output or not args.version:
            ap.error("-o OUT and --version V are needed to render")
        roff = render(source, args.version)
    except SourceError as e:
        print(f"gen-manpage: {e}", file=sys.stderr)
        return 2
    with open(args.output, "w", encoding="ascii") as f:
        f.write(roff)
    return 0


if __name__ == "__main__":
    sys.exit(main())
