package gogit

// NewWithFaults returns a backend whose work-tree updates fail at a step
// when fail returns an error for it.
func NewWithFaults(fail func(step string) error) *Backend { return &Backend{faults: fail} }

// FaultSteps are the steps of a work-tree update, in order.
var FaultSteps = []string{faultStaged, faultPlaced, faultIndex, faultRefs}

// CrashSteps are the steps a process may die at: FaultSteps, and after the
// refs moved.
var CrashSteps = append(append([]string{}, FaultSteps...), faultDone)
