"""组织健康体检: the health rules of an organisation's subtree (`rules`, with the warnings of
the other parts in `warnings`), what a finding says (`findings`), the page and its export
(`views`, `selectors`) and the admin of the rules' thresholds (`admin`)."""
