"""JSON Schemas of the data format and of variants.yaml, for editors.

YAML editors (through the ``yaml-language-server`` comment at the top of
``data/resume.yaml``) use these to autocomplete keys and underline mistakes.
"""

from __future__ import annotations

import json
from typing import Any

from .model import Resume, VariantOptions


def resume_schema() -> dict[str, Any]:
    schema = Resume.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cvpress résumé (JSON Resume v1.0.0 + extensions)"
    schema.setdefault("properties", {})["$schema"] = {"type": "string"}
    return schema


def variants_schema() -> dict[str, Any]:
    options = VariantOptions.model_json_schema(mode="validation")
    defs = options.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "cvpress variants",
        "type": "object",
        "properties": {
            "$schema": {"type": "string"},
            "defaults": {"$ref": "#/$defs/VariantOptions", "description": "Options every variant starts from."},
            "variants": {
                "type": "object",
                "additionalProperties": {"$ref": "#/$defs/VariantOptions"},
                "description": "One entry per PDF: its name and options.",
            },
        },
        "required": ["variants"],
        "additionalProperties": False,
        "$defs": {**defs, "VariantOptions": options},
    }


def resume_schema_json() -> str:
    return json.dumps(resume_schema(), indent=2, ensure_ascii=False) + "\n"


def variants_schema_json() -> str:
    return json.dumps(variants_schema(), indent=2, ensure_ascii=False) + "\n"
