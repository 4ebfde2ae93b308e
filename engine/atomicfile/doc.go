// Package atomicfile is mgit's one way to replace a file whole: the state
// cache (engine/state) and the configuration file (app/config) write
// through Write, so a crash or a power cut leaves the old file or the new
// one, never a torn or empty one.
//
// secure writes its encrypted token files with its own copy of the same
// steps (secure/filestore.go writeFileAtomic): secure imports nothing of
// the module, so it cannot call this one. Both fsync the file and then the
// directory; keep them alike.
package atomicfile
