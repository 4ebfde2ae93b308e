package gogit

// NewWithFaults returns a backend whose work-tree updates fail at a step
// when fail returns an error for it.
func NewWithFaults(fail func(step string) error) *Backend { return &Backend{faults: fail} }

// FaultSteps are the steps of a work-tree update, in order.
var FaultSteps = []string{faultStaged, faultPlaced, faultIndex, faultRefs}
