// Package state is mgit's on-disk cache of what it last knew, under
// $XDG_CACHE_HOME/mgit (or ~/.cache/mgit):
//
//   - Store keeps, per workspace root, the last status and the last
//     operation's result of every repository, so the dashboard can paint at
//     once and refresh in the background;
//   - Listings implements provider.Cache: provider listing bodies with the
//     ETag that makes the next request conditional;
//   - DirtyHints remembers which repositories git last found dirty, with
//     their index file's stat data, so status asks git for them at once
//     instead of first trying to prove them clean in-process.
//
// Everything here is a cache: files are written atomically (temporary file
// and rename, 0600 in a 0700 directory), and a file that is corrupt or of
// another version is discarded with a warning, never a fatal error. It
// holds no credentials. It imports nothing of the presenters.
package state
