"""The observatory's web dashboard (`openness serve`) and static site (`observe publish`).

Pages are rendered on the server from the project's own Jinja2 templates with autoescape on;
nothing from a release is ever used as a template, and the only assets are vendored here.
"""
