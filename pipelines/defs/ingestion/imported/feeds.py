"""Imported: files of other tools (a CRM's leads, a listening tool's mentions...) mapped onto the unified shapes
by a YAML mapping (``mapping.py``; presets in ``mappings/`` exposed as export formats by ``exports.py``).

One feed per target (``imported/<target>``, tables ``imported.<target>``). They are listed here, although no
tool drops daily files for them, so that every ``imported.*`` table exists (created empty by its ingestion
asset) for the staging models that read it, whether anything was imported into it yet or not."""

from pipelines.defs.ingestion.imported.mapping import FEEDS_BY_TARGET

FEEDS = tuple(FEEDS_BY_TARGET.values())
