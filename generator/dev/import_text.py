"""The text of an imported entry: the figures the recording gives, and room for the writer's own words."""

from __future__ import annotations

import json
from datetime import datetime

from generator import units
from generator.config import SiteConfig
from generator.recordings.model import HIKE, WALK, Activity

PROMPT = """\
<!-- Imported from {name}. The watch knows the distance; only you know how it felt.
     Before you write: what did you set out with (the intention above)?
     Name a feeling or two in `emotions`, then say what the run was like, in a few lines or many. -->
"""


def title_for(activity: Activity, local: datetime) -> str:
    """Return the recording's or export's name, else "Morning run", "Evening run"... by the hour."""
    if activity.title.strip():
        return " ".join(activity.title.split())
    noun = {WALK: "walk", HIKE: "hike"}.get(activity.sport, "run")
    hour = local.hour
    part = ("Morning" if 5 <= hour < 12 else "Afternoon" if 12 <= hour < 17
            else "Evening" if 17 <= hour < 22 else "Night")
    return f"{part} {noun}"


def entry_text(activity: Activity, local: datetime, title: str, slug: str, recording: str, cfg: SiteConfig) -> str:
    """Return the Markdown of an imported entry."""
    lines = [f"title: {json.dumps(title, ensure_ascii=False)}", f"date: {local.isoformat(timespec='seconds')}"]
    if activity.distance_m:
        lines.append(f"distance: {activity.distance_m / units.METRES_PER_UNIT[cfg.units]:.2f} {cfg.units}")
    if activity.moving_s:
        lines.append(f'duration: "{units.format_duration(round(activity.moving_s))}"')
    if activity.elapsed_s:
        lines.append(f'elapsed: "{units.format_duration(round(activity.elapsed_s))}"')
    if activity.elevation_gain_m is not None and activity.distance_m:
        lines.append(f"elevation_gain: {round(activity.elevation_gain_m)} m")
    if activity.avg_heart_rate:
        lines.append(f"avg_heart_rate: {activity.avg_heart_rate}")
    lines += [f"route: {json.dumps(recording)}", f"slug: {slug}", f"visibility: {cfg.default_visibility}",
              'intention: ""', "emotions: []"]
    if activity.sport in (WALK, HIKE):
        lines.append(f"tags: [{activity.sport}]")
    body = PROMPT.format(name=recording)
    if activity.description.strip():
        body += "\n" + activity.description.strip() + "\n"
    return "---\n" + "\n".join(lines) + "\n---\n" + body
