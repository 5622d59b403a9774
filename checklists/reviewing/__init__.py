"""Reviewing the quarterly responsibility lists and the rectifications (整改) approval raises.

Staff over the organisation's parent review a list (a township's own list goes to the
county, a village's to the township or the county: nobody reviews their own level), and
they maintain and close its rectifications; the secretary of the organisation itself
reports on them.

- `permissions`: who reviews, reports and closes;
- `rules`: when an item falls short, how long a rectification runs, which quarter is
  under review;
- `services`: scoring, sending back and approving a list;
- `rectifications`: reporting, closing and changing a rectification;
- `selectors`: what the review pages read.
"""
