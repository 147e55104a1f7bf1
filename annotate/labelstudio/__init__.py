"""The Label Studio round trip: a local server, push, export and report.

    annotate studio up|down|status|env   the embedded local server (its own venv)
    annotate push PATH... --project T     pre-annotate and import, idempotent by doc_id
    annotate export --project T -o DIR    raw snapshot + tidy Parquet/CSV tables
    annotate report --project T           how good the pre-annotation was

Everything but `studio` also works against a team's server when
LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY are set.
"""
