"""标准化规范化 grading: a branch's yearly score sheet, its star grade and the 达标 figures of
a subtree. Grading rules in `grading`, writes in `services`, reads in `selectors`; the
pages, forms and admin beside them."""
