"""The SQL that rates a Hub metadata snapshot with DuckDB, one vectorised query.

Column names and types vary between snapshots (`cardData` or `card_data`, siblings as a list
of structs or of names or as a JSON string...), so `normalise()` builds one expression per
logical column from the file's own schema. cardData is hostile text: it is parsed only when
it is valid JSON under `CARD_MAX_BYTES`, with DuckDB's JSON functions; nothing is evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..rubrics.derive import OPEN_SOURCE_LIBRARIES
from ..rubrics.engine import load_rubric
from ..rubrics.sql import SqlFact, case_sql
from .licensing import OPEN_CLAIM_PATTERN, OPEN_CLAIM_TAGS

CARD_MAX_BYTES = 64 * 1024
LIST_JSON_MAX_BYTES = 4 * 1024 * 1024
TEXT_MAX = 512
HUB_RUBRIC = "hub_metadata.yaml"

ALIASES: Mapping[str, tuple[str, ...]] = {
    "id": ("id", "modelId", "model_id"),
    "author": ("author",),
    "created": ("createdAt", "created_at"),
    "modified": ("lastModified", "last_modified"),
    "downloads": ("downloads",),
    "likes": ("likes",),
    "tags": ("tags",),
    "pipeline_tag": ("pipeline_tag", "pipelineTag"),
    "library_name": ("library_name", "libraryName"),
    "card": ("cardData", "card_data"),
    "siblings": ("siblings",),
    "safetensors": ("safetensors",),
    "gguf": ("gguf",),
    "config": ("config",),
}

SAFE_EXTENSIONS = ("safetensors", "gguf", "onnx", "npy", "npz")
PICKLE_EXTENSIONS = ("bin", "pt", "pth", "ckpt", "pkl", "pickle", "joblib")
OTHER_WEIGHT_EXTENSIONS = ("h5", "keras", "msgpack", "tflite", "mlmodel")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _list_literal(values: tuple[str, ...] | frozenset[str]) -> str:
    return "[" + ", ".join(_quote(v) for v in sorted(values)) + "]"


def _json_text(col: str, kind: str, cap: int) -> str:
    """A JSON value from a column, or NULL when it is too big or not JSON."""
    plain = kind.startswith(("VARCHAR", "JSON"))
    text = f"{col}::VARCHAR" if plain else f"to_json({col})::VARCHAR"
    return f"(CASE WHEN strlen({text}) <= {cap} AND json_valid({text}) THEN {text}::JSON END)"


def normalise(columns: Mapping[str, str]) -> str:
    """SELECT list mapping the file's columns to the logical ones (NULL when absent)."""

    def pick(logical: str) -> tuple[str, str] | None:
        for name in ALIASES[logical]:
            if name in columns:
                return _ident(name), columns[name].upper()
        return None

    def text(logical: str) -> str:
        found = pick(logical)
        return f"left(CAST({found[0]} AS VARCHAR), {TEXT_MAX})" if found else "NULL::VARCHAR"

    def number(logical: str) -> str:
        found = pick(logical)
        return f"TRY_CAST({found[0]} AS BIGINT)" if found else "NULL::BIGINT"

    def stamp(logical: str) -> str:
        found = pick(logical)
        return f"TRY_CAST({found[0]} AS TIMESTAMP)" if found else "NULL::TIMESTAMP"

    def json_col(logical: str, cap: int) -> str:
        found = pick(logical)
        return _json_text(found[0], found[1], cap) if found else "NULL::JSON"

    def string_list(logical: str, field: str | None) -> str:
        found = pick(logical)
        if found is None:
            return "[]::VARCHAR[]"
        col, kind = found
        if kind.endswith("[]") and kind.startswith("STRUCT") and field:
            return f"list_transform({col}, lambda s: s.{field})"
        if kind.endswith("[]"):
            return f"{col}::VARCHAR[]"
        path = f"$[*].{field}" if field else "$[*]"
        value = _json_text(col, kind, LIST_JSON_MAX_BYTES)
        return f"coalesce(json_extract_string({value}, {_quote(path)}), [])"

    def total(logical: str) -> str:
        found = pick(logical)
        if found is None:
            return "NULL::BIGINT"
        col, kind = found
        if kind.startswith("STRUCT") and "TOTAL" in kind:
            return f"TRY_CAST({col}.total AS BIGINT)"
        value = _json_text(col, kind, CARD_MAX_BYTES)
        return f"TRY_CAST(json_extract_string({value}, '$.total') AS BIGINT)"

    def model_type() -> str:
        found = pick("config")
        if found is None:
            return "NULL::VARCHAR"
        col, kind = found
        if kind.startswith("STRUCT") and "MODEL_TYPE" in kind:
            return f"left(CAST({col}.model_type AS VARCHAR), {TEXT_MAX})"
        value = _json_text(col, kind, CARD_MAX_BYTES)
        return f"left(json_extract_string({value}, '$.model_type'), {TEXT_MAX})"

    return ",\n".join(
        [
            f"replace({text('id')}, chr(0), '') AS id",  # a key: no U+0000 (PostgreSQL refuses it)
            f"{text('author')} AS author",
            f"{stamp('created')} AS created",
            f"{text('modified')} AS modified",
            f"{number('downloads')} AS downloads",
            f"{number('likes')} AS likes",
            f"{string_list('tags', None)} AS tags",
            f"{text('pipeline_tag')} AS pipeline_tag",
            f"{text('library_name')} AS library_name",
            f"{json_col('card', CARD_MAX_BYTES)} AS card",
            f"{string_list('siblings', 'rfilename')} AS files",
            f"coalesce({total('safetensors')}, {total('gguf')}) AS parameters",
            f"{model_type()} AS model_type",
        ]
    )


def _first_string(json_path: str) -> str:
    """A card value that may be a string or a list of strings: the (first) string."""
    return (
        f"left(CASE json_type(card, '{json_path}') WHEN 'VARCHAR' THEN card->>'{json_path}' "
        f"WHEN 'ARRAY' THEN card->>'{json_path}[0]' END, {TEXT_MAX})"
    )


#: the column of CTE `g` in `rating_query` that holds each fact the Hub metadata rubric reads
RUBRIC_FACTS: Mapping[str, SqlFact] = {
    "hub.custom_code": SqlFact("custom_code"),
    "hub.code_files": SqlFact("code_files"),
    "hub.open_source_library": SqlFact("open_source_library"),
    "license.category": SqlFact("category", "text"),
    "hub.weights": SqlFact("weights"),
    "hub.datasets_named": SqlFact("datasets_named"),
    "hub.card": SqlFact("has_card"),
    "hub.safe_weights": SqlFact("safe_weights"),
    "hub.pickle_weights": SqlFact("pickle_weights"),
    "hub.config": SqlFact("has_config"),
    "hub.card_metadata": SqlFact("card_metadata"),
}


def attribute_columns() -> str:
    """The five attributes as SELECT items, compiled from rubrics/hub_metadata.yaml."""
    rubric = load_rubric(HUB_RUBRIC)
    return (
        ",\n".join(
            f"  {case_sql(rules, RUBRIC_FACTS)} AS {attribute.value}"
            for attribute, rules in rubric.lists.items()
        )
        + ","
    )


def rating_query(source: str) -> str:
    """Rows shaped like `hub_models` (without snapshot_id), from the normalised `source` with a
    `listed_at` column (the row's position in the file): an id listed more than once (a
    hostile or concatenated snapshot) keeps its last row, as the store keys rows by model."""
    safe = _list_literal(SAFE_EXTENSIONS)
    pickle = _list_literal(PICKLE_EXTENSIONS)
    weights = _list_literal(SAFE_EXTENSIONS + PICKLE_EXTENSIONS + OTHER_WEIGHT_EXTENSIONS)
    claim_tags = _list_literal(OPEN_CLAIM_TAGS)
    libraries = _list_literal(OPEN_SOURCE_LIBRARIES)
    base_tag = r"^base_model:(?:(?:adapter|finetune|merge|quantized):)?"
    attributes = attribute_columns()
    return f"""
WITH repeated AS (
  SELECT id, max(listed_at) AS last FROM {source} WHERE id IS NOT NULL
  GROUP BY id HAVING count(*) > 1
),
s AS (
  SELECT src.* FROM {source} AS src LEFT JOIN repeated ON repeated.id = src.id
  WHERE src.id IS NOT NULL AND (repeated.id IS NULL OR src.listed_at = repeated.last)
),
f AS (
  SELECT s.*,
    list_transform(files, lambda x: lower(regexp_extract(x, '\\.([A-Za-z0-9]+)$', 1))) AS ext,
    list_transform(tags, lambda t: lower(t)) AS ltags,
    coalesce(json_extract_string(card, '$.tags[*]'), [])::VARCHAR[] AS card_tags,
    lower(coalesce(
      regexp_replace(list_filter(tags, lambda t: starts_with(t, 'license:'))[1], '^license:', ''),
      {_first_string("$.license")})) AS license_key,
    left(card->>'$.license_name', {TEXT_MAX}) AS license_name,
    coalesce({_first_string("$.base_model")},
      left(regexp_replace(list_filter(tags, lambda t: starts_with(t, 'base_model:'))[1],
        '{base_tag}', ''), {TEXT_MAX})) AS base,
    (coalesce(json_type(card, '$.datasets') = 'VARCHAR', false)
      OR coalesce(json_array_length(card, '$.datasets'), 0) > 0
      OR len(list_filter(tags, lambda t: starts_with(t, 'dataset:'))) > 0) AS datasets_named
  FROM s
),
g AS (
  SELECT f.*,
    list_has_any(ext, {safe}) AS safe_weights,
    list_has_any(ext, {pickle}) AS pickle_weights,
    list_has_any(ext, {weights}) AS weights,
    list_contains(ext, 'py') AS code_files,
    list_contains(ltags, 'custom_code') AS custom_code,
    coalesce(lower(library_name) IN (SELECT unnest({libraries})), false) AS open_source_library,
    (list_contains(files, 'README.md') OR card IS NOT NULL) AS has_card,
    coalesce(card IS NOT NULL AND card::VARCHAR NOT IN ('{{}}', 'null'), false) AS card_metadata,
    (list_contains(files, 'config.json') OR model_type IS NOT NULL) AS has_config,
    list_contains(files, 'LICENSE') OR list_contains(files, 'LICENSE.md')
      OR list_contains(files, 'LICENSE.txt') AS license_file,
    coalesce(lic.category, CASE WHEN license_key IS NULL THEN
      (CASE WHEN list_contains(files, 'LICENSE') THEN 'unknown' ELSE 'none' END)
      ELSE 'unknown' END) AS category,
    lic.license_id AS license_ref, lic.family AS lic_family, lic.commercial AS lic_commercial,
    (list_has_any(ltags, {claim_tags})
      OR list_has_any(list_transform(card_tags, lambda t: lower(t)), {claim_tags})
      OR regexp_matches(lower(coalesce(license_name, '') || ' ' || coalesce(license_key, '')),
        '{OPEN_CLAIM_PATTERN}')) AS claims
  FROM f LEFT JOIN license_lookup AS lic ON lic.key = f.license_key
)
SELECT
  id AS model,
  coalesce(left(author, 256), CASE WHEN contains(id, '/') THEN left(split_part(id, '/', 1), 256)
    END) AS author,
  strftime(created, '%Y-%m') AS created_month,
  downloads,
  left(coalesce(license_ref, license_key), 256) AS license_id,
  coalesce(lic_family, CASE category WHEN 'none' THEN 'none' ELSE 'unknown' END)
    AS license_family,
  category AS license_category,
  coalesce(lic_commercial, CASE category WHEN 'none' THEN 'no' ELSE 'unknown' END)
    AS commercial_use,
  coalesce(claims, false) AS claims_open,
  coalesce(claims AND category NOT IN ('open-source', 'open-content'), false) AS openwashing,
  base AS base_model,
{attributes}
  left(modified, 32) AS last_modified,
  likes,
  left(pipeline_tag, 128) AS pipeline_tag,
  left(library_name, 128) AS library_name,
  parameters,
  coalesce(has_card, false) AS card,
  coalesce(weights, false) AS weights,
  coalesce(safe_weights, false) AS safe_weights,
  coalesce(pickle_weights, false) AS pickle_weights,
  coalesce(datasets_named, false) AS datasets_named
FROM g
"""
