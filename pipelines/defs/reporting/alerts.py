"""The alert sensor: reads the published copy, raises alerts (SLA breaches, indicators turning amber or red,
mention spikes), applies the cooldown of strategy.yml and delivers them to ANIMATEUR_ALERT_WEBHOOK_URL.
The logic is in ``pipelines/lib/alerts.py``; the alerts are kept in ``settings.alerts_path()``."""


import os

import dagster as dg

from pipelines import settings
from pipelines.lib import alerts as alerts_lib


def _published_version() -> str | None:
    try:
        stat = os.stat(settings.published_path())
    except FileNotFoundError:
        return None
    return f"{stat.st_mtime_ns}:{stat.st_size}:{stat.st_ino}"


@dg.sensor(minimum_interval_seconds=120, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Raises alerts from the published copy (SLA breaches, indicators turning amber/red, "
                       "mention spikes), with a cooldown, and posts them to ANIMATEUR_ALERT_WEBHOOK_URL.")
def community_alerts(context: dg.SensorEvaluationContext):
    """Evaluated when the published copy changes, or while a delivery is still to be retried. The cursor is
    the published file's version."""
    from pipelines.lib.strategy import StrategyError, load_strategy

    version = _published_version()
    if version is None:
        return dg.SkipReason(f"no published copy at {settings.published_path()} yet")
    alerts_path = settings.alerts_path()
    retry_due = any(a.delivery_status in ("pending", "failed") for a in alerts_lib.read_alerts(alerts_path)) \
        if alerts_path.exists() and os.environ.get(alerts_lib.WEBHOOK_ENV) else False
    if context.cursor == version and not retry_due:
        return dg.SkipReason("the published copy has not changed and no delivery is waiting")
    try:
        strategy = load_strategy(settings.strategy_path())
    except StrategyError as exc:
        return dg.SkipReason(f"strategy.yml is invalid, no alert evaluated:\n{exc}")
    evaluation = alerts_lib.evaluate(settings.published_path(), alerts_path, strategy)
    context.update_cursor(version)
    context.log.info(evaluation.summary())
    for alert in evaluation.failed:
        context.log.warning(f"alert {alert.alert_id} not delivered: {alert.last_error}")
    return dg.SkipReason(evaluation.summary())
