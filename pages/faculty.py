"""师资 Faculty: structure by title and degree, 双师 share, 生师比, training, against targets."""

from dashboard.domain import render_domain_page

render_domain_page("faculty")  # its charts, KPI cards and targets: data/specs/pages.toml
