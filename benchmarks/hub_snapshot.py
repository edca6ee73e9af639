"""A realistic synthetic Hugging Face Hub metadata snapshot, written to Parquet by DuckDB.

    python benchmarks/hub_snapshot.py OUT.parquet --rows 3000000

Deterministic (every value is a hash of the row number). Shaped like the Hub: authors heavily
skewed (a few organisations own many repos), downloads heavy-tailed (most repos near zero), the
Hub's license mix (half with none, Apache-2.0 and MIT ahead, then OpenRAIL, Llama, CC-BY-NC...),
tags with `license:`, `base_model:` and `dataset:` entries, siblings lists with sharded weights,
and about 1% hostile cardData (invalid JSON, Python literals, over-size strings, deep nesting).
"""

from __future__ import annotations

import argparse
from pathlib import Path

ORGS = 60_000

LICENSES = (  # (license id, cumulative share)
    (None, 0.50),
    ("apache-2.0", 0.70),
    ("mit", 0.78),
    ("openrail", 0.80),
    ("creativeml-openrail-m", 0.82),
    ("other", 0.85),
    ("llama3.1", 0.865),
    ("llama2", 0.875),
    ("cc-by-nc-4.0", 0.895),
    ("cc-by-4.0", 0.91),
    ("gemma", 0.92),
    ("cc-by-sa-4.0", 0.925),
    ("gpl-3.0", 0.93),
    ("bsd-3-clause", 0.933),
    ("cc-by-nc-sa-4.0", 0.94),
    ("bigscience-openrail-m", 0.945),
    ("afl-3.0", 0.95),
    ("unknown", 0.96),
    ("llama3", 0.97),
    ("openrail++", 0.975),
    ("cc0-1.0", 0.98),
    ("agpl-3.0", 0.985),
    ("deepseek", 0.99),
    ("tongyi-qianwen", 1.01),
)


def _case(expr: str, choices: tuple[tuple[str | None, float], ...]) -> str:
    whens = " ".join(
        f"WHEN {expr} < {share} THEN {'NULL' if v is None else repr(v)}" for v, share in choices
    )
    return f"CASE {whens} END"


def generate(out: Path, rows: int, *, threads: int | None = None) -> None:
    import duckdb

    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute("CREATE MACRO u(i, salt) AS (hash(i, salt) % 1000003) / 1000003.0")
    con.execute(f"CREATE MACRO org_of(i) AS 'org' || floor({ORGS} * pow(u(i, 'o'), 4))::BIGINT")
    license_case = _case("u(i, 'l')", LICENSES)
    library_case = _case(
        "u(i, 'b')",
        (
            ("transformers", 0.42),
            ("peft", 0.52),
            ("diffusers", 0.57),
            ("sentence-transformers", 0.61),
            ("gguf", 0.66),
            ("timm", 0.67),
            ("mlx", 0.69),
            ("keras", 0.70),
            ("custom-lib", 0.72),
            (None, 1.01),
        ),
    )
    pipeline_case = _case(
        "u(i, 'p')",
        (
            ("text-generation", 0.35),
            ("text-classification", 0.45),
            ("text-to-image", 0.53),
            ("automatic-speech-recognition", 0.57),
            ("feature-extraction", 0.62),
            ("image-classification", 0.66),
            (None, 1.01),
        ),
    )
    query = f"""
    COPY (
    WITH base AS (
      SELECT i,
        org_of(i) AS org,
        {license_case} AS lic,
        {library_case} AS lib,
        {pipeline_case} AS pipe,
        CASE WHEN i > 100 AND u(i, 'f') < 0.35 THEN floor(u(i, 'j') * i)::BIGINT END AS parent,
        u(i, 'w') AS w, u(i, 'h') AS h, u(i, 'c') AS c,
        1 + floor(pow(u(i, 'n'), 3) * 8)::INT AS shards
      FROM range({int(rows)}) t(i)
    ), shaped AS (
      SELECT *,
        CASE WHEN parent IS NOT NULL THEN org_of(parent) || '/model-' || parent END AS base_model,
        CASE WHEN w < 0.55 THEN 'safetensors' WHEN w < 0.75 THEN 'bin'
             WHEN w < 0.85 THEN 'both' WHEN w < 0.92 THEN 'gguf' ELSE 'none' END AS weights
      FROM base
    )
    SELECT
      org || '/model-' || i AS id,
      org AS author,
      TIMESTAMP '2021-03-01' + to_days(floor(1900 * sqrt(u(i, 't')))::INT) AS createdAt,
      strftime(TIMESTAMP '2025-06-01' - to_days(floor(300 * u(i, 'm'))::INT),
        '%Y-%m-%dT%H:%M:%S.000Z') AS lastModified,
      (floor(pow(10, 7 * pow(u(i, 'd'), 4))) - 1)::BIGINT AS downloads,
      (floor(pow(10, 4 * pow(u(i, 'k'), 5))) - 1)::BIGINT AS likes,
      list_filter([
        lib,
        CASE WHEN weights IN ('safetensors', 'both') THEN 'safetensors' END,
        CASE WHEN weights = 'gguf' THEN 'gguf' END,
        pipe,
        CASE WHEN lic IS NOT NULL THEN 'license:' || lic END,
        CASE WHEN base_model IS NOT NULL THEN 'base_model:finetune:' || base_model END,
        CASE WHEN u(i, 'ds') < 0.2
          THEN 'dataset:org' || floor(u(i, 'dn') * 500)::INT || '/data' END,
        CASE WHEN u(i, 'cc') < 0.03 THEN 'custom_code' END,
        CASE WHEN u(i, 'os') < 0.012 THEN 'open-source' END,
        'region:us'
      ], lambda x: x IS NOT NULL) AS tags,
      pipe AS pipeline_tag,
      lib AS library_name,
      CASE
        WHEN c < 0.25 THEN NULL
        WHEN c < 0.253 THEN '{{"license": "mit", "tags": [' || repeat('"x",', 30000) || '"y"]}}'
        WHEN c < 0.256 THEN '{{''license'': ''mit'', ''x'': __import__(''os'')}}'
        WHEN c < 0.258 THEN repeat('[', 5000) || repeat(']', 5000)
        WHEN c < 0.26 THEN '{{"license": ["apache-2.0", "mit"], "base_model": 7}}'
        WHEN c < 0.262 THEN 'not json at all'
        ELSE json_object(
          'license', lic,
          'license_name', CASE WHEN lic = 'other' AND h < 0.3 THEN 'open-source-ish-license' END,
          'tags', CASE WHEN u(i, 'os') < 0.012 THEN ['open-source'] ELSE ['llm'] END,
          'datasets', CASE WHEN u(i, 'ds') < 0.2
            THEN ['org' || floor(u(i, 'dn') * 500)::INT || '/data'] END,
          'base_model', base_model,
          'language', ['en'],
          'pipeline_tag', pipe
        )::VARCHAR
      END AS cardData,
      list_concat(
        [{{'rfilename': '.gitattributes'}}],
        CASE WHEN c >= 0.2 THEN [{{'rfilename': 'README.md'}}] ELSE [] END,
        CASE WHEN weights != 'gguf'
          THEN [{{'rfilename': 'config.json'}}, {{'rfilename': 'tokenizer.json'}}] ELSE [] END,
        CASE WHEN weights IN ('safetensors', 'both') THEN
          list_transform(range(shards), lambda k: {{'rfilename':
            'model-0000' || (k + 1) || '-of-0000' || shards || '.safetensors'}})
          ELSE [] END,
        CASE WHEN weights IN ('bin', 'both')
          THEN [{{'rfilename': 'pytorch_model.bin'}}] ELSE [] END,
        CASE WHEN weights = 'gguf'
          THEN [{{'rfilename': 'model-Q4_K_M.gguf'}}, {{'rfilename': 'model-Q8_0.gguf'}}]
          ELSE [] END,
        CASE WHEN u(i, 'cc') < 0.015 THEN [{{'rfilename': 'modeling_custom.py'}}] ELSE [] END
      ) AS siblings,
      CASE WHEN weights IN ('safetensors', 'both') THEN
        {{'total': (floor(pow(10, 6 + 5 * u(i, 'z'))))::BIGINT}} END AS safetensors,
      CASE WHEN weights = 'gguf' THEN
        {{'total': (floor(pow(10, 8 + 3 * u(i, 'z'))))::BIGINT, 'architecture': 'llama'}}
        END AS gguf,
      CASE WHEN weights != 'gguf' THEN
        {{'model_type': CASE WHEN h < 0.5 THEN 'llama' WHEN h < 0.8 THEN 'bert' ELSE 'mistral' END}}
        END AS config
    FROM shaped
    ) TO '{str(out).replace("'", "''")}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)
    """
    con.execute(query)
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    generate(args.out, args.rows, threads=args.threads)


if __name__ == "__main__":
    main()
