"""Default configuration from DOMAIN.md, loaded by a data migration; staff adapt it in the
admin afterwards (the migration never overwrites an existing value)."""

from __future__ import annotations

from decimal import Decimal

DEVELOPMENT_RULES: dict[str, int] = {
    "min_application_age": 18,
    "activist_min_months": 12,
    "candidate_min_training_hours": 24,
    "introducers_required": 2,
    "probation_months": 12,
    "probation_extension_min_months": 6,
    "probation_extension_max_months": 12,
    "publicity_min_working_days": 5,
    "applicant_stall_months": 12,
    "activist_stall_months": 36,
    "candidate_stall_months": 12,
}

# (basis, upper limit inclusive or None, rate % or None, fixed amount or None, max fixed)
DUES_BRACKETS: tuple[
    tuple[str, Decimal | None, Decimal | None, Decimal | None, Decimal | None], ...
] = (
    ("salary", Decimal("3000.00"), Decimal("0.5"), None, None),
    ("salary", Decimal("5000.00"), Decimal("1.0"), None, None),
    ("salary", Decimal("10000.00"), Decimal("1.5"), None, None),
    ("salary", None, Decimal("2.0"), None, None),
    ("retired", Decimal("5000.00"), Decimal("0.5"), None, None),
    ("retired", None, Decimal("1.0"), None, None),
    ("farmer", None, None, Decimal("0.20"), Decimal("1.00")),
    ("minimum", None, None, Decimal("0.20"), None),
)


def load_defaults(development_rule_model, dues_bracket_model) -> None:
    """Create whatever default is missing (works with historical models too)."""
    for key, value in DEVELOPMENT_RULES.items():
        development_rule_model.objects.get_or_create(key=key, defaults={"value": value})
    if not dues_bracket_model.objects.exists():
        for basis, limit, rate, fixed, max_fixed in DUES_BRACKETS:
            dues_bracket_model.objects.create(
                basis=basis,
                upper_limit=limit,
                rate=rate,
                fixed_amount=fixed,
                max_fixed_amount=max_fixed,
            )
