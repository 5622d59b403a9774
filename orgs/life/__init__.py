"""Organisation life (组织生活, 三会一课): the records of meetings with their photos, the
meeting requirements, and what was required vs recorded per quarter. The models belong to
the orgs app (orgs.models imports them); pages, admin, import and rules live here."""
