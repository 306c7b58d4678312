"""Report documents: each week's, month's and quarter's report as a standalone HTML file (Jinja2 templates,
inline CSS, inline SVG charts: nothing fetched, no JavaScript) and a PDF printed from it by headless Chromium.

    build_report("weekly", date(2026, 6, 22)) -> <reports_dir>/weekly/2026-06-22.html and .pdf

The figures come from the published copy (``data.py``); the words and number formats from ``i18n.py``."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from pipelines import settings
from pipelines.lib.reports import charts, data
from pipelines.lib.reports.i18n import LANGUAGES, Formatter, language_of
from pipelines.lib.reports.periods import GRAIN_OF, KINDS, parse_period, period_end

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
PDF_TIMEOUT_SECONDS = 120

__all__ = ["KINDS", "ReportFiles", "build_report", "parse_period", "render_html", "report_language"]


@dataclass(frozen=True)
class ReportFiles:
    kind: str
    period_start: date
    language: str
    html: Path
    pdf: Path | None


def report_language(strategy=None) -> str:
    """``ANIMATEUR_REPORT_LANGUAGE``, else ``reports.language`` of strategy.yml, else
    ``organisation.default_language``; fr or en."""
    if os.environ.get("ANIMATEUR_REPORT_LANGUAGE"):
        return language_of(os.environ["ANIMATEUR_REPORT_LANGUAGE"])
    if strategy is None:
        return "fr"
    reports = getattr(strategy, "reports", None)
    return language_of((reports.language if reports is not None else None)
                       or strategy.organisation.default_language)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


# --- contexts: every printed string is made here, with the Formatter -----------------------------------------

def _channel_name(names: dict[str, str], fmt: Formatter, channel_id: str) -> str:
    return fmt.text("all_channels") if channel_id == "all" else names.get(channel_id, channel_id)


def _excerpt(text: str | None, limit: int = 110) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _alerts(rows: list[dict[str, Any]], fmt: Formatter, names: dict[str, str]) -> list[dict[str, str]]:
    return [{"severity": row["severity"], "rule": row["rule"], "period": fmt.day(row["period_start"]),
             "channel": _channel_name(names, fmt, row["channel_id"] or "all"), "message": row["message"]}
            for row in rows]


def weekly_context(d: dict[str, Any], fmt: Formatter, names: dict[str, str], cat: dict) -> dict[str, Any]:
    all_kpis = d["kpis"].get("all", {})
    current, previous = all_kpis.get("current") or {}, all_kpis.get("previous") or {}
    headline = []
    for key in data.WEEKLY_HEADLINE:
        unit = data.HEADLINE_UNITS.get(key, "count")
        label_id = "first_response_minutes_median" if key == "median_first_response_minutes" else key
        headline.append({
            "label": fmt.indicator(label_id, (cat.get(label_id) or {}).get("label")),
            "current": fmt.value(current.get(key), unit), "previous": fmt.value(previous.get(key), unit),
            "change": fmt.delta(current.get(key), previous.get(key), unit),
        })
    per_channel = []
    for channel_id, weeks in sorted(d["kpis"].items()):
        if channel_id == "all":
            continue
        row = weeks.get("current") or {}
        per_channel.append({
            "channel": _channel_name(names, fmt, channel_id),
            "contents": fmt.count(row.get("contents_published")), "interactions": fmt.count(row.get("interactions")),
            "engagement": fmt.percent(row.get("engagement_rate_by_reach")),
            "inbound": fmt.count(row.get("conversations")), "response_rate": fmt.percent(row.get("response_rate")),
        })
    service = [{
        "channel": _channel_name(names, fmt, row["channel_id"]), "inbound": fmt.count(row["inbound"]),
        "answered": fmt.count(row["answered"]), "response_rate": fmt.percent(row["response_rate"]),
        "median": fmt.duration(row["median_first_response"]), "median_business": fmt.duration(row["median_business"]),
        "sla": fmt.duration(row["sla_minutes"]) if row["sla_minutes"] is not None else fmt.text("no_sla"),
        "breaches": fmt.count(row["breaches"]) if row["sla_minutes"] is not None else "—",
        "breach_rate": fmt.percent(row["breach_rate"]),
        "over_sla": row["sla_minutes"] is not None and row["median_business"] is not None
        and row["median_business"] > row["sla_minutes"],
    } for row in d["service"]]
    best = [{
        "channel": row["channel_name"] or row["channel_id"], "date": fmt.day(row["published_date"]),
        "format": row["content_format"] or "—", "text": _excerpt(row["text"]), "url": row["url"],
        "interactions": fmt.count(row["interactions"]), "reach": fmt.count(row["reach"]),
    } for row in d["best_contents"]]
    waiting = [{
        "channel": _channel_name(names, fmt, row["channel_id"]), "waiting": fmt.count(row["waiting"]),
        "this_week": fmt.count(row["waiting_this_week"]), "oldest": fmt.day(row["oldest"].date()),
    } for row in d["waiting"]]
    labels = [fmt.day(w)[: -5] for w in d["trend_weeks"]]
    trend = charts.line_chart(labels, {
        fmt.indicator("interactions", (cat.get("interactions") or {}).get("label")): d["trend_interactions"],
        fmt.text("inbound"): d["trend_conversations"],
    }, tick_format=fmt.count)
    return {
        "period_label": fmt.text("week_of", range=fmt.day_range(d["week_start"], d["week_end"])),
        "previous_label": fmt.day_range(d["previous_start"], period_end("weekly", d["previous_start"])),
        "headline": headline, "per_channel": per_channel, "service": service, "best": best,
        "waiting": waiting, "trend_chart": Markup(trend), "alerts": _alerts(d["alerts"], fmt, names),
    }


def monthly_context(d: dict[str, Any], fmt: Formatter, names: dict[str, str], cat: dict) -> dict[str, Any]:
    labels = [fmt.month_short(m) for m in d["months"]]
    channel_ids = ["all", *sorted({c for (_, c, _) in d["trends"] if c != "all"})]
    trend_charts = []
    for indicator_id in data.TREND_INDICATORS:
        unit = (cat.get(indicator_id) or {}).get("unit", "count")
        series = {
            _channel_name(names, fmt, c): [d["trends"].get((indicator_id, c, m)) for m in d["months"]]
            for c in channel_ids
            if any(d["trends"].get((indicator_id, c, m)) is not None for m in d["months"])
        }
        if series:
            trend_charts.append(Markup(charts.line_chart(
                labels, series, title=fmt.indicator(indicator_id, (cat.get(indicator_id) or {}).get("label")),
                tick_format=lambda v, unit=unit: fmt.value(v, unit))))
    jobs: dict[str, list[dict[str, str]]] = {}
    for row in d["per_job"]:
        jobs.setdefault(fmt.text(f"job_{row['job']}"), []).append({
            "label": fmt.indicator(row["indicator_id"], (cat.get(row["indicator_id"]) or {}).get("label")),
            "current": fmt.value(row["current"], row["unit"]), "previous": fmt.value(row["previous"], row["unit"]),
            "change": fmt.delta(row["current"], row["previous"], row["unit"]),
            "last_year": fmt.value(row["last_year"], row["unit"]),
        })
    audience = []
    for channel_id in sorted({c for (_, c, _) in d["audience"]}, key=lambda c: (c != "all", c)):
        cells = {}
        for indicator_id in data.AUDIENCE_INDICATORS:
            now = d["audience"].get((indicator_id, channel_id, d["month_start"]))
            before = d["audience"].get((indicator_id, channel_id, d["previous_start"]))
            cells[indicator_id] = {"value": fmt.count(now), "change": fmt.relative(now, before)}
        audience.append({"channel": _channel_name(names, fmt, channel_id), **cells})
    formats = [{
        "channel": names.get(row["channel_id"], row["channel_id"]), "format": row["content_format"] or "—",
        "contents": fmt.count(row["contents"]), "interactions": fmt.count(row["interactions"]),
        "per_content": fmt.number(row["interactions_per_content"]),
        "engagement": fmt.percent(row["engagement_by_reach"], 2),
    } for row in d["formats"]]
    formats_chart = charts.bar_chart(
        [(f"{names.get(r['channel_id'], r['channel_id'])} · {r['content_format'] or '—'}",
          r["interactions_per_content"]) for r in d["formats"][:8]], value_format=fmt.number)
    community = [{"label": k.replace("_", " "), "value": fmt.number(v, 2) if isinstance(v, float) else str(v)}
                 for row in d["community"] for k, v in row.items() if k not in ("month_start", "channel_id")]
    return {
        "period_label": fmt.month(d["month_start"]), "trend_charts": trend_charts, "jobs": jobs,
        "audience": audience, "formats": formats, "formats_chart": Markup(formats_chart) if formats else "",
        "listening": _listening(d["listening"], fmt), "community": community,
        "previous_label": fmt.month(d["previous_start"]), "last_year_label": fmt.month(d["last_year_start"]),
    }


def _listening(rows: list[dict[str, Any]], fmt: Formatter) -> list[dict[str, str]]:
    return [{
        "entity": row["entity_name"], "type": row["entity_type"], "mentions": fmt.count(row["mentions"]),
        "share": fmt.percent(row["share_of_voice"]), "positive": fmt.count(row["positive"]),
        "neutral": fmt.count(row["neutral"]), "negative": fmt.count(row["negative"]),
        "net": fmt.percent(row["net_sentiment"]), "unscored": fmt.count(row["unscored"]),
    } for row in rows]


def quarterly_context(d: dict[str, Any], fmt: Formatter, names: dict[str, str], cat: dict,
                      titles: dict[str, str]) -> dict[str, Any]:
    scorecard = [{
        "objective": titles.get(row["objective_id"], row["objective_id"]),
        "indicator": fmt.indicator(row["indicator_id"], (cat.get(row["indicator_id"]) or {}).get("label")),
        "grain": fmt.text(row["grain"]), "channel": _channel_name(names, fmt, row["channel_id"]),
        "target": fmt.value(row["target"], (cat.get(row["indicator_id"]) or {}).get("unit", "count")),
        "value": fmt.value(row["last_value"], (cat.get(row["indicator_id"]) or {}).get("unit", "count")),
        "status": row["last_status"], "status_label": fmt.status(row["last_status"]),
        "counts": f"{row['green']} / {row['amber']} / {row['red']}",
    } for row in d["scorecard"]]
    barometer = [{"principle": fmt.principle(r["principle"]), "score": fmt.number(r["score"], 0),
                  "previous": fmt.number(r["previous_score"], 0),
                  "change": fmt.delta(r["score"], r["previous_score"], "score")} for r in d["barometer"]]
    radar = charts.radar_chart(
        [fmt.principle(r["principle"]) for r in d["barometer"]],
        {fmt.quarter(d["quarter_start"]): [r["score"] for r in d["barometer"]],
         fmt.quarter(d["previous_start"]): [r["previous_score"] for r in d["barometer"]]},
    ) if d["barometer"] else ""
    impact = []
    for indicator_id in data.IMPACT_INDICATORS:
        now = d["impact"].get((indicator_id, "all", d["quarter_start"]))
        before = d["impact"].get((indicator_id, "all", d["previous_start"]))
        if now is None:
            continue
        unit = (cat.get(indicator_id) or {}).get("unit", "count")
        label = fmt.indicator(indicator_id, (cat.get(indicator_id) or {}).get("label"))
        change = fmt.relative(now, before) if unit == "count" and before else fmt.delta(now, before, unit)
        impact.append(fmt.text("impact_line", label=label, value=fmt.value(now, unit), delta=change,
                               versus=fmt.text("vs_previous_quarter")) if before is not None else
                      fmt.text("impact_line_new", label=label, value=fmt.value(now, unit)))
    members = []
    for indicator_id in data.MEMBER_INDICATORS:
        now = d["members"].get((indicator_id, "all", d["quarter_start"]))
        if now is None:
            continue
        unit = (cat.get(indicator_id) or {}).get("unit", "count")
        before = d["members"].get((indicator_id, "all", d["previous_start"]))
        members.append({"label": fmt.indicator(indicator_id, (cat.get(indicator_id) or {}).get("label")),
                        "value": fmt.value(now, unit), "change": fmt.delta(now, before, unit)})
    sov = [{"channel": _channel_name(names, fmt, c),
            "value": fmt.percent(v), "previous": fmt.percent(d["sov_by_channel"].get((i, c, d["previous_start"])))}
           for (i, c, p), v in sorted(d["sov_by_channel"].items(), key=lambda kv: (kv[0][1] != "all", kv[0][1]))
           if p == d["quarter_start"] and v is not None]
    return {
        "period_label": fmt.quarter(d["quarter_start"]),
        "range_label": fmt.day_range(d["quarter_start"], d["quarter_end"]),
        "scorecard": scorecard, "barometer": barometer, "radar": Markup(radar), "impact": impact,
        "members": members, "sov": sov, "listening": _listening(d["listening"], fmt),
        "previous_label": fmt.quarter(d["previous_start"]),
    }


# --- rendering -----------------------------------------------------------------------------------------------------

def render_html(kind: str, start: date, *, published_path: Path | str | None = None, language: str = "en",
                strategy=None, alerts_path: Path | str | None = None) -> str:
    """The report as one standalone HTML document."""
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}: one of {', '.join(KINDS)}")
    language = language_of(language)
    path = Path(published_path or settings.published_path())
    with data.published(path) as con:
        fmt = Formatter(language, data.principle_labels(con, language))
        pub = data.publication(con)
        names = {row["channel_id"]: row["channel_name"] for row in data.channels(con)}
        cat = data.catalog(con, language)
        if kind == "weekly":
            context = weekly_context(data.weekly(con, start, Path(alerts_path) if alerts_path else None), fmt,
                                     names, cat)
        elif kind == "monthly":
            context = monthly_context(data.monthly(con, start), fmt, names, cat)
        else:
            titles = {o.id: o.title for o in strategy.objectives} if strategy is not None else {}
            context = quarterly_context(data.quarterly(con, start), fmt, names, cat, titles)
    published_at = pub["published_at"]
    organisation = strategy.organisation.name if strategy is not None else ""
    return _environment().get_template(f"{kind}.html.j2").render(
        t=fmt.text, fmt=fmt, kind=kind, language=language, organisation=organisation,
        # an indicator's name from the catalog, in the report's language
        label=lambda indicator_id: fmt.indicator(indicator_id, (cat.get(indicator_id) or {}).get("label")),
        title=fmt.text(f"{kind}_title"), period_start=start.isoformat(), grain=GRAIN_OF[kind],
        generated=fmt.text("generated", horizon=fmt.day(pub["warehouse_max_date"]),
                           published=fmt.day(published_at.date()) if published_at else "—"),
        status_colours=charts.STATUS_COLOURS, **context,
    )


def chromium_path() -> str | None:
    for candidate in (os.environ.get("ANIMATEUR_CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def print_pdf(html_path: Path, pdf_path: Path, *, timeout: float = PDF_TIMEOUT_SECONDS) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (Debian's, as `make system-deps` installs it)."""
    browser = chromium_path()
    if browser is None:
        raise RuntimeError("Chromium is needed to print the PDF: `make system-deps` installs it "
                           "(or set ANIMATEUR_CHROMIUM to a Chrome/Chromium binary)")
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_pdf = pdf_path.with_name(f".{pdf_path.name}.{os.getpid()}.tmp")
    with tempfile.TemporaryDirectory(prefix="animateur-chromium-") as profile:
        result = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
             "--disable-extensions", "--no-first-run", f"--user-data-dir={profile}",
             f"--print-to-pdf={tmp_pdf}", html_path.resolve().as_uri()],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    if result.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
        tmp_pdf.unlink(missing_ok=True)
        raise RuntimeError(f"Chromium could not print {html_path} ({result.returncode}): {result.stderr[-2000:]}")
    os.replace(tmp_pdf, pdf_path)
    return pdf_path


def build_report(kind: str, start: date, *, published_path: Path | str | None = None,
                 out_dir: Path | str | None = None, language: str | None = None, strategy=None,
                 alerts_path: Path | str | None = None, pdf: bool = True) -> ReportFiles:
    """Write ``<out_dir>/<kind>/<period_start>.html`` (and ``.pdf``). Defaults: the configured published copy,
    reports folder, strategy (for the language and the objectives' titles) and alerts file."""
    if strategy is None:
        from pipelines.lib.strategy import load_strategy

        strategy = load_strategy(settings.strategy_path())
    language = language_of(language) if language else report_language(strategy)
    if language not in LANGUAGES:
        raise ValueError(f"reports are written in {' or '.join(LANGUAGES)}, not {language!r}")
    folder = Path(out_dir or settings.reports_dir()) / kind
    folder.mkdir(parents=True, exist_ok=True)
    html = render_html(kind, start, published_path=published_path, language=language, strategy=strategy,
                       alerts_path=alerts_path if alerts_path is not None else settings.alerts_path())
    html_path = folder / f"{start.isoformat()}.html"
    tmp = html_path.with_name(f".{html_path.name}.{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, html_path)
    pdf_path = print_pdf(html_path, folder / f"{start.isoformat()}.pdf") if pdf else None
    return ReportFiles(kind=kind, period_start=start, language=language, html=html_path, pdf=pdf_path)
