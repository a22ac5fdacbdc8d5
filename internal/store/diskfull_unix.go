//go:build linux || darwin

package store

import (
	"os"
	"path/filepath"
	"syscall"
)

// writeMargin bounds the largest single write SQLite makes to one of its
// files: a database page with its WAL frame header (pages are at most
// 64 KiB) or one 32 KiB region of the -shm file. A file closer than this to
// the size limit, or a disk with less than this free, can fail the next
// write with EFBIG or ENOSPC.
const writeMargin = 64<<10 + 24

// outOfSpace reports whether a write to the database at path can fail now
// for want of room: the disk holding it has less than writeMargin bytes
// available, or the process's file size limit (RLIMIT_FSIZE) is within
// writeMargin of the size of the database or its -wal or -shm file.
func outOfSpace(path string) bool {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(path), &fs); err == nil && fs.Bsize > 0 &&
		fs.Bavail < writeMargin/uint64(fs.Bsize)+1 { // Bsize is int64 on Linux, uint32 on macOS
		return true
	}
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil || lim.Cur == ^uint64(0) {
		return false
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err == nil && uint64(fi.Size())+writeMargin > lim.Cur {
			return true
		}
	}
	return false
}
