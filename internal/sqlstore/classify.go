package sqlstore

import (
	"crypto/tls"
	"crypto/x509"
	sqldriver "database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// TLSFailed reports whether err is a TLS handshake that failed to
// authenticate the server or was refused: running again will not help, so
// a Dialect classifies it as ClassUnavailable.
func TLSFailed(err error) bool {
	var (
		certErr     *tls.CertificateVerificationError
		alertErr    tls.AlertError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	return errors.As(err, &certErr) || errors.As(err, &alertErr) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostErr) || errors.As(err, &invalidErr)
}

// ConnectionBroken reports whether err is the network or database/sql
// telling that the connection is gone (refused, reset, closed midway): a
// Dialect classifies it as ClassConnectionLost.
func ConnectionBroken(err error) bool {
	var netErr net.Error
	return errors.Is(err, sqldriver.ErrBadConn) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.As(err, &netErr)
}

// OnConflictUpsert is the clause of an INSERT that updates cols of the row
// whose key columns conflict, in the syntax SQLite and PostgreSQL share.
func OnConflictUpsert(key, cols []string) string {
	set := make([]string, len(cols))
	for i, c := range cols {
		set[i] = c + " = excluded." + c
	}
	return " ON CONFLICT (" + strings.Join(key, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}
