package repotable

// selection is the IDs of the selected rows. It is kept by ID, not by
// position, so it survives sorting and filtering: a row the filter hides
// stays selected and is still a target.
type selection map[string]bool

// toggle selects or deselects the row with id.
func (s selection) toggle(id string) {
	if s[id] {
		delete(s, id)
	} else {
		s[id] = true
	}
}

// toggleAll selects every row of shown, or deselects them when every one
// is already selected.
func (s selection) toggleAll(shown []*Row) {
	all := len(shown) > 0
	for _, r := range shown {
		all = all && s[r.ID]
	}
	for _, r := range shown {
		if all {
			delete(s, r.ID)
		} else {
			s[r.ID] = true
		}
	}
}

// targets are the selected rows: those shown first, in view order, then
// the selected ones the filter hides, in row order.
func (s selection) targets(shown, rows []*Row) []*Row {
	var out []*Row
	seen := make(map[string]bool, len(s))
	for _, r := range shown {
		if s[r.ID] {
			out = append(out, r)
			seen[r.ID] = true
		}
	}
	for _, r := range rows {
		if s[r.ID] && !seen[r.ID] {
			out = append(out, r)
		}
	}
	return out
}
