"""Design forms: the three builders (fields, conditions, mappings) and a module per page."""
