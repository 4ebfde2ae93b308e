// Package secure owns mgit's defences that do not belong to one command:
//
//   - the credential store chain that finds a provider's token (environment
//     variables, then the OS keyring, the kernel keyring and an encrypted
//     file, then an opt-in credential helper), auditing every read, write
//     and delete (store.go, keyring.go, helper.go);
//   - keyring items scoped to the provider's kind, URL and name and the
//     configuration file, holding the URL they were stored for, and the
//     migration of older unscoped items (items.go);
//   - the encrypted file keyring: Argon2id, AES-256-GCM, the password rule
//     (filestore.go);
//   - DisableCoreDumps, which main calls first (dump_*.go);
//   - the Redactor, which masks every token the store hands out plus the
//     shapes of provider tokens, URL passwords and Authorization values,
//     and Writer, which applies it to logs and output (redact.go,
//     shapes.go, writer.go);
//   - Sanitize, the one terminal sanitizer (sanitize.go);
//   - validators for every input mgit takes from users, configuration,
//     the environment and servers, each rejection an InputError naming the
//     input and the rule (validate.go);
//   - file permission rules for configuration, state and audit files
//     (files.go).
//
// Destination paths are validated by engine/workspace, which builds them
// (engine may not import secure); the rules are the same as ValidateName's.
//
// It is a leaf: it imports nothing from the module, holds no package-level
// mutable state and reads the environment only through the getenv it is
// given. Keyring backends are not trusted because they open: each is probed
// with a write, read and delete of a throwaway item, and the reason one
// fails is kept and reported (keyring.Open itself only says "not
// available").
package secure
