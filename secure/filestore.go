package secure

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	jose "github.com/dvsekhvalnov/jose2go"
	"golang.org/x/crypto/argon2"
)

// MinPasswordLen is the shortest MGIT_KEYRING_PASSWORD the file keyring
// accepts. The file is only as strong as the password that derives its
// key: a short one falls to an offline guess whatever the work factor.
const MinPasswordLen = 12

// ErrWrongPassword is wrapped when MGIT_KEYRING_PASSWORD does not open an
// item of the file keyring.
var ErrWrongPassword = errors.New("wrong keyring password")

// kdfParams are Argon2id's costs. Each file records its own, so the
// default can rise without breaking older files (they are rewritten with
// the default on their first successful read).
type kdfParams struct {
	Time      uint32 `json:"t"`
	MemoryKiB uint32 `json:"m"`
	Threads   uint8  `json:"p"`
}

// defaultKDF is OWASP's Argon2id recommendation (Password Storage Cheat
// Sheet, 2023 and later): 19 MiB, 2 passes, 1 lane. The older format was
// PBKDF2 with 8,192 rounds (jose2go's default), a 70th of OWASP's 600,000.
var defaultKDF = kdfParams{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}

func (p kdfParams) weakerThan(q kdfParams) bool {
	return p.Time < q.Time || p.MemoryKiB < q.MemoryKiB
}

// fileVersion is the file format written today; files that are not JSON
// are the older JWE format of 99designs/keyring.
const fileVersion = 2

// fileItem is one item on disk: AES-256-GCM under an Argon2id key. The
// associated data binds the ciphertext to the item's key and parameters,
// so a file renamed to another item's name does not open.
type fileItem struct {
	Version int    `json:"v"`
	KDF     string `json:"kdf"`
	kdfParams
	Salt   []byte `json:"salt"`
	Nonce  []byte `json:"nonce"`
	Cipher []byte `json:"ct"`
}

func (it *fileItem) aad(key string) []byte {
	return fmt.Appendf(nil, "mgit file keyring v%d\x00%s\x00t=%d m=%d p=%d\x00%s",
		it.Version, it.KDF, it.Time, it.MemoryKiB, it.Threads, key)
}

// fileStore is mgit's encrypted file backend: one file per item, 0600 in
// a 0700 directory, the key derived from MGIT_KEYRING_PASSWORD. It
// replaces 99designs/keyring's file backend, whose PBKDF2 rounds are
// fixed at 8,192, and still reads that backend's files.
type fileStore struct {
	dir      string
	password string
	// oldPassword (MGIT_KEYRING_OLD_PASSWORD) opens items the password
	// does not; they are re-encrypted under the password on that read.
	oldPassword string
	kdf         kdfParams

	mu   sync.Mutex
	keys map[string][]byte // derived keys by parameters and salt
	salt []byte            // of this process's writes
}

// checkPassword applies the password policy.
func checkPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen {
		return fmt.Errorf("%s is %d characters long; the file keyring needs at least %d "+
			"(a passphrase of several words is easiest). To keep the tokens stored under the old one, "+
			"set %s to it once: they are re-encrypted under the new password as they are read", EnvPassword, n, MinPasswordLen, EnvOldPassword)
	}
	return nil
}

func newFileStore(dir, password, oldPassword string, kdf kdfParams) (*fileStore, error) {
	if err := checkPassword(password); err != nil {
		return nil, err
	}
	if err := EnsurePrivateDir(dir); err != nil {
		return nil, err
	}
	return &fileStore{dir: dir, password: password, oldPassword: oldPassword, kdf: kdf, keys: map[string][]byte{}}, nil
}

func (f *fileStore) name() string { return BackendFile }

// path is the file of an item: characters other than letters, digits,
// '.', '_' and '-' are escaped, so no key names another directory.
// Older files kept ':' as it was ("token:work"); those keys are only read.
func (f *fileStore) path(key string) string {
	var b strings.Builder
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == ':' && strings.HasPrefix(key, legacyPrefix) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return filepath.Join(f.dir, b.String())
}

// probe checks that the directory takes a new file: cheaper than an
// encrypted round trip, and the same question.
func (f *fileStore) probe() error {
	tmp, err := os.CreateTemp(f.dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("probe write: %w", err)
	}
	_ = tmp.Close()
	if err := os.Remove(tmp.Name()); err != nil {
		return fmt.Errorf("probe delete: %w", err)
	}
	return nil
}

func (f *fileStore) get(key string) ([]byte, error) {
	p := f.path(key)
	data, err := os.ReadFile(p) // #nosec G304 -- an escaped name inside mgit's keyring directory
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	val, upgrade, err := f.open(key, data, f.password)
	if errors.Is(err, ErrWrongPassword) && f.oldPassword != "" {
		// Changing the password: the old one opens it, the new one will.
		if v, _, oerr := f.open(key, data, f.oldPassword); oerr == nil {
			val, upgrade, err = v, true, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("the keyring password in %s does not open %s: %w (set the password the tokens were stored with; "+
			"to change it, put the old one in %s; or delete the file and run mgit login again)", EnvPassword, p, err, EnvOldPassword)
	}
	if upgrade {
		// Re-encrypted with today's work factor; the modification time is
		// kept because it says when the token was stored (legacy items are
		// attributed by it, see items.go).
		if fi, serr := os.Stat(p); serr == nil {
			if werr := f.set(key, "", val); werr == nil {
				_ = os.Chtimes(p, fi.ModTime(), fi.ModTime())
			}
		}
	}
	return val, nil
}

// open decrypts data, and says whether it should be rewritten in today's
// format.
func (f *fileStore) open(key string, data []byte, password string) (val []byte, upgrade bool, err error) {
	if len(data) == 0 || data[0] != '{' {
		return openLegacy(key, data, password)
	}
	var it fileItem
	if err := json.Unmarshal(data, &it); err != nil {
		return nil, false, fmt.Errorf("damaged file: %w", err)
	}
	if it.Version != fileVersion || it.KDF != "argon2id" || it.Threads == 0 {
		return nil, false, fmt.Errorf("unknown format v%d %s (written by a newer mgit?)", it.Version, it.KDF)
	}
	aead, err := f.aead(password, it.kdfParams, it.Salt)
	if err != nil {
		return nil, false, err
	}
	if len(it.Nonce) != aead.NonceSize() {
		return nil, false, errors.New("damaged file: bad nonce")
	}
	val, err = aead.Open(nil, it.Nonce, it.Cipher, it.aad(key))
	if err != nil {
		return nil, false, ErrWrongPassword
	}
	return val, it.kdfParams.weakerThan(f.kdf), nil
}

// openLegacy reads 99designs/keyring's JWE (PBES2-HS256+A128KW, PBKDF2
// with 8,192 rounds): its payload is a JSON keyring.Item. The item names
// its key inside the encryption; a file holding another key (copied or
// renamed over this one) is refused, as today's format refuses it through
// its associated data.
func openLegacy(key string, data []byte, password string) ([]byte, bool, error) {
	payload, _, err := jose.Decode(strings.TrimSpace(string(data)), password)
	if err != nil {
		// jose2go says "aes.KeyUnwrap(): integrity check failed".
		return nil, false, fmt.Errorf("%w (older format)", ErrWrongPassword)
	}
	var item struct {
		Key  string `json:"Key"`
		Data []byte `json:"Data"`
	}
	if err := json.Unmarshal([]byte(payload), &item); err != nil {
		return nil, false, fmt.Errorf("damaged file (older format): %w", err)
	}
	if item.Key != "" && item.Key != key {
		return nil, false, fmt.Errorf("damaged file (older format): it holds %q, not %q", item.Key, key)
	}
	return item.Data, true, nil
}

// aead derives (once per password, parameters and salt) the item key.
func (f *fileStore) aead(password string, p kdfParams, salt []byte) (cipher.AEAD, error) {
	if p.MemoryKiB > 1<<20 || p.Time > 64 || len(salt) < 16 { // a planted file must not take GiBs
		return nil, errors.New("damaged file: implausible key derivation parameters")
	}
	id := fmt.Sprintf("%t/%d/%d/%d/%x", password == f.password, p.Time, p.MemoryKiB, p.Threads, salt)
	f.mu.Lock()
	k, ok := f.keys[id]
	if !ok {
		k = argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, 32)
		f.keys[id] = k
	}
	f.mu.Unlock()
	block, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// set writes the item atomically (a temporary file renamed over it).
// One salt serves every write of this process: a key derivation per
// write would cost a second each for nothing.
func (f *fileStore) set(key, _ string, val []byte) error {
	it := fileItem{Version: fileVersion, KDF: "argon2id", kdfParams: f.kdf, Salt: f.writeSalt()}
	aead, err := f.aead(f.password, it.kdfParams, it.Salt)
	if err != nil {
		return err
	}
	it.Nonce = make([]byte, aead.NonceSize())
	if _, err := rand.Read(it.Nonce); err != nil {
		return err
	}
	it.Cipher = aead.Seal(nil, it.Nonce, val, it.aad(key))
	data, err := json.Marshal(&it)
	if err != nil {
		return err
	}
	return writeFileAtomic(f.path(key), data)
}

func (f *fileStore) writeSalt() []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.salt == nil {
		f.salt = make([]byte, 16)
		_, _ = rand.Read(f.salt) // crypto/rand.Read does not fail (Go 1.24+)
	}
	return f.salt
}

func (f *fileStore) remove(key string) error {
	err := os.Remove(f.path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotFound
	}
	return err
}

// modTime is when the item was last written.
func (f *fileStore) modTime(key string) (time.Time, error) {
	fi, err := os.Stat(f.path(key))
	if err != nil {
		return time.Time{}, err
	}
	return fi.ModTime(), nil
}

// writeFileAtomic replaces path with data (0600): a synced temporary file
// renamed over path, then the directory synced so the rename survives a
// crash. It is a copy of engine/atomicfile.Write, kept because secure
// imports nothing of the module; keep the two alike.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return fmt.Errorf("write %s: sync directory: %w", path, err)
	}
	return nil
}

// syncDir fsyncs a directory (nothing on Windows, which cannot open one
// for syncing).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}
