"""Demo data for Animateur: a deterministic, seeded community for the fictional brand "Maison Lumière".

``python -m pipelines.demo.generator --out data/inbox/demo`` writes one file per entity per UTC day in the
platforms' own API shapes (see :mod:`pipelines.demo.generator`).
"""

from __future__ import annotations

from typing import Any

__all__ = ["GenerationSummary", "default_end_date", "generate", "main"]


def __getattr__(name: str) -> Any:
    # Imported lazily so that ``python -m pipelines.demo.generator`` does not import the module twice.
    if name in __all__:
        from pipelines.demo import generator

        return getattr(generator, name)
    raise AttributeError(f"module 'pipelines.demo' has no attribute {name!r}")
