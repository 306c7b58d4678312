"""Alerts: SLA breaches, indicators crossing into amber or red, and mention spikes, read from the published copy.

The sensor of ``pipelines/defs/reporting/alerts.py`` calls ``evaluate`` on each tick:

1. **candidates**, computed by DuckDB on the published copy (read-only), within the ``alerts.lookback`` of
   strategy.yml counted back from the data's own latest day (``publication.warehouse_max_date``, no wall clock):
   - ``sla_breach``: one alert per channel and day with conversations whose ``is_sla_breached`` is true
     (observed = breaches that day, threshold = the channel's response SLA in business minutes);
   - ``kpi_status``: an indicator target of ``kpi_attainment`` whose latest complete period (per grain) is amber
     or red and worse than the period before (observed = the value, threshold = the green threshold for amber,
     the amber one for red, from strategy.yml);
   - ``mention_spike``: a day of ``listening_daily`` (when published) flagged ``is_volume_spike`` or
     ``is_negative_spike`` for the brand (observed = mentions, threshold = the mart's threshold);
2. **new** ones only: an ``alert_id`` (rule, indicator, channel, grain, period, and the status for kpi_status)
   already in the alerts file is never raised twice;
3. **cooldown**: a new alert whose (rule, indicator_id, channel_id) was raised less than ``alerts.cooldown`` ago
   (wall clock, ``raised_at``) is kept with ``delivery_status = 'suppressed'`` and not sent;
4. **delivery**: every alert still ``pending`` or ``failed`` is POSTed as JSON to ``ANIMATEUR_ALERT_WEBHOOK_URL``
   (httpx, retried with backoff); a failure is recorded (``failed``, ``last_error``) and retried on the next tick.
   Without a webhook the alerts are kept as ``not_sent``.

The alerts file (``settings.alerts_path()``) is the sensor's own DuckDB file: short-lived connections, retried
while another process (a dashboard) holds it."""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

WEBHOOK_ENV = "ANIMATEUR_ALERT_WEBHOOK_URL"
RULES = ("sla_breach", "kpi_status", "mention_spike")
STATUS_RANK = {"green": 0, "no_data": 0, "amber": 1, "red": 2}
SEVERITY = {"amber": "warning", "red": "critical"}

ALERT_COLUMNS = {
    "alert_id": "varchar primary key",
    "rule": "varchar not null",
    "indicator_id": "varchar",
    "channel_id": "varchar",
    "grain": "varchar",            # day | week | month | quarter
    "period_start": "date",
    "observed_value": "double",
    "threshold": "double",
    "severity": "varchar",         # info | warning | critical
    "message": "varchar",
    "raised_at": "timestamptz",
    "delivered_at": "timestamptz",
    "delivery_status": "varchar",  # pending | delivered | failed | suppressed | not_sent
    "delivery_attempts": "integer",
    "last_error": "varchar",
}
CONNECT_RETRIES = 10


@dataclass
class Alert:
    rule: str
    indicator_id: str
    channel_id: str
    grain: str
    period_start: date
    observed_value: float | None
    threshold: float | None
    severity: str
    message: str
    alert_id: str = ""
    raised_at: datetime | None = None
    delivered_at: datetime | None = None
    delivery_status: str = "pending"
    delivery_attempts: int = 0
    last_error: str | None = None
    key_extra: str = field(default="", repr=False)  # what else makes the alert distinct (kpi_status: the status)

    def __post_init__(self) -> None:
        if not self.alert_id:
            parts = [self.rule, self.indicator_id, self.channel_id, self.grain, self.period_start.isoformat(),
                     self.key_extra]
            self.alert_id = hashlib.sha1(":".join(parts).encode()).hexdigest()[:16]

    @property
    def cooldown_key(self) -> tuple[str, str, str]:
        return (self.rule, self.indicator_id, self.channel_id)

    def payload(self, organisation: str = "") -> dict[str, Any]:
        """The webhook's JSON body (``text`` is what Slack/Mattermost/Teams incoming webhooks show)."""
        body = {k: v for k, v in asdict(self).items() if k in ALERT_COLUMNS and k not in (
            "delivered_at", "delivery_status", "delivery_attempts", "last_error")}
        body["period_start"] = self.period_start.isoformat()
        body["raised_at"] = self.raised_at.isoformat() if self.raised_at else None
        for key in ("observed_value", "threshold"):
            if body[key] is not None and (math.isnan(body[key]) or math.isinf(body[key])):
                body[key] = None
        body["organisation"] = organisation
        body["text"] = f"[{self.severity}] {self.message}"
        return body


# --- the alerts file ----------------------------------------------------------------------------------------------

@contextmanager
def alerts_db(path: Path | str, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived connection to the alerts file (created with its table), retried while it is locked."""
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, CONNECT_RETRIES + 1):
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except duckdb.IOException:
            if attempt == CONNECT_RETRIES:
                raise
            time.sleep(0.2 * attempt)
    try:
        con.execute("set TimeZone = 'UTC'")
        if not read_only:
            columns = ", ".join(f"{name} {ddl}" for name, ddl in ALERT_COLUMNS.items())
            con.execute(f"create table if not exists alerts ({columns})")
        yield con
    finally:
        con.close()


def read_alerts(path: Path | str) -> list[Alert]:
    if not Path(path).exists():
        return []
    with alerts_db(path, read_only=True) as con:
        cursor = con.execute(f"select {', '.join(ALERT_COLUMNS)} from alerts order by raised_at, alert_id")
        columns = [d[0] for d in cursor.description]
        return [Alert(**dict(zip(columns, row, strict=True))) for row in cursor.fetchall()]


def _save(con: duckdb.DuckDBPyConnection, alerts: list[Alert]) -> None:
    if not alerts:
        return
    names = list(ALERT_COLUMNS)
    rows = [tuple(getattr(a, n) for n in names) for a in alerts]
    placeholders = ", ".join("?" for _ in names)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "alert_id")
    con.executemany(f"insert into alerts ({', '.join(names)}) values ({placeholders}) "
                    f"on conflict (alert_id) do update set {updates}", rows)


# --- candidates, from the published copy ---------------------------------------------------------------------------

def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(con.execute("select count(*) from information_schema.tables where table_name = ?",
                            [name]).fetchone()[0])


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _minutes(value: float | None) -> str:
    if value is None:
        return "?"
    hours, minutes = divmod(round(value), 60)
    return f"{hours} h {minutes:02d}" if hours and minutes else (f"{hours} h" if hours else f"{minutes} min")


def sla_breach_candidates(con: duckdb.DuckDBPyConnection, lookback_days: int) -> list[Alert]:
    """One alert per channel and day with SLA breaches, over the lookback."""
    rows = _rows(
        con,
        """
        with horizon as (select max(warehouse_max_date) as last_day from publication)
        select channel_id, started_date as day, count(*) as breaches, max(response_sla_minutes) as sla_minutes
        from fct_conversations, horizon
        where is_sla_breached and started_date > horizon.last_day - ?::integer
        group by channel_id, started_date
        order by started_date, channel_id
        """,
        [lookback_days],
    )
    return [Alert(
        rule="sla_breach", indicator_id="sla_breaches", channel_id=r["channel_id"], grain="day",
        period_start=r["day"], observed_value=float(r["breaches"]), threshold=r["sla_minutes"], severity="warning",
        message=(f"{r['breaches']} conversation(s) on {r['channel_id']} started on {r['day']} breached the "
                 f"{_minutes(r['sla_minutes'])} first-response SLA (business hours)"),
    ) for r in rows]


def kpi_status_candidates(con: duckdb.DuckDBPyConnection, targets: list[tuple]) -> list[Alert]:
    """Indicator targets whose latest complete period (per grain) turned amber or red.

    ``targets``: (objective_id, indicator_id, grain, channel_id, green, amber) from strategy.yml."""
    import pandas as pd

    thresholds = pd.DataFrame(targets, columns=["objective_id", "indicator_id", "grain", "channel_id", "green",
                                                "amber"])
    con.register("alert_thresholds", thresholds)
    try:
        rows = _rows(
            con,
            """
            with horizon as (select max(warehouse_max_date) as last_day from publication),
            periods as (
                select *,
                       case grain when 'week' then period_start + 6
                                  when 'month' then last_day(period_start)
                                  else cast(period_start + interval 3 month - interval 1 day as date)
                       end as period_end,
                       case status when 'red' then 2 when 'amber' then 1 else 0 end as rank,
                       lag(case status when 'red' then 2 when 'amber' then 1 else 0 end) over (
                           partition by objective_id, indicator_id, grain, channel_id order by period_start
                       ) as previous_rank
                from kpi_attainment
            ),
            latest as (
                select grain, max(period_start) as period_start
                from periods, horizon
                where period_end <= horizon.last_day and status <> 'no_data'
                group by grain
            ),
            crossed as (
                select p.*, t.green, t.amber
                from periods as p
                join latest using (grain, period_start)
                left join alert_thresholds as t using (objective_id, indicator_id, grain, channel_id)
                where p.rank > 0 and p.rank > coalesce(p.previous_rank, 0)
            )
            select indicator_id, grain, channel_id, period_start,
                   arg_max(status, rank) as status, any_value(value) as value, any_value(target) as target,
                   arg_max(case when rank = 2 then amber else green end, rank) as threshold,
                   any_value(direction) as direction, string_agg(distinct objective_id, ', ') as objectives
            from crossed
            group by indicator_id, grain, channel_id, period_start
            order by grain, indicator_id, channel_id
            """,
            [],
        )
    finally:
        con.unregister("alert_thresholds")
    alerts = []
    for r in rows:
        side = "below" if r["direction"] == "higher_is_better" else "above"
        alerts.append(Alert(
            rule="kpi_status", indicator_id=r["indicator_id"], channel_id=r["channel_id"], grain=r["grain"],
            period_start=r["period_start"], observed_value=r["value"], threshold=r["threshold"],
            severity=SEVERITY[r["status"]], key_extra=r["status"],
            message=(f"{r['indicator_id']} ({r['channel_id']}, {r['grain']} of {r['period_start']}) turned "
                     f"{r['status']}: {r['value']:.4g}, {side} the {'amber' if r['status'] == 'red' else 'green'} "
                     f"threshold {r['threshold'] if r['threshold'] is None else format(r['threshold'], '.4g')} "
                     f"(target {r['target']:.4g}; objective {r['objectives']})"),
        ))
    return alerts


def mention_spike_candidates(con: duckdb.DuckDBPyConnection, lookback_days: int) -> list[Alert]:
    """Brand mention spikes (volume or negative) of ``listening_daily``, when that mart is published."""
    if not _has_table(con, "listening_daily"):
        return []
    rows = _rows(
        con,
        """
        with horizon as (select max(warehouse_max_date) as last_day from publication)
        select date_day, entity_name, channel_id, 'mention_volume' as indicator_id,
               mentions as observed, volume_threshold as threshold
        from listening_daily, horizon
        where is_volume_spike and entity_type = 'brand' and date_day > horizon.last_day - ?::integer
        union all
        select date_day, entity_name, channel_id, 'negative_mentions' as indicator_id,
               negative_mentions as observed, negative_threshold as threshold
        from listening_daily, horizon
        where is_negative_spike and entity_type = 'brand' and date_day > horizon.last_day - ?::integer
        order by date_day, channel_id, indicator_id
        """,
        [lookback_days, lookback_days],
    )
    return [Alert(
        rule="mention_spike", indicator_id=r["indicator_id"], channel_id=r["channel_id"], grain="day",
        period_start=r["date_day"], observed_value=float(r["observed"]),
        threshold=None if r["threshold"] is None else float(r["threshold"]),
        severity="critical" if r["indicator_id"] == "negative_mentions" else "warning",
        message=(f"{'Negative mentions' if r['indicator_id'] == 'negative_mentions' else 'Mentions'} of "
                 f"{r['entity_name']} spiked on {r['channel_id']} on {r['date_day']}: {r['observed']:.0f} "
                 f"(spike threshold {r['threshold'] if r['threshold'] is None else format(r['threshold'], '.3g')})"),
    ) for r in rows]


def candidates(published_path: Path | str, strategy) -> list[Alert]:
    """Every alert the published copy calls for now, before deduplication and cooldown."""
    settings_ = strategy.alerts
    lookback_days = max(1, math.ceil(settings_.lookback / 1440))
    targets = [(row[0], row[3], row[4], row[5], row[7], row[8])
               for row in strategy.table_rows()["indicator_targets"]]
    for attempt in range(1, CONNECT_RETRIES + 1):
        try:
            con = duckdb.connect(str(published_path), read_only=True)
            break
        except duckdb.IOException:  # the pipeline is swapping the file
            if attempt == CONNECT_RETRIES:
                raise
            time.sleep(0.2 * attempt)
    try:
        found: list[Alert] = []
        if "sla_breach" in settings_.rules:
            found += sla_breach_candidates(con, lookback_days)
        if "kpi_status" in settings_.rules:
            found += kpi_status_candidates(con, targets)
        if "mention_spike" in settings_.rules:
            found += mention_spike_candidates(con, lookback_days)
        return found
    finally:
        con.close()


# --- cooldown and delivery -------------------------------------------------------------------------------------

def apply_cooldown(new: list[Alert], history: list[Alert], cooldown: timedelta, now: datetime) -> list[Alert]:
    """Mark ``new`` alerts raised (``pending``) or ``suppressed``: one per (rule, indicator, channel) per cooldown,
    counting the alerts already raised (not suppressed) in ``history``."""
    last_raised: dict[tuple[str, str, str], datetime] = {}
    for alert in history:
        if alert.delivery_status != "suppressed" and alert.raised_at is not None:
            key = alert.cooldown_key
            last_raised[key] = max(last_raised.get(key, alert.raised_at), alert.raised_at)
    for alert in sorted(new, key=lambda a: (a.period_start, a.rule, a.indicator_id, a.channel_id)):
        alert.raised_at = now
        previous = last_raised.get(alert.cooldown_key)
        if previous is not None and now - previous < cooldown:
            alert.delivery_status = "suppressed"
        else:
            alert.delivery_status = "pending"
            last_raised[alert.cooldown_key] = now
    return new


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, httpx.HTTPStatusError):
        return exc.response.status_code == 429 or exc.response.status_code >= 500
    return isinstance(exc, httpx.TransportError)


def post_alert(client: httpx.Client, url: str, payload: dict[str, Any], *, attempts: int = 3,
               backoff: float = 0.5) -> None:
    """POST one alert as JSON; retried on network errors, 429 and 5xx; raises when it finally fails."""
    for attempt in Retrying(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=backoff, max=5),
                            retry=retry_if_exception(_retryable), reraise=True):
        with attempt:
            response = client.post(url, content=json.dumps(payload, default=str),
                                   headers={"content-type": "application/json"})
            response.raise_for_status()


def deliver(alerts: list[Alert], url: str | None, *, organisation: str = "", now: datetime,
            timeout: float = 10.0, attempts: int = 3, backoff: float = 0.5) -> list[Alert]:
    """Send the alerts (pending or failed) to the webhook; record each outcome on the alert."""
    if not url:
        for alert in alerts:
            alert.delivery_status = "not_sent"
        return alerts
    with httpx.Client(timeout=timeout) as client:
        for alert in alerts:
            alert.delivery_attempts = (alert.delivery_attempts or 0) + 1
            try:
                post_alert(client, url, alert.payload(organisation), attempts=attempts, backoff=backoff)
            except httpx.HTTPError as exc:
                alert.delivery_status, alert.last_error = "failed", f"{type(exc).__name__}: {exc}"[:500]
            else:
                alert.delivery_status, alert.delivered_at, alert.last_error = "delivered", now, None
    return alerts


@dataclass(frozen=True)
class Evaluation:
    raised: list[Alert]
    suppressed: list[Alert]
    delivered: list[Alert]
    failed: list[Alert]

    def summary(self) -> str:
        return (f"{len(self.raised)} alert(s) raised, {len(self.suppressed)} suppressed by the cooldown, "
                f"{len(self.delivered)} delivered, {len(self.failed)} failed (retried next tick)")


def evaluate(published_path: Path | str, alerts_path: Path | str, strategy, *, now: datetime | None = None,
             webhook_url: str | None = None, attempts: int = 3, backoff: float = 0.5) -> Evaluation:
    """One tick: raise the new alerts, apply the cooldown, deliver what is pending or failed, record it all."""
    now = now or datetime.now(UTC)
    url = webhook_url if webhook_url is not None else os.environ.get(WEBHOOK_ENV) or None
    history = read_alerts(alerts_path)
    known = {a.alert_id for a in history}
    seen: set[str] = set()
    new = []
    for alert in candidates(published_path, strategy):
        if alert.alert_id not in known and alert.alert_id not in seen:
            seen.add(alert.alert_id)
            new.append(alert)
    apply_cooldown(new, history, timedelta(minutes=strategy.alerts.cooldown), now)
    to_send = [a for a in history if a.delivery_status in ("pending", "failed")] + \
              [a for a in new if a.delivery_status == "pending"]
    if not url:  # kept in the file, nothing sent; a webhook configured later sends only what is raised after
        to_send = [a for a in to_send if a.delivery_status == "pending"]
    # record the raised alerts first: a crash during delivery must not raise them again
    with alerts_db(alerts_path) as con:
        _save(con, new)
    deliver(to_send, url, organisation=strategy.organisation.name, now=now, attempts=attempts, backoff=backoff)
    with alerts_db(alerts_path) as con:
        _save(con, to_send)
    return Evaluation(
        raised=[a for a in new if a.delivery_status != "suppressed"],
        suppressed=[a for a in new if a.delivery_status == "suppressed"],
        delivered=[a for a in to_send if a.delivery_status == "delivered"],
        failed=[a for a in to_send if a.delivery_status == "failed"],
    )
