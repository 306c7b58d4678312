"""The preset mappings of ``mappings/`` as export formats: ``animateur import crm-leads contacts.csv`` is
``animateur import generic contacts.csv --mapping mappings/crm-leads.yml``. A file dropped in the inbox's
``imported/`` folder is imported by the preset whose columns it holds (``matches``: the file's header has every
column the mapping reads)."""

from __future__ import annotations

from pathlib import Path

from pipelines.defs.ingestion.imported.mapping import generic_format

MAPPINGS = Path(__file__).resolve().parent / "mappings"

EXPORT_FORMATS = (
    generic_format(MAPPINGS / "crm-leads.yml", name="crm-leads",
                   where_to_download="HubSpot: CRM > Contacts > Export (CSV), with Record ID, Create Date, Email, "
                                     "First/Last Name, Original Source and the UTM properties"),
    generic_format(MAPPINGS / "listening-csv.yml", name="listening-csv",
                   where_to_download="Brandwatch Consumer Research: a query's Mentions > Export > CSV (other "
                                     "listening tools: adapt mappings/listening-csv.yml and use `import generic`)"),
)
