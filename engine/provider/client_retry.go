package provider

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"syscall"
)

// errReadBody marks a failure while reading a response body: the
// connection broke mid-answer, which another attempt may not repeat.
var errReadBody = errors.New("read body")

// retryable says whether another attempt may succeed: timeouts, a reset or
// refused connection, a connection closed mid-answer. Everything else is
// permanent: a verdict, a bad certificate, an unknown host, a redirect
// loop, an unsupported scheme. *url.Error is unwrapped first because it
// satisfies net.Error whatever it wraps.
func retryable(err error) bool {
	var he *HTTPError
	var ce *tls.CertificateVerificationError
	if errors.As(err, &he) || errors.As(err, &ce) {
		return false // a verdict or a bad certificate: trying again changes nothing
	}
	if errors.Is(err, errReadBody) {
		return true
	}
	for {
		var ue *url.Error
		if !errors.As(err, &ue) {
			break
		}
		err = ue.Err
	}
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	var ne net.Error
	return (errors.As(err, &ne) && ne.Timeout()) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}
