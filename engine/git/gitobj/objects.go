package gitobj

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// This file reads one commit object straight from the object database, so
// Status needs a single git process (git status) instead of two. It handles
// the common shapes — a loose object, or an undeltified object in a pack with
// a version-2 index — and reports ErrNeedGit for everything else (deltified
// commits, alternates, SHA-256, multi-pack-index only, unusual layouts), in
// which case the caller asks git.

// ErrNeedGit means the fast path cannot read the object; ask git instead.
var ErrNeedGit = errors.New("object not readable in-process")

// maxCommitSize bounds what the fast path inflates; bigger commits (huge
// messages) go through git.
const maxCommitSize = 1 << 20

// ObjectsDir finds the object directory of the work tree at dir: .git may be
// a directory or a "gitdir:" file (worktrees, submodules), and a linked
// worktree keeps its objects in the common directory.
func ObjectsDir(dir string) (string, error) {
	common, err := CommonDir(dir)
	if err != nil {
		return "", ErrNeedGit
	}
	return filepath.Join(common, "objects"), nil
}

// ReadCommit returns the body of commit oid from the object directory.
func ReadCommit(objects, oid string) ([]byte, error) {
	if len(oid) != 40 {
		return nil, ErrNeedGit
	}
	hash, err := hex.DecodeString(oid)
	if err != nil {
		return nil, ErrNeedGit
	}
	body, err := readLoose(filepath.Join(objects, oid[:2], oid[2:]))
	if !errors.Is(err, os.ErrNotExist) {
		return body, err
	}
	packDir := filepath.Join(objects, "pack")
	entries, err := os.ReadDir(packDir)
	if err != nil {
		return nil, ErrNeedGit
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".idx") {
			continue
		}
		off, found, err := lookupIdx(filepath.Join(packDir, name), hash)
		if err != nil {
			return nil, err
		}
		if found {
			return readPacked(filepath.Join(packDir, strings.TrimSuffix(name, ".idx")+".pack"), off)
		}
	}
	return nil, ErrNeedGit
}

// readLoose inflates a loose object and checks that it is a commit.
func readLoose(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		return nil, ErrNeedGit
	}
	defer f.Close()
	zr, err := zlib.NewReader(bufio.NewReaderSize(f, 4096))
	if err != nil {
		return nil, ErrNeedGit
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	hdr, err := br.ReadString(0)
	if err != nil {
		return nil, ErrNeedGit
	}
	typ, size, ok := strings.Cut(strings.TrimSuffix(hdr, "\x00"), " ")
	n, err := strconv.Atoi(size)
	if !ok || typ != "commit" || err != nil || n < 0 || n > maxCommitSize {
		return nil, ErrNeedGit
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, ErrNeedGit
	}
	return body, nil
}

const (
	idxHeader = 8 // magic + version
	idxFanout = 256 * 4
)

// lookupIdx binary-searches a version-2 pack index for hash, reading only
// the fan-out table and the hash bucket, and returns the object's offset in
// the pack.
func lookupIdx(path string, hash []byte) (int64, bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false, ErrNeedGit
	}
	defer f.Close()
	var head [idxHeader + idxFanout]byte
	if _, err := f.ReadAt(head[:], 0); err != nil {
		return 0, false, ErrNeedGit
	}
	if !bytes.Equal(head[:4], []byte{0xff, 't', 'O', 'c'}) || binary.BigEndian.Uint32(head[4:8]) != 2 {
		return 0, false, ErrNeedGit
	}
	fan := func(i int) int64 { return int64(binary.BigEndian.Uint32(head[idxHeader+4*i:])) }
	total := fan(255)
	var lo int64
	if hash[0] > 0 {
		lo = fan(int(hash[0]) - 1)
	}
	hi := fan(int(hash[0]))
	if hi < lo || hi > total {
		return 0, false, ErrNeedGit
	}
	if hi == lo {
		return 0, false, nil
	}
	names := make([]byte, (hi-lo)*20)
	if _, err := f.ReadAt(names, idxHeader+idxFanout+lo*20); err != nil {
		return 0, false, ErrNeedGit
	}
	i, j := 0, int(hi-lo)
	for i < j {
		m := (i + j) / 2
		switch c := bytes.Compare(names[m*20:m*20+20], hash); {
		case c == 0:
			i, j = m, -1
		case c < 0:
			i = m + 1
		default:
			j = m
		}
	}
	if j != -1 {
		return 0, false, nil
	}
	pos := lo + int64(i)
	var b4 [4]byte
	offTable := idxHeader + idxFanout + total*24 // names (20) + CRCs (4)
	if _, err := f.ReadAt(b4[:], offTable+pos*4); err != nil {
		return 0, false, ErrNeedGit
	}
	off := int64(binary.BigEndian.Uint32(b4[:]))
	if off&0x80000000 != 0 {
		var b8 [8]byte
		if _, err := f.ReadAt(b8[:], offTable+total*4+(off&0x7fffffff)*8); err != nil {
			return 0, false, ErrNeedGit
		}
		off = int64(binary.BigEndian.Uint64(b8[:]))
	}
	return off, true, nil
}

// objCommit is the pack type code of a commit (OBJ_COMMIT).
const objCommit = 1

// readPacked inflates the object at off in a pack. Deltified objects
// (types 6 and 7) are left to git.
func readPacked(path string, off int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, ErrNeedGit
	}
	defer f.Close()
	br := bufio.NewReaderSize(io.NewSectionReader(f, off, 1<<62), 4096)
	c, err := br.ReadByte()
	if err != nil {
		return nil, ErrNeedGit
	}
	typ := (c >> 4) & 7
	size := int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if c, err = br.ReadByte(); err != nil || shift > 56 {
			return nil, ErrNeedGit
		}
		size |= int64(c&0x7f) << shift
	}
	if typ != objCommit || size > maxCommitSize {
		return nil, ErrNeedGit
	}
	zr, err := zlib.NewReader(br)
	if err != nil {
		return nil, ErrNeedGit
	}
	defer zr.Close()
	body := make([]byte, size)
	if _, err := io.ReadFull(zr, body); err != nil {
		return nil, fmt.Errorf("read packed commit: %w", ErrNeedGit)
	}
	return body, nil
}
