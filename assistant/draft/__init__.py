"""The pieces of the draft chain behind ``assistant.drafting.draft_okrs``.

- ``context``: which parents, which strategy passages (excerpted, labelled, within a budget).
- ``schema``: what the model writes for one objective.
- ``prompts``: the messages, rendered from ``prompts/draft.*.j2``.
- ``assemble``: the model's objective checked: alignment, citations, provenance, fields read from the text.
- ``provenance``: sourced / given / proposed per number; no invented baseline stated as fact.
- ``tracing``: tokens and seconds per step.
- ``render``: the result as Markdown, JSON or YAML.
- ``teams``: requests from a teams file. ``period``: default period and its end date.
"""
