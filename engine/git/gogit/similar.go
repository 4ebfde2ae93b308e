package gogit

import (
	"bytes"
	"io"
	"sort"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// git's rename scores (diffcore.h): a pair is a rename at 50% similarity.
const (
	maxScore     = 60000
	minimumScore = 30000
	// renameLimit bounds the candidates as git's default diff.renameLimit
	// does; past it this backend pairs nothing inexactly (git would
	// still try with its larger status limit, so the count may differ).
	renameLimit = 1000
)

// spanCounts is git's diffcore-delta fingerprint of a blob: byte counts
// per hash of each line (or 64-byte span).
type spanCounts map[uint32]int

// similarRenames counts the pairs git's inexact rename detection would
// make between deleted (HEAD) and added (index) paths that exact matching
// left over: regular files only, scored as diffcore-rename's
// estimate_similarity, best scores paired first, each path used once.
func similarRenames(r *gogit.Repository, added, deleted []string, inIndex, inHead map[string]treeEntry) int {
	added = regular(added, inIndex)
	deleted = regular(deleted, inHead)
	if len(added) == 0 || len(deleted) == 0 || len(added) > renameLimit || len(deleted) > renameLimit {
		return 0
	}
	type blob struct {
		size  int
		spans spanCounts
	}
	load := func(h plumbing.Hash) (blob, bool) {
		b, err := object.GetBlob(r.Storer, h)
		if err != nil {
			return blob{}, false
		}
		rd, err := b.Reader()
		if err != nil {
			return blob{}, false
		}
		defer func() { _ = rd.Close() }()
		data, err := io.ReadAll(rd)
		if err != nil {
			return blob{}, false
		}
		return blob{len(data), hashSpans(data)}, true
	}
	type pair struct{ score, dst, src int }
	var pairs []pair
	srcs := make([]blob, len(deleted))
	srcOK := make([]bool, len(deleted))
	for i, p := range deleted {
		srcs[i], srcOK[i] = load(inHead[p].hash)
	}
	for d, p := range added {
		dst, ok := load(inIndex[p].hash)
		if !ok {
			continue
		}
		for s := range deleted {
			if !srcOK[s] {
				continue
			}
			if score := similarity(srcs[s].size, dst.size, srcs[s].spans, dst.spans); score >= minimumScore {
				pairs = append(pairs, pair{score, d, s})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].score > pairs[j].score })
	usedDst := map[int]bool{}
	usedSrc := map[int]bool{}
	n := 0
	for _, p := range pairs {
		if usedDst[p.dst] || usedSrc[p.src] {
			continue
		}
		usedDst[p.dst], usedSrc[p.src] = true, true
		n++
	}
	return n
}

// regular keeps the paths that are regular files: git pairs symlinks and
// submodules only when they match exactly.
func regular(paths []string, m map[string]treeEntry) []string {
	var out []string
	for _, p := range paths {
		if mode := m[p].mode; mode.IsRegular() || mode == filemode.Executable {
			out = append(out, p)
		}
	}
	return out
}

// similarity is estimate_similarity of git's diffcore-rename.c.
func similarity(srcSize, dstSize int, src, dst spanCounts) int {
	maxSize, baseSize := max(srcSize, dstSize), min(srcSize, dstSize)
	if uint64(maxSize)*(maxScore-minimumScore) < uint64(maxSize-baseSize)*maxScore {
		return 0
	}
	if dstSize == 0 {
		return 0
	}
	copied := 0
	for h, c := range src {
		copied += min(c, dst[h])
	}
	return int(uint64(copied) * maxScore / uint64(maxSize))
}

// hashSpans is hash_chars of git's diffcore-delta.c: spans end at a
// newline or after 64 bytes; a CR before LF is skipped in text (a blob
// without a NUL in its first 8000 bytes).
func hashSpans(buf []byte) spanCounts {
	const hashBase = 107927
	text := bytes.IndexByte(buf[:min(len(buf), 8000)], 0) < 0
	m := spanCounts{}
	var acc1, acc2 uint32
	n := 0
	for i := 0; i < len(buf); i++ {
		c := uint32(buf[i])
		if text && c == '\r' && i+1 < len(buf) && buf[i+1] == '\n' {
			continue
		}
		old1 := acc1
		acc1 = (acc1 << 7) ^ (acc2 >> 25)
		acc2 = (acc2 << 7) ^ (old1 >> 25)
		acc1 += c
		n++
		if n < 64 && c != '\n' {
			continue
		}
		m[(acc1+acc2*0x61)%hashBase] += n
		n, acc1, acc2 = 0, 0, 0
	}
	if n > 0 {
		m[(acc1+acc2*0x61)%hashBase] += n
	}
	return m
}
