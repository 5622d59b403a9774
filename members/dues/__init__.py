"""Party dues (党费), one module per concern:

- `rates`: which table applies to a member and what a month's record must hold (the rules);
- `sheet`: a branch's monthly sheet as staff see and fill it (reads);
- `recording`: saving a sheet, all or nothing (writes);
- `collection`: what each organisation collected in a month (reads);
- `findings`: arrears and the six-month flag (reads; flags only, no status changes);
- `waivers`: 免交/少交 approved by the branch — which covers a month (reads), recording or
  withdrawing one (writes).

The import/export of records is `members.resources.dues`; the pages are `members.views.dues`.
"""
