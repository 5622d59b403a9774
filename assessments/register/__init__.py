"""The weak-and-lax (软弱涣散) register: an entry records one organisation's rectification
in one year, 整顿中 → 已销号 → 回头看, and the organisation's `is_weak_and_lax` flag follows
the entries (`services.sync_flag`). Writes in `services` (their checks in `validation`),
reads in `selectors`, the file in `export`; the pages, forms and admin beside them."""
