package redact

import (
	"net/url"
	"strings"
)

// Param reports whether a query parameter or configuration key called
// name carries a credential: GitLab's private_token, OAuth's access_token
// and client_secret, API keys, passwords, personal access tokens, and the
// signatures of signed URLs. Case, '-' and '_' do not matter
// ("X-Amz-Signature" is "x_amz_signature").
//
// Paging cursors are not credentials: continuationToken, page_token,
// cursor and the like pass (see the package doc).
func Param(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	switch n {
	case "token", "auth", "authorization", "key", "apikey", "sig", "signature", "code",
		"pat", "password", "passwd", "pwd", "secret", "credential", "credentials":
		return true
	case "continuationtoken", "continuation_token", "page_token", "next_token", "pagetoken", "nexttoken":
		return false
	}
	for _, suffix := range [...]string{"_token", "_key", "_secret", "_signature", "_sig",
		"_password", "_pat", "_credential", "_credentials", "_code", "_auth"} {
		if strings.HasSuffix(n, suffix) {
			return true
		}
	}
	for _, part := range [...]string{"password", "passwd", "secret", "apikey", "accesstoken", "privatetoken"} {
		if strings.Contains(n, part) {
			return true
		}
	}
	return false
}

// queryValue recognises "name=value" starting at s[i], just after a '?' or
// '&', where name is a credential parameter (Param), and returns the span
// of the value, else (0, 0). A value masked already is left alone.
func queryValue(s string, i int) (int, int) {
	j := i
	for j < len(s) && (isAlnum(s[j]) || s[j] == '_' || s[j] == '-' || s[j] == '.') {
		j++
	}
	if j == i || j >= len(s) || s[j] != '=' || !Param(s[i:j]) {
		return 0, 0
	}
	j++
	if strings.HasPrefix(s[j:], Mask) {
		return 0, 0
	}
	e := j
	for e < len(s) && s[e] != '&' && s[e] != '#' && !isValueEnd(s[e]) {
		e++
	}
	if e == j {
		return 0, 0
	}
	return j, e
}

// UserMask replaces the user information of a URL: it goes whole, because
// a token may be the password or, alone, the user name
// (https://TOKEN@host/...).
const UserMask = "xxxxx"

// URL returns raw fit for a message, a log line or a cache key shown to a
// user: the user information replaced by UserMask, the value of every
// credential query parameter (Param) and of every query value shaped like
// a token replaced by Mask, and any other credential shape masked (Text).
// Query order is kept. A URL that does not parse (a bad port, a control
// character) is redacted textually: it may still carry a password.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Text(cutUserinfo(raw))
	}
	if u.User != nil {
		u.User = url.User(UserMask)
	}
	if u.RawQuery != "" {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	return Text(u.String())
}

// redactQuery masks the values of credential parameters and token-shaped
// values in a raw query, keeping its order and encoding otherwise.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || v == "" {
			continue
		}
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		if Param(name) || Text(val) != val {
			parts[i] = k + "=" + Mask
		}
	}
	return strings.Join(parts, "&")
}

// cutUserinfo cuts the user information out of a URL that url.Parse
// refused: everything between "://" and the last "@" before the next "/".
// Text without "://" (the scp-like user@host:path, whose user is not a
// secret) is returned as is.
func cutUserinfo(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return raw
	}
	start := i + len("://")
	authority := raw[start:]
	if slash := strings.IndexByte(authority, '/'); slash >= 0 {
		authority = authority[:slash]
	}
	at := strings.LastIndexByte(authority, '@')
	if at < 0 {
		return raw
	}
	return raw[:start] + UserMask + raw[start+at:]
}
