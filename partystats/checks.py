"""System check: a deployment's occupation table counts every 工作岗位 value once."""

from __future__ import annotations

from django.core.checks import Error

from .categories import check_occupations, occupations


def occupations_check(app_configs, **kwargs) -> list[Error]:
    return [
        Error(
            f"PARTY_STATISTICS_OCCUPATIONS: {problem}",
            hint="每个工作岗位值须且只能计入一个统计职业（docs/party-statistics.md）。",
            id="partystats.E001",
        )
        for problem in check_occupations(occupations())
    ]
