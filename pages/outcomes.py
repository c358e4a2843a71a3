"""就业与收入 Graduate outcomes: 本校 vs 全省/本科/高职, one and three years after graduation."""

from dashboard.domain import render_domain_page

render_domain_page("outcomes")  # its charts, KPI cards and targets: data/specs/pages.toml
