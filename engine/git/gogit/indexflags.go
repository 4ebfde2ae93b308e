package gogit

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"errors"
)

// go-git's index format has no field for git's "assume valid" bit (set by
// git update-index --assume-unchanged), so an index it writes loses it:
// local state a person set on purpose. This file finds the entries that
// carry the bit in the old index and sets it again in the new one.

const assumeValid = 0x8000

// indexFlagOffsets returns, for every entry of a raw index (version 2, 3
// or 4), the offset of its 16-bit flags field.
func indexFlagOffsets(raw []byte) (map[string]int, error) {
	bad := errors.New("index: malformed")
	if len(raw) < 12+20 || string(raw[:4]) != "DIRC" {
		return nil, bad
	}
	version := binary.BigEndian.Uint32(raw[4:8])
	n := int(binary.BigEndian.Uint32(raw[8:12]))
	if version < 2 || version > 4 {
		return nil, bad
	}
	offsets := make(map[string]int, n)
	pos, prev := 12, ""
	for i := 0; i < n; i++ {
		start := pos
		flagsAt := start + 60
		if flagsAt+2 > len(raw) {
			return nil, bad
		}
		flags := binary.BigEndian.Uint16(raw[flagsAt:])
		nameAt := flagsAt + 2
		if flags&0x4000 != 0 {
			nameAt += 2
		}
		if nameAt > len(raw) {
			return nil, bad
		}
		var name string
		if version == 4 {
			strip, used := decodeVarint(raw[nameAt:])
			if used == 0 || int(strip) > len(prev) {
				return nil, bad
			}
			end := bytes.IndexByte(raw[nameAt+used:], 0)
			if end < 0 {
				return nil, bad
			}
			name = prev[:len(prev)-int(strip)] + string(raw[nameAt+used:nameAt+used+end])
			pos = nameAt + used + end + 1
		} else {
			end := bytes.IndexByte(raw[nameAt:], 0)
			if end < 0 {
				return nil, bad
			}
			name = string(raw[nameAt : nameAt+end])
			pos = start + (nameAt-start+len(name)+8)&^7
		}
		offsets[name] = flagsAt
		prev = name
	}
	return offsets, nil
}

// decodeVarint is git's decode_varint (the offset encoding of index v4).
func decodeVarint(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	val := uint64(c & 127)
	i := 1
	for c&128 != 0 {
		if i >= len(b) {
			return 0, 0
		}
		val++
		c = b[i]
		i++
		val = val<<7 | uint64(c&127)
	}
	return val, i
}

// assumedValid lists the entries of a raw index that carry the bit.
func assumedValid(raw []byte) (map[string]bool, error) {
	if raw == nil {
		return nil, nil
	}
	offs, err := indexFlagOffsets(raw)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for name, at := range offs {
		if binary.BigEndian.Uint16(raw[at:])&assumeValid != 0 {
			out[name] = true
		}
	}
	return out, nil
}

// setAssumedValid sets the bit on the named entries of a raw index that
// go-git just encoded, and rewrites its trailing checksum.
func setAssumedValid(raw []byte, names map[string]bool) error {
	if len(names) == 0 {
		return nil
	}
	offs, err := indexFlagOffsets(raw)
	if err != nil {
		return err
	}
	for name := range names {
		if at, ok := offs[name]; ok {
			binary.BigEndian.PutUint16(raw[at:], binary.BigEndian.Uint16(raw[at:])|assumeValid)
		}
	}
	sum := sha1.Sum(raw[:len(raw)-sha1.Size])
	copy(raw[len(raw)-sha1.Size:], sum[:])
	return nil
}
