"""科研与社会服务 Research & service: income by kind, patents, training volume and income."""

from dashboard.domain import render_domain_page

render_domain_page("research")  # its charts, KPI cards and targets: data/specs/pages.toml
