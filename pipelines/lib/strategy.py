"""The community strategy, as data: ``strategy.yml``.

"Build a strategy, define relevant indicators": the file says who the organisation is, where it speaks, whom
it listens to, and what it wants to achieve, job by job, as indicators with targets and green/amber/red
thresholds. The ``strategy/*`` Dagster asset loads it into the warehouse (schema ``strategy``), where
``kpi_attainment`` compares every value of ``kpi_values`` with its target.

Schema (every key below is the complete list: an unknown key is an error, with a suggestion)::

    organisation:                       # required
      name: Maison Lumière
      field: luxury_brand               # cause | media | work | luxury_brand | group: picks the preset
      timezone: Europe/Paris            # an IANA zone (zoneinfo)
      default_language: fr              # ISO 639-1, optionally with a region (fr, en-GB)
    use_preset: true                    # optional (default true): false keeps only this file's objectives
    business_hours:                     # required: when the team answers (response times in business hours)
      days: [mon, tue, wed, thu, fri]   # mon..sun
      opens: "09:00"                    # HH:MM, local time of organisation.timezone (quote it)
      closes: "18:00"                   # after opens
      holidays: [2026-05-01]            # optional: days closed
    channels:                           # required: the channels the strategy steers and reports on; ids of
                                        # dbt_project/seeds/channels.csv (facebook, x, instagram, youtube,
                                        # linkedin, mastodon, blog, zendesk): dim_channels is these
      facebook: {response_sla: 2h}      # first response SLA: a duration, "30min", "2h", "1d", "1h30min"
      x: {response_sla: 1h}
      blog: {}                          # no SLA: nothing to answer there
      zendesk: {response_sla: 8h, resolution_sla: 2d}   # resolution SLA: needs a response SLA
    brand:                              # required: what listening tracks as the brand
      name: Maison Lumière
      keywords: [maison lumière, "@maisonlumiere", maisonlumiere.example]
    competitors:                        # optional
      - {name: Bougies Céleste, keywords: [bougies céleste, "@bougiesceleste"]}
    objectives:                         # optional: added to the preset's, or replacing the one with the same id
      - id: engage_the_community        # unique, snake_case
        job: marketing                  # marketing | public_relations | customer_service |
                                        # business_development | internal_communication
        title: Faire vivre la communauté
        indicators:                     # at least one
          - indicator: engagement_rate_by_reach   # an indicator_id of dbt_project/seeds/indicator_catalog.csv
            grain: month                # week | month | quarter
            channel: all                # a channel declared above, or all (default)
            target: 0.06                # the value aimed at, in the indicator's unit (a ratio: 0.06 = 6 %)
            green: 0.06                 # status thresholds, ordered by the indicator's direction:
            amber: 0.045                # higher_is_better: green > amber; lower_is_better: green < amber
    alerts:                             # optional: the alert sensor (README, "Reports and alerts")
      cooldown: 24h                     # default 24h: one alert per (rule, indicator, channel) in that time
      lookback: 2d                      # default 2d: breaches and spikes older than that (in data time) raise none
      rules: [sla_breach, kpi_status, mention_spike]   # default: all three
    reports:                            # optional: the report documents
      language: en                      # default organisation.default_language (fr or en)
    team:                               # optional: the team's own people, kept out of community metrics
      - name: Camille                   # (README, "Members and community health")
        email: camille@example.org      # optional: an e-mail the team member writes from
        accounts: {x: camille_ml, zendesk: "9000000001"}   # optional: channel -> account id or handle
    privacy:                            # optional: how long personal data stays (README, "Text retention")
      text_retention_days: 730          # default 730 (two years); null keeps message texts for ever
    internal:                           # optional: the internal chat (README, "Internal communication")
      announcement_channels: [annonces, C0123ANNONCE]   # Slack/Mattermost channel names (no '#') or ids

Durations are read as minutes (``1d`` is 1,440 minutes) and SLAs are counted in business minutes, inside
``business_hours`` (``fct_conversations.is_sla_breached``): write a one-business-day SLA as ``9h`` for 09:00–18:00.
A value reaching ``green`` is green, one
reaching ``amber`` is amber, anything else red ("reaching": at least for higher_is_better, at most for
lower_is_better).

The presets (``strategy_presets/<field>.yml``) hold objectives only, in the same shape. ``organisation.field``
picks one; the file's objectives are added to the preset's, and an objective with a preset objective's id
replaces it (in place).

``load_strategy`` reads the file once with line numbers (the YAML node marks) and validates everything in one
pass, so every mistake is reported at once, each as ``<file>:<line>: <what is wrong>`` (a ``StrategyError``
lists them).
"""

from __future__ import annotations

import csv
import difflib
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from pipelines import settings

JOBS = ("marketing", "public_relations", "customer_service", "business_development", "internal_communication")
FIELDS = ("cause", "media", "work", "luxury_brand", "group")
GRAINS = ("week", "month", "quarter")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # ISO order: mon = 1
DIRECTIONS = ("higher_is_better", "lower_is_better")
ALL_CHANNELS = "all"

PRESETS_DIR = Path(__file__).resolve().parent / "strategy_presets"
CATALOG_PATH = settings.DBT_PROJECT_DIR / "seeds" / "indicator_catalog.csv"
CHANNELS_PATH = settings.DBT_PROJECT_DIR / "seeds" / "channels.csv"

Job = Literal["marketing", "public_relations", "customer_service", "business_development", "internal_communication"]
OrganisationField = Literal["cause", "media", "work", "luxury_brand", "group"]
Grain = Literal["week", "month", "quarter"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


# --- the indicator catalog -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogIndicator:
    """What the validator needs of a catalog row."""

    indicator_id: str
    direction: str
    job: str = ""
    unit: str = ""
    label: str = ""


def load_catalog(path: Path | str = CATALOG_PATH) -> dict[str, CatalogIndicator]:
    """The indicators that exist: the rows of the dbt seed ``indicator_catalog.csv``."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["indicator_id"]: CatalogIndicator(
                indicator_id=row["indicator_id"], direction=row["direction"], job=row.get("job") or "",
                unit=row.get("unit") or "", label=row.get("label") or "",
            )
            for row in csv.DictReader(handle)
            if row.get("indicator_id")
        }


def load_reportable_channels(path: Path | str = CHANNELS_PATH) -> list[str]:
    """The channels Animateur can report on: the ids of the dbt seed ``channels.csv``, in its display order."""
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("channel_id")]
    return [row["channel_id"] for row in sorted(rows, key=lambda row: int(row.get("sort_order") or 0))]


# --- value types -----------------------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*d)?\s*(?:(\d+(?:\.\d+)?)\s*h)?\s*(?:(\d+(?:\.\d+)?)\s*min)?\s*$")


def parse_duration(value: Any) -> float:
    """``"2h"``, ``"30min"``, ``"1d"``, ``"1h30min"`` -> minutes (a day is 24 hours)."""
    match = _DURATION.match(value) if isinstance(value, str) else None
    if not match or not any(match.groups()):
        raise ValueError(f'{value!r} is not a duration: write it like "30min", "2h", "1d" or "1h30min"')
    days, hours, minutes = (float(g) if g else 0.0 for g in match.groups())
    total = days * 1440 + hours * 60 + minutes
    if total <= 0:
        raise ValueError(f"{value!r}: a duration must be longer than 0")
    return total


def format_duration(minutes: float) -> str:
    """Minutes -> the shortest duration ``parse_duration`` reads back: 120 -> ``"2h"``, 2880 -> ``"2d"``."""
    days, rest = divmod(minutes, 1440)
    hours, rest = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (rest, "min")]
    return "".join(f"{value:g}{unit}" for value, unit in parts if value) or "0min"


def _reportable_channel(value: str, info: ValidationInfo) -> str:
    # a declared channel Animateur has no data of would silently report nothing: name the ones it knows
    known = (info.context or {}).get("reportable_channels")
    if known is not None and value not in known:
        close = difflib.get_close_matches(value, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ValueError(f"unknown channel {value!r}{hint}: Animateur reports on {', '.join(known)}")
    return value


def _parse_clock(value: Any) -> time:
    if isinstance(value, int) and not isinstance(value, bool):  # YAML 1.1 reads 9:00 as 540 (base 60)
        # pydantic reports a ValueError (not a TypeError) as a validation error
        raise ValueError('write the time in quotes, as "HH:MM" (e.g. "09:00")')  # noqa: TRY004
    if isinstance(value, str) and re.fullmatch(r"\d{1,2}:\d{2}", value.strip()):
        hours, minutes = (int(part) for part in value.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    raise ValueError(f'{value!r} is not a time: write it as "HH:MM", e.g. "09:00"')


Duration = Annotated[float, BeforeValidator(parse_duration)]
Clock = Annotated[time, BeforeValidator(_parse_clock)]


def _none_as_empty(value: Any) -> Any:
    return {} if value is None else value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- the file's sections -----------------------------------------------------------------------------------------

class Organisation(_Model):
    name: str = Field(min_length=1)
    field: OrganisationField
    timezone: str
    default_language: str = "fr"

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(value, sorted(available_timezones()), n=1)
            hint = f" (did you mean {close[0]}?)" if close else " (an IANA zone, e.g. Europe/Paris)"
            raise ValueError(f"unknown timezone {value!r}{hint}") from None
        return value

    @field_validator("default_language")
    @classmethod
    def _language_code(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", value):
            raise ValueError(f"{value!r} is not a language code (ISO 639-1: fr, en, en-GB)")
        return value


class BusinessHours(_Model):
    days: list[Weekday] = Field(min_length=1)
    opens: Clock
    closes: Clock
    holidays: list[date] = []

    @field_validator("closes")
    @classmethod
    def _after_opening(cls, value: time, info: ValidationInfo) -> time:
        opens = info.data.get("opens")
        if opens is not None and value <= opens:
            raise ValueError(f"closes at {value:%H:%M}, not after it opens ({opens:%H:%M})")
        return value

    @field_validator("days")
    @classmethod
    def _distinct_days(cls, value: list[str]) -> list[str]:
        repeated = sorted({d for d in value if value.count(d) > 1}, key=WEEKDAYS.index)
        if repeated:
            raise ValueError(f"days repeated: {', '.join(repeated)}")
        return value


class Channel(_Model):
    response_sla: Duration | None = None
    resolution_sla: Duration | None = None

    @field_validator("resolution_sla")
    @classmethod
    def _needs_response_sla(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is not None and "response_sla" in info.data and info.data["response_sla"] is None:
            raise ValueError("a resolution SLA needs a response_sla too")
        return value


class TrackedEntity(_Model):
    name: str = Field(min_length=1)
    keywords: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1)


class IndicatorTarget(_Model):
    indicator: str
    grain: Grain
    channel: str = ALL_CHANNELS
    target: float
    green: float
    amber: float

    @field_validator("indicator")
    @classmethod
    def _in_catalog(cls, value: str, info: ValidationInfo) -> str:
        catalog = (info.context or {}).get("catalog")
        if catalog is not None and value not in catalog:
            close = difflib.get_close_matches(value, sorted(catalog), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ValueError(f"unknown indicator {value!r}{hint}: not in the indicator catalog")
        return value

    @field_validator("channel")
    @classmethod
    def _declared_channel(cls, value: str, info: ValidationInfo) -> str:
        channels = (info.context or {}).get("channels")
        if channels is not None and value != ALL_CHANNELS and value not in channels:
            declared = ", ".join([*channels, ALL_CHANNELS])
            raise ValueError(f"unknown channel {value!r}: declare it under channels (declared: {declared})")
        return value

    @field_validator("amber")
    @classmethod
    def _thresholds_in_order(cls, amber: float, info: ValidationInfo) -> float:
        catalog = (info.context or {}).get("catalog") or {}
        indicator, green = catalog.get(info.data.get("indicator")), info.data.get("green")
        if indicator is None or green is None:
            return amber
        if indicator.direction == "higher_is_better" and not green > amber:
            raise ValueError(f"thresholds in the wrong order: {indicator.indicator_id} is higher_is_better, "
                             f"so green ({green:g}) must be above amber ({amber:g})")
        if indicator.direction == "lower_is_better" and not green < amber:
            raise ValueError(f"thresholds in the wrong order: {indicator.indicator_id} is lower_is_better, "
                             f"so green ({green:g}) must be below amber ({amber:g})")
        return amber


class Objective(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    job: Job
    title: str = Field(min_length=1)
    indicators: list[IndicatorTarget] = Field(min_length=1)


ALERT_RULES = ("sla_breach", "kpi_status", "mention_spike")


class Alerts(_Model):
    """``alerts:``: what the alert sensor raises (``pipelines/lib/alerts.py``). Every key is optional."""

    cooldown: Duration = 1440.0     # minutes: a repeat of the same (rule, indicator, channel) is suppressed
    lookback: Duration = 2880.0     # minutes of data, back from the data's latest day, that can still raise
    rules: list[Literal["sla_breach", "kpi_status", "mention_spike"]] = list(ALERT_RULES)


class Reports(_Model):
    """``reports:``: the report documents (``pipelines/lib/reports``). Every key is optional."""

    language: str | None = None  # fr | en: overrides organisation.default_language (env ANIMATEUR_REPORT_LANGUAGE wins)

    @field_validator("language")
    @classmethod
    def _report_language_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", value):
            raise ValueError(f"{value!r} is not a language code (ISO 639-1: fr, en, en-GB)")
        return value


class TeamMember(_Model):
    """``team:``: a person of the team; their accounts are teammates, kept out of community metrics."""

    name: str = Field(min_length=1)
    email: str | None = None
    accounts: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")],
                   Annotated[str, Field(min_length=1)]] = {}

    @field_validator("email")
    @classmethod
    def _email_shape(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value.strip()):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value.strip().lower() if value is not None else None

    @field_validator("accounts", mode="before")
    @classmethod
    def _accounts_as_text(cls, value: Any) -> Any:
        # an account id written as a number (zendesk: 9000000001) is the same id as text
        return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else value


class Privacy(_Model):
    """``privacy:``: how long message texts stay (``pipelines/defs/privacy/text_retention.py``)."""

    # days after publication; None keeps every text (scores, matches and aggregates stay either way)
    text_retention_days: int | None = Field(default=730, ge=1)


class Internal(_Model):
    """``internal:``: the internal chat (Slack, Mattermost, imported internal messages). Every key is optional."""

    # channels whose top-level messages are announcements: a channel name (without '#') or a channel id
    announcement_channels: list[Annotated[str, Field(min_length=1)]] = []


class Strategy(_Model):
    """A validated strategy; ``objectives`` are the merged ones (preset + file) once loaded."""

    organisation: Organisation
    use_preset: bool = True
    business_hours: BusinessHours
    channels: Annotated[dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$"), AfterValidator(_reportable_channel)],
                             Annotated[Channel, BeforeValidator(_none_as_empty)]], Field(min_length=1)]
    brand: TrackedEntity
    competitors: list[TrackedEntity] = []
    objectives: list[Objective] = []
    alerts: Alerts = Alerts()
    reports: Reports = Reports()
    team: list[TeamMember] = []
    privacy: Privacy = Privacy()
    internal: Internal = Internal()

    _path: Path | None = PrivateAttr(default=None)
    _preset_path: Path | None = PrivateAttr(default=None)
    _from_preset: frozenset[str] = PrivateAttr(default=frozenset())
    _catalog: Mapping[str, CatalogIndicator] = PrivateAttr(default_factory=dict)

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def preset_path(self) -> Path | None:
        return self._preset_path

    @property
    def objectives_from_preset(self) -> frozenset[str]:
        """Ids of the objectives that come from the preset (not replaced by the file)."""
        return self._from_preset

    def direction(self, indicator_id: str) -> str:
        return self._catalog[indicator_id].direction

    def summary(self) -> str:
        targets = sum(len(o.indicators) for o in self.objectives)
        jobs = sorted({o.job for o in self.objectives}, key=JOBS.index)
        preset = f"{len(self._from_preset)} from the {self.organisation.field} preset" if self._preset_path \
            else "no preset"
        return "\n".join([
            f"organisation: {self.organisation.name} ({self.organisation.field}, {self.organisation.timezone})",
            f"channels: {', '.join(self._channel_summary(c) for c in self.channels)}",
            (f"listening: {self.brand.name} and {len(self.competitors)} competitor(s), "
             f"{sum(len(e.keywords) for _, e in self.tracked_entities())} keyword(s)"),
            f"objectives: {len(self.objectives)} ({preset}), {targets} indicator targets; jobs: {', '.join(jobs)}",
        ])

    def _channel_summary(self, channel_id: str) -> str:
        channel = self.channels[channel_id]
        slas = [f"{label} {format_duration(minutes)}" for label, minutes in (
            ("response", channel.response_sla), ("resolution", channel.resolution_sla)) if minutes is not None]
        return f"{channel_id} ({', '.join(slas)})" if slas else channel_id

    def tracked_entities(self) -> list[tuple[str, TrackedEntity]]:
        return [("brand", self.brand), *(("competitor", c) for c in self.competitors)]

    def table_rows(self) -> dict[str, list[tuple]]:
        """The rows of every table of ``STRATEGY_TABLES``, in their column order."""
        org, hours = self.organisation, self.business_hours
        return {
            "indicator_targets": [
                (o.id, o.title, o.job, t.indicator, t.grain, t.channel, t.target, t.green, t.amber,
                 self.direction(t.indicator))
                for o in self.objectives for t in o.indicators
            ],
            # the channels reported on (dim_channels), in the file's order
            "channels": [(channel_id,) for channel_id in self.channels],
            "response_slas": [
                (channel_id, c.response_sla, c.resolution_sla)
                for channel_id, c in self.channels.items() if c.response_sla is not None
            ],
            "listening_keywords": [
                (entity.name, entity_type, keyword)
                for entity_type, entity in self.tracked_entities() for keyword in entity.keywords
            ],
            "business_hours": [
                (WEEKDAYS.index(day) + 1, hours.opens, hours.closes, org.timezone)
                for day in sorted(hours.days, key=WEEKDAYS.index)
            ],
            "holidays": [(day,) for day in sorted(set(hours.holidays))],
            "organisation": [(org.name, org.field, org.timezone, org.default_language)],
            # one row per account of a team member (handles without '@', lowercased), one with no account
            # when the member has none (their e-mail alone)
            "team": [
                (person.name, channel_id, account.strip().lstrip("@").lower(), person.email)
                for person in self.team for channel_id, account in sorted(person.accounts.items())
            ] + [(person.name, None, None, person.email) for person in self.team if not person.accounts],
            # a channel name without '#', or an id (matched case-insensitively on either)
            "announcement_channels": sorted({
                (channel.strip().lstrip("#"),) for channel in self.internal.announcement_channels
            }),
        }


class Preset(_Model):
    """A preset file: objectives proposed for one field."""

    field: OrganisationField
    description: str
    objectives: list[Objective] = Field(min_length=1)


# The warehouse tables (schema ``strategy``, dbt source ``strategy``): column name -> DuckDB type.
STRATEGY_TABLES: dict[str, dict[str, str]] = {
    "indicator_targets": {
        "objective_id": "varchar", "objective_title": "varchar", "job": "varchar", "indicator_id": "varchar",
        "grain": "varchar", "channel_id": "varchar", "target": "double", "green_threshold": "double",
        "amber_threshold": "double", "direction": "varchar",
    },
    "channels": {"channel_id": "varchar"},
    "response_slas": {"channel_id": "varchar", "first_response_minutes": "double", "resolution_minutes": "double"},
    "listening_keywords": {"entity_name": "varchar", "entity_type": "varchar", "keyword": "varchar"},
    "business_hours": {"weekday": "integer", "opens_at": "time", "closes_at": "time", "timezone": "varchar"},
    "holidays": {"holiday": "date"},
    "organisation": {"name": "varchar", "field": "varchar", "timezone": "varchar", "default_language": "varchar"},
    "team": {"name": "varchar", "channel_id": "varchar", "account": "varchar", "email": "varchar"},
    "announcement_channels": {"channel": "varchar"},
}


# --- errors, with their lines -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StrategyIssue:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class StrategyError(ValueError):
    """Everything wrong with a strategy file (and its preset), one issue per mistake, in line order."""

    def __init__(self, issues: list[StrategyIssue]):
        self.issues = sorted(issues, key=lambda i: (str(i.file), i.line))
        super().__init__("\n".join(str(i) for i in self.issues))


Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """Safe YAML, except that dates stay text: pydantic reads them, and reports a wrong one with its line."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Document:
    """A YAML file, its data, and the line of every key and list item (1-based)."""

    def __init__(self, path: Path):
        self.path = path
        self.lines: dict[Path_, int] = {(): 1}
        self.issues: list[StrategyIssue] = []
        text = path.read_text(encoding="utf-8")
        try:
            loader = _Loader(text)
            try:
                node = loader.get_single_node()
                self.data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            self.data = None
            self.issues.append(StrategyIssue(path, mark.line + 1 if mark else 1,
                                             f"not valid YAML: {exc.problem or exc.context}"))
            return
        if node is not None:
            self._index(node, ())
        if not isinstance(self.data, dict):
            self.issues.append(StrategyIssue(path, 1, "expected a mapping of sections (organisation:, channels:, ...)"))
            self.data = None

    def _index(self, node: yaml.Node, path: Path_) -> None:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key, line = str(key_node.value), key_node.start_mark.line + 1
                if key in seen:
                    self.issues.append(StrategyIssue(self.path, line, f"{_at(path)}"
                                                     f"duplicate key {key!r} (first at line {seen[key]})"))
                    continue
                seen[key] = line
                self.lines[(*path, key)] = line
                self._index(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.lines[(*path, index)] = item.start_mark.line + 1
                self._index(item, (*path, index))

    def line(self, loc: Path_) -> int:
        """The line of ``loc``, else of its nearest ancestor in the file (a missing key: its parent)."""
        loc = tuple(part if isinstance(part, int) else str(part) for part in loc)
        while loc not in self.lines:
            loc = loc[:-1]
        return self.lines[loc]

    def issue(self, loc: Path_, message: str) -> None:
        self.issues.append(StrategyIssue(self.path, self.line(loc), message))


def _where(path: Path_, key: str | None = None) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    if key is not None:
        text = f"{text}.{key}" if text else key
    return text


def _at(path: Path_, key: str | None = None) -> str:
    """``"<where>: "``, or nothing at the top of the file."""
    where = _where(path, key)
    return f"{where}: " if where else ""


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            tp = next(a for a in typing.get_args(tp) if a is not type(None))
        else:
            return tp


def _type_at(root: type[BaseModel], loc: Path_) -> Any:
    """The annotation of the value at ``loc`` in ``root`` (None when ``loc`` leaves the schema)."""
    tp: Any = root
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if part not in tp.model_fields:
                return None
            tp = tp.model_fields[part].annotation
        elif typing.get_origin(tp) is list:
            tp = typing.get_args(tp)[0]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    return tp


def _message(root: type[BaseModel], error: Mapping[str, Any]) -> str:
    loc = tuple(part for part in error["loc"] if part != "[key]")  # pydantic's marker of a dict key's error
    kind, value = error["type"], error.get("input")
    if kind == "missing":
        return f"{_at(loc[:-1])}missing {loc[-1]!r}"
    if kind == "extra_forbidden":
        parent = _unwrap(_type_at(root, loc[:-1]))
        known = list(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
        return f"{_at(loc[:-1])}unknown key {loc[-1]!r} ({hint})"
    if kind == "literal_error":
        allowed = [str(a) for a in typing.get_args(_unwrap(_type_at(root, loc)))]
        close = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"{_at(loc)}{value!r} is not one of {', '.join(allowed)}{hint}"
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_pattern_mismatch":
        message = f"{value!r} must be lower-case letters, digits and underscores (snake_case)"
    elif kind.startswith("date_"):
        message = f"{value!r} is not a date (YYYY-MM-DD)"
    elif kind in ("float_parsing", "float_type"):
        message = f"{value!r} is not a number"
    return f"{_at(loc)}{message}"


def _validate(document: _Document, model: type[BaseModel], context: dict[str, Any]) -> BaseModel | None:
    try:
        return model.model_validate(document.data, context=context)
    except ValidationError as exc:
        for error in exc.errors():
            document.issue(tuple(error["loc"]), _message(model, error))
        return None


def _check_unique(document: _Document, data: Any) -> None:
    """What pydantic sees item by item: ids, keywords and targets that appear twice."""
    objectives = data.get("objectives") if isinstance(data, dict) else None
    seen_ids: dict[str, int] = {}
    for index, objective in enumerate(objectives if isinstance(objectives, list) else []):
        if not isinstance(objective, dict):
            continue
        if isinstance(objective.get("id"), str):
            objective_id, loc = objective["id"], ("objectives", index, "id")
            if objective_id in seen_ids:
                document.issue(loc, f"{_where(loc)}: duplicate objective id {objective_id!r} (first at line {seen_ids[objective_id]})")
            else:
                seen_ids[objective_id] = document.line(loc)
        targets: dict[tuple, int] = {}
        indicators = objective.get("indicators")
        for position, target in enumerate(indicators if isinstance(indicators, list) else []):
            if not isinstance(target, dict):
                continue
            key = (target.get("indicator"), target.get("grain"), target.get("channel", ALL_CHANNELS))
            loc = ("objectives", index, "indicators", position)
            if key in targets:
                document.issue(loc, f"{_where(loc)}: {key[0]} by {key[1]} on {key[2]} appears twice in the "
                                    f"objective (first at line {targets[key]})")
            else:
                targets[key] = document.line(loc)
    if not isinstance(data, dict):
        return
    keywords: dict[str, tuple[str, int]] = {}
    competitors = data.get("competitors") if isinstance(data.get("competitors"), list) else []
    entities = [(("brand",), data.get("brand")), *((("competitors", i), c) for i, c in enumerate(competitors))]
    for entity_loc, entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("keywords"), list):
            continue
        for position, keyword in enumerate(entity["keywords"]):
            if not isinstance(keyword, str):
                continue
            folded, loc = _fold(keyword), (*entity_loc, "keywords", position)
            if folded in keywords:
                name, line = keywords[folded]
                document.issue(loc, f"{_where(loc)}: keyword {keyword!r} already names {name} (line {line}): "
                                    "a keyword must name one brand or competitor")
            else:
                keywords[folded] = (str(entity.get("name")), document.line(loc))


def _fold(keyword: str) -> str:
    """Keywords match without case nor accents: two keywords equal once folded are the same."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", keyword.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def preset_path(field: str) -> Path:
    return PRESETS_DIR / f"{field}.yml"


def _merge(preset: list[Objective], own: list[Objective]) -> tuple[list[Objective], frozenset[str]]:
    mine = {o.id: o for o in own}
    merged = [mine.get(o.id, o) for o in preset]
    merged += [o for o in own if o.id not in {p.id for p in preset}]
    return merged, frozenset(o.id for o in preset if o.id not in mine)


def load_strategy(path: Path | str, catalog: Mapping[str, CatalogIndicator] | Path | str | None = None,
                  reportable_channels: list[str] | Path | str | None = None) -> Strategy:
    """Read and validate a strategy file and its preset; raise ``StrategyError`` listing every mistake.

    ``catalog``: the indicators that exist (default: ``dbt_project/seeds/indicator_catalog.csv``);
    ``reportable_channels``: the channels that can be declared (default: ``dbt_project/seeds/channels.csv``)."""
    path = Path(path)
    if catalog is None or isinstance(catalog, (str, Path)):
        catalog = load_catalog(catalog or CATALOG_PATH)
    if reportable_channels is None or isinstance(reportable_channels, (str, Path)):
        reportable_channels = load_reportable_channels(reportable_channels or CHANNELS_PATH)
    if not path.is_file():
        raise StrategyError([StrategyIssue(path, 1, "no such file")])
    document = _Document(path)
    if document.data is None:
        raise StrategyError(document.issues)
    raw_channels = document.data.get("channels")
    context = {"catalog": catalog, "channels": list(raw_channels) if isinstance(raw_channels, dict) else None,
               "reportable_channels": list(reportable_channels)}
    _check_unique(document, document.data)
    strategy = _validate(document, Strategy, context)
    issues = list(document.issues)

    preset_objectives: list[Objective] = []
    field = (document.data.get("organisation") or {}).get("field") if isinstance(
        document.data.get("organisation"), dict) else None
    chosen_preset = preset_path(field) if field in FIELDS and document.data.get("use_preset", True) is not False \
        else None
    if chosen_preset is not None:
        preset_document = _Document(chosen_preset)
        if preset_document.data is not None:
            _check_unique(preset_document, preset_document.data)
            preset = _validate(preset_document, Preset, context)
            if preset is not None:
                preset_objectives = preset.objectives
        issues += preset_document.issues
    if issues or strategy is None:
        raise StrategyError(issues)

    objectives, from_preset = _merge(preset_objectives, strategy.objectives)
    merged = strategy.model_copy(update={"objectives": objectives})
    merged._path, merged._preset_path, merged._from_preset = path, chosen_preset, from_preset
    merged._catalog = catalog
    return merged


# --- `animateur strategy init` -------------------------------------------------------------------------------------

STARTER = """\
# strategy.yml: the community strategy Animateur measures (see the README, "Strategy").
# Check it with `animateur strategy check <file>`.
organisation:
  name: {name}
  field: {field}
  timezone: Europe/Paris
  default_language: fr

business_hours:
  days: [mon, tue, wed, thu, fri]
  opens: "09:00"
  closes: "18:00"
  holidays: []

channels:
  facebook: {{response_sla: 2h}}
  x: {{response_sla: 1h}}
  blog: {{}}
  zendesk: {{response_sla: 8h, resolution_sla: 2d}}

brand:
  name: {name}
  keywords: [{keyword}]

competitors: []

# The objectives of the {field} preset. They apply even when left out of this file: keep here the ones whose
# targets you change (an objective replaces the preset's with the same id), and add your own.
"""


def starter_file(field: str, name: str = "My organisation") -> str:
    """A complete strategy file to start from: placeholders for the organisation, the preset's objectives."""
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}: one of {', '.join(FIELDS)}")
    preset = preset_path(field).read_text(encoding="utf-8")
    objectives = preset[preset.index("\nobjectives:") + 1:]
    return STARTER.format(name=name, field=field, keyword=name.lower()) + objectives


# --- the warehouse tables ----------------------------------------------------------------------------------------

def write_tables(con, strategy: Strategy, schema: str = "strategy") -> dict[str, int]:
    """Replace every table of ``STRATEGY_TABLES`` with the strategy's rows, in one transaction (a reader never
    sees half a strategy). Returns the row count of each table."""
    rows = strategy.table_rows()
    con.execute("begin transaction")
    try:
        con.execute(f"create schema if not exists {schema}")
        for table, columns in STRATEGY_TABLES.items():
            ddl = ", ".join(f"{name} {sql_type}" for name, sql_type in columns.items())
            con.execute(f"create or replace table {schema}.{table} ({ddl})")
            if rows[table]:
                placeholders = ", ".join("?" for _ in columns)
                con.executemany(f"insert into {schema}.{table} values ({placeholders})", rows[table])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return {table: len(table_rows) for table, table_rows in rows.items()}
