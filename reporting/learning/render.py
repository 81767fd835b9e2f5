"""The digest as HTML (a Django template, autoescaped) and as Markdown.

Markdown has no autoescape, so every piece of partner or group text goes through
`md_escape`: inline markup characters and raw HTML are backslash-escaped, and a line that
would start a heading, list, quote or rule is escaped too. A `<script>` in a learning entry
reads as text in both forms.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string

TEMPLATE = "reporting/learning_digest.html"
_INLINE = re.compile(r"([\\`*_{}\[\]<>#|!~])")
_LIST_MARKER = re.compile(r"^(\s*)([-+=])")
_NUMBERED = re.compile(r"^(\s*\d+)([.)])")


def md_escape(text: str) -> str:
    lines = []
    for line in str(text).splitlines() or [""]:
        escaped = _INLINE.sub(r"\\\1", line.rstrip())
        # "- x", "+ x", "1. x" start lists and "===" underlines a heading: keep them text.
        escaped = _LIST_MARKER.sub(r"\1\\\2", escaped)
        escaped = _NUMBERED.sub(r"\1\\\2", escaped)
        lines.append(escaped)
    return "\n".join(lines)


def _block(label: str, text: str) -> list[str]:
    """A labelled paragraph inside a list item: continuation lines indented to stay in it."""
    lines = md_escape(text).split("\n")
    return ["", f"  *{label}:* {lines[0]}"] + [f"  {line}" if line else "" for line in lines[1:]]


def render_html(payload: dict) -> str:
    return render_to_string(TEMPLATE, payload)


def render_markdown(payload: dict) -> str:
    contract, period = payload["contract"], payload["period"]
    count = payload["entry_count"]
    accepted = len(payload["accepted_returns_from"])
    grants = payload["grant_report_count"]
    out = [
        f"# Shared learning: {md_escape(contract['title'])}",
        "",
        f"{md_escape(period['label'])} ({period['starts_on']} to {period['ends_on']}). "
        f"{count} learning entr{'y' if count == 1 else 'ies'} from {accepted} accepted "
        f"return{'' if accepted == 1 else 's'} and {grants} end-of-grant "
        f"report{'' if grants == 1 else 's'}.",
    ]
    if payload["returns_awaited_from"]:
        names = ", ".join(md_escape(name) for name in payload["returns_awaited_from"])
        out += ["", f"Not yet included (return not yet accepted): {names}."]
    if not payload["themes"]:
        out += ["", "No learning has been shared for this period yet."]
    for theme in payload["themes"]:
        out += ["", f"## {md_escape(theme['theme'])}", ""]
        for entry in theme["entries"]:
            who = f"**{md_escape(entry['organisation'])}**"
            if entry.get("programme"):
                who += f" ({md_escape(entry['programme'])})"
            out.append(f"- {who}")
            for label, field in (
                ("What worked", "what_worked"),
                ("What did not", "what_did_not"),
                ("What went well, and what they would do differently", "lesson"),
                ("Their story", "story"),
            ):
                if entry.get(field):
                    out += _block(label, entry[field])
            if entry.get("tags"):
                tags = ", ".join(md_escape(tag) for tag in entry["tags"])
                out += ["", f"  Tags: {tags}"]
    return "\n".join(out) + "\n"
