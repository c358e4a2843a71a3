"""Plans: the plan spec, the grammar of target values, the target → indicator map, plan documents."""
