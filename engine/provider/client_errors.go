package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mgit-dev/mgit/engine/humanize"
	"github.com/mgit-dev/mgit/engine/redact"
)

// HTTPError is a failed exchange; it wraps one of the Err sentinels.
type HTTPError struct {
	Method, URL string // URL with secret query values redacted
	Status      int
	// Message is the server's explanation when it gave one (trimmed).
	Message string
	Err     error
}

func (e *HTTPError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s + ": " + e.Err.Error()
}

func (e *HTTPError) Unwrap() error { return e.Err }

// RateLimitError says a rate limit would take longer than MaxWait to reset.
// It wraps ErrRateLimited.
type RateLimitError struct {
	URL   string
	Reset time.Time // zero when the server did not say
	Wait  time.Duration
}

func (e *RateLimitError) Error() string {
	if e.Reset.IsZero() {
		return fmt.Sprintf("GET %s: %s (raise --max-wait or retry later)", e.URL, ErrRateLimited)
	}
	return fmt.Sprintf("GET %s: %s for %s, more than the maximum wait (raise --max-wait or retry after %s)",
		e.URL, ErrRateLimited, e.Wait.Round(time.Second), e.Reset.UTC().Format(time.RFC3339))
}

func (e *RateLimitError) Unwrap() error { return ErrRateLimited }

// statusError classifies a final non-2xx response.
func statusError(u *url.URL, resp *response) *HTTPError {
	e := &HTTPError{Method: http.MethodGet, URL: redact.URL(u.String()), Status: resp.Status,
		Message: serverMessage(resp.Body)}
	switch resp.Status {
	case http.StatusUnauthorized:
		e.Err = ErrUnauthorized
	case http.StatusForbidden:
		e.Err = ErrForbidden
	case http.StatusNotFound:
		e.Err = ErrNotFound
	case http.StatusTooManyRequests:
		e.Err = ErrRateLimited
	default:
		e.Err = ErrBadResponse
	}
	return e
}

// serverMessage extracts a short explanation from an error body: the
// "message"/"error"/"errorMessage" JSON field most APIs use, else nothing.
// Credential shapes are masked first (a server may echo the request, token
// and all), then the text is cut to 200 columns.
func serverMessage(body []byte) string {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return ""
	}
	for _, k := range []string{"message", "error_description", "error", "errorMessage"} {
		switch v := m[k].(type) {
		case string:
			return humanize.Truncate(redact.Text(strings.TrimSpace(v)), 200)
		case map[string]any: // Bitbucket Cloud: {"error": {"message": …}}
			if s, ok := v["message"].(string); ok {
				return humanize.Truncate(redact.Text(strings.TrimSpace(s)), 200)
			}
		}
	}
	return ""
}
