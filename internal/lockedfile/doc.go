// Package lockedfile owns the two file-system guarantees awsfed makes for
// every file it writes: an exclusive lock that other awsfed processes honour
// (a lock file beside the file, released by the OS when its holder dies) and
// an atomic replace (temp file, fsync, rename, fsync of the directory) that
// keeps the owner and gives the mode asked for; caches, whose readers take
// a file lost or cut short by a crash for missing, may leave the fsyncs out.
// A writer that holds the lock
// also removes the temp files that writers killed before their rename left:
// they may hold secrets. It knows nothing of what the files contain.
package lockedfile
