// Package secure owns mgit's secrets: the credential store chain that finds
// a provider's token (environment variables, then the OS keyring, the
// kernel keyring and an encrypted file) and the Redactor that keeps every
// token it hands out from appearing in output.
//
// It is a leaf: it imports nothing from the module, holds no package-level
// state and reads the environment only through the getenv it is given.
// Keyring backends are not trusted because they open: each is probed with a
// write, read and delete of a throwaway item, and the reason one fails is
// kept and reported (keyring.Open itself only says "not available").
package secure
