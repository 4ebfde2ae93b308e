package gitobj

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// CommitGraph is what git's ahead/behind walk takes from the commit-graph
// (objects/info/commit-graph, or a chain under objects/info/commit-graphs):
// each commit's generation number. git orders its merge-base search by
// generation when the graph has corrected commit dates, which changes its
// answer on a history with a skewed clock, so the walk must do the same.
type CommitGraph struct {
	layers []graphLayer // base first
	// corrected is git's corrected_commit_dates_enabled: every layer has
	// generation data (GDA2).
	corrected bool
	// enabled is generation_numbers_enabled: the top layer's first commit
	// has a topological level.
	enabled bool
}

type graphLayer struct {
	b                             []byte
	fanout, oids, cdat, gdat, go2 []byte
	n                             int
}

// generationInfinity is git's GENERATION_NUMBER_INFINITY: a commit not in
// the graph.
const generationInfinity = uint64(1)<<63 - 1

// OpenCommitGraph reads the commit-graph of an object directory as git
// 2.39 would (the single file first, else the chain). It returns nil
// without error when there is none; a file it cannot read the way git
// does is ErrNeedGit.
func OpenCommitGraph(objects string) (*CommitGraph, error) {
	info := filepath.Join(objects, "info")
	var files []string
	if _, err := os.Stat(filepath.Join(info, "commit-graph")); err == nil {
		files = []string{filepath.Join(info, "commit-graph")}
	} else {
		b, err := os.ReadFile(filepath.Join(info, "commit-graphs", "commit-graph-chain"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("commit-graph chain: %v: %w", err, ErrNeedGit)
		}
		for _, h := range strings.Fields(string(b)) {
			if !isSHA1(h) {
				return nil, fmt.Errorf("commit-graph chain: bad line: %w", ErrNeedGit)
			}
			files = append(files, filepath.Join(info, "commit-graphs", "graph-"+h+".graph"))
		}
		if len(files) == 0 {
			return nil, nil
		}
	}
	g := &CommitGraph{corrected: true}
	for _, f := range files {
		l, err := readGraphLayer(f)
		if err != nil {
			return nil, err
		}
		if l.gdat == nil {
			g.corrected = false
		}
		g.layers = append(g.layers, l)
	}
	top := g.layers[len(g.layers)-1]
	g.enabled = top.n > 0 && binary.BigEndian.Uint32(top.cdat[28:])>>2 != 0
	if top.n == 0 {
		g.corrected = false
	}
	return g, nil
}

func readGraphLayer(path string) (graphLayer, error) {
	bad := func(why string) (graphLayer, error) {
		return graphLayer{}, fmt.Errorf("commit-graph %s: %s: %w", filepath.Base(path), why, ErrNeedGit)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return bad(err.Error())
	}
	if len(b) < 8+12 || string(b[:4]) != "CGPH" || b[4] != 1 || b[5] != 1 {
		return bad("not a version 1 SHA-1 graph")
	}
	l := graphLayer{b: b}
	chunks := int(b[6])
	for i := range chunks {
		off := 8 + 12*i
		if off+24 > len(b) {
			return bad("truncated chunk table")
		}
		id := string(b[off : off+4])
		start, end := binary.BigEndian.Uint64(b[off+4:]), binary.BigEndian.Uint64(b[off+16:])
		if start > end || end > uint64(len(b)) {
			return bad("chunk out of range")
		}
		data := b[start:end]
		switch id {
		case "OIDF":
			l.fanout = data
		case "OIDL":
			l.oids = data
		case "CDAT":
			l.cdat = data
		case "GDA2": // "GDAT" of git before 2.36 is ignored, as git does
			l.gdat = data
		case "GDO2":
			l.go2 = data
		}
	}
	if len(l.fanout) != 256*4 || l.oids == nil || l.cdat == nil {
		return bad("missing chunks")
	}
	l.n = int(binary.BigEndian.Uint32(l.fanout[255*4:]))
	if len(l.oids) != l.n*20 || len(l.cdat) != l.n*36 || (l.gdat != nil && len(l.gdat) != l.n*4) {
		return bad("chunk sizes disagree")
	}
	return l, nil
}

// generation is commit_graph_generation for a commit with committer date
// date: its corrected commit date or topological level when in the graph,
// else generationInfinity.
func (g *CommitGraph) generation(sha string) uint64 {
	if g == nil {
		return generationInfinity
	}
	h, err := hex.DecodeString(sha)
	if err != nil || len(h) != 20 {
		return generationInfinity
	}
	for _, l := range g.layers {
		lo := 0
		if h[0] > 0 {
			lo = int(binary.BigEndian.Uint32(l.fanout[(int(h[0])-1)*4:]))
		}
		hi := int(binary.BigEndian.Uint32(l.fanout[int(h[0])*4:]))
		for lo < hi {
			m := (lo + hi) / 2
			switch c := bytes.Compare(l.oids[m*20:m*20+20], h); {
			case c == 0:
				return g.layerGeneration(l, m)
			case c < 0:
				lo = m + 1
			default:
				hi = m
			}
		}
	}
	return generationInfinity
}

func (g *CommitGraph) layerGeneration(l graphLayer, i int) uint64 {
	rec := l.cdat[i*36:]
	genHi := binary.BigEndian.Uint32(rec[28:])
	if !g.corrected {
		return uint64(genHi >> 2)
	}
	date := uint64(genHi&3)<<32 | uint64(binary.BigEndian.Uint32(rec[32:]))
	off := uint64(binary.BigEndian.Uint32(l.gdat[i*4:]))
	if off&0x80000000 != 0 {
		j := int(off &^ 0x80000000)
		if (j+1)*8 > len(l.go2) {
			return generationInfinity
		}
		off = binary.BigEndian.Uint64(l.go2[j*8:])
	}
	return date + off
}
