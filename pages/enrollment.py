"""招生 Enrollment: plan vs admitted vs registered by channel, registration rates, intake mix."""

from dashboard.domain import render_domain_page

render_domain_page("enrollment")  # its charts, KPI cards and targets: data/specs/pages.toml
