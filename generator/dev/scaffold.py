"""Create new sites and new entry files; never overwrite anything the user wrote."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from generator.config import load_config
from generator.errors import Problem, error
from generator.urls import slugify

ENTRY_TEMPLATE = """---
title: {title}
date: {date}
distance:            # e.g. 8.2 km, 5 mi
duration:            # e.g. "45:12" or "1:02:30"
intention: {intention}
emotions: []         # the feelings you named, e.g. [calm, grateful]
mood_before:         # 1 (low) to 5 (high)
mood_after:
tags: []
visibility: private  # private | unlisted | public
---
How did the run go? What came up, and what did you notice in your body and breath?

::: private
Anything here stays in your journal, even if you later make this story public.
:::
"""

SITE_TEMPLATE = """title = {title}
author = ""
base_url = "https://example.org/"
timezone = "UTC"
units = "km"
theme = "default"
default_visibility = "private"
hashtag = "JoggingTherapy"
per_page = 10
permalink = "/{{year}}/{{month}}/{{day}}/{{slug}}/"
"""

FIRST_ENTRY = """---
title: First steps
date: 2026-01-01T08:00:00
distance: 5 km
duration: "30:00"
intention: Notice how I feel, without judging it
emotions: [hopeful, nervous]
mood_before: 3
mood_after: 4
tags: [easy]
visibility: public
---
The first run of this journal. Write what came up during the run, and name the feelings you noticed.
"""

ABOUT_PAGE = """---
title: About
slug: about
visibility: public
---
This is a running journal: an intention before each run, the feelings named along the way, and a few
lines written afterwards.
"""


def toml_string(text: str) -> str:
    """Return text as a TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def yaml_text(text: str) -> str:
    """Return text safe as a YAML scalar on one line."""
    return "'" + text.replace("'", "''") + "'" if text else ""


def create_site(directory: Path, title: str) -> list[Problem]:
    """Write a new site with one entry and an About page; refuse to touch an existing site."""
    if (directory / "site.toml").exists():
        return [error(directory / "site.toml", None, "a site already exists here", "choose an empty folder")]
    if (directory / "content").exists() and any((directory / "content").iterdir()):
        return [error(directory / "content", None, "this folder already has content/", "choose an empty folder")]
    (directory / "content" / "pages").mkdir(parents=True, exist_ok=True)
    (directory / "site.toml").write_text(SITE_TEMPLATE.format(title=toml_string(title)), "utf-8")
    (directory / "content" / "2026-01-01-first-steps.md").write_text(FIRST_ENTRY, "utf-8")
    (directory / "content" / "pages" / "about.md").write_text(ABOUT_PAGE, "utf-8")
    (directory / "content" / "pages" / "help.md").write_text(HELP_PAGE, "utf-8")
    (directory / ".gitignore").write_text("/output/\n/.footfall-cache/\n/.footfall/\n", "utf-8")
    return []


def create_entry(root: Path, title: str, intention: str, *, now: datetime) -> tuple[Path | None, list[Problem]]:
    """Write a new entry file for today under content/YYYY/MM/; never overwrite one."""
    cfg, problems = load_config(root)
    if cfg is None:
        return None, problems
    today = now.astimezone(cfg.tz)
    slug = slugify(title, "run")
    path = cfg.content_dir / f"{today:%Y}" / f"{today:%m}" / f"{today:%Y-%m-%d}-{slug}.md"
    if path.exists():
        return None, [error(path, None, "an entry with this name already exists",
                            "choose another title, or edit the existing file")]
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ENTRY_TEMPLATE.format(title=yaml_text(title), date=today.strftime("%Y-%m-%dT%H:%M:00"),
                                 intention=yaml_text(intention))
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)
    return path, []


# The page the journal's gentle notes link to (docs/reflection.md); `init` writes it for the writer to adapt.
HELP_PAGE = """---
title: When running isn't enough
slug: help
visibility: private
---
Running can carry a lot, but it is not meant to carry everything. If your runs have become the only
time you feel okay, if a low mood stays for weeks, if you keep running on an injury, or if resting
fills you with guilt, it may be time to talk to someone.

- **If you are in danger or might harm yourself, call your local emergency number now.**
- Talk to someone you trust: a friend, a family member, a running partner.
- See your doctor or a mental health professional; they can help you find the right support.
- A crisis line can listen at any hour, for free and without judging.

<!-- Adapt this line to your country: the name and number of a crisis line near you. -->
In my country, the crisis line is: *(write its name and number here)*.

The notes on the Insights page of this journal are patterns in what you wrote, never a diagnosis.
Asking for help is a strong thing to do.
"""
