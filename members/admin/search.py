"""The admin's search of records keyed on a person: by name, or by ID number through the
roster's own rule (members.filters.id_number_condition), so that the admin cannot confirm
hidden digits that the roster's search refuses to."""

from __future__ import annotations

from ..filters import id_number_condition
from ..permissions import can_view_full_personal_data


class PersonSearchMixin:
    #: the path to the person ("" or "member__") and the name's path from the admin's model
    person_prefix = ""
    name_field = "name"

    def get_search_fields(self, request):
        return [self.name_field]

    def get_search_results(self, request, queryset, search_term):
        condition = id_number_condition(
            search_term,
            partial=can_view_full_personal_data(request.user),
            prefix=self.person_prefix,
        )
        if condition is not None:
            return queryset.filter(condition), False
        return super().get_search_results(request, queryset, search_term)
