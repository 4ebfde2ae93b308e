// Package config reads, validates and writes mgit's configuration file:
// named providers (type, URL, user, default org), the default provider, the
// workspace root, concurrency and the clone layout.
//
// The file is YAML at --config, else $MGIT_CONFIG, else
// $XDG_CONFIG_HOME/mgit/config.yaml (~/.config/mgit/config.yaml). It never
// holds a secret: a token key is refused with a pointer to `mgit login`.
// Unknown keys and bad values fail with file:line and the fix. The file is
// written atomically, 0600 in a 0700 directory. The JSON schema in
// docs/config.schema.json describes the same format.
package config
