package gitobj

// ConfigEntry is one entry of a Config, for tests.
type ConfigEntry struct {
	Name, Value string
	Bare        bool
}

// Entries lists c's entries in order, for tests.
func Entries(c *Config) []ConfigEntry {
	var out []ConfigEntry
	for _, e := range c.entries {
		out = append(out, ConfigEntry{e.name, e.value, e.bare})
	}
	return out
}
