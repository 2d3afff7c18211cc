package db

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on path, waiting for it: goose
// has no locker for SQLite, and two processes (a server starting while
// `passerelle migrate` runs) must not apply the same migration twice.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
