// Package credroute decides which token goes where: it implements the
// engine's credential source (engine.CredentialSource and
// engine.RepoCredentialSource) over the configured provider accounts.
//
// The rules: a provider's token goes to its own git host only (the host of
// engine/provider's kind table, or of its self-hosted URL, or one learned
// from its listing on the same hostname); a repository a provider listed
// gets that provider's token and, listed on a foreign host, none at all;
// on a host several providers serve, a repository found on disk gets the
// token of the provider whose org or owners name its remote's owner, else
// the default's; every other HTTPS host gets MGIT_TOKEN. Every credential
// carries a hint that names where its token came from and the fix.
//
// It knows no keyring and no configuration file: the caller hands it the
// accounts and a function that looks a token up (the credential store).
package credroute
