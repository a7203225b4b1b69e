package mysqlstore

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"

	"github.com/go-sql-driver/mysql"

	"github.com/gomlmd/gomlmd/internal/sqlstore"
	"github.com/gomlmd/gomlmd/mlmd/errcode"
)

// More MySQL and MariaDB error numbers, of what Open may meet.
const (
	erTableAccessDenied = 1142 // a command denied to the user on a table
	erAccessDeniedNoPw  = 1698 // access denied, MariaDB's and MySQL's variant for some auth plugins and unknown users
	erDataOutOfRange    = 1690 // BIGINT/DOUBLE value is out of range in an expression
)

// opCreateDatabase is what Open does first, unless skip_db_creation is set.
const opCreateDatabase = "create the database"

// openError gives an error met while Open connects its code (see the
// package documentation, "Time bounds and errors"): Unavailable for what
// may pass, another code for what will not, and a message that says what
// failed without the server's address, the database's name or SQL text,
// which stay in the cause for the log.
func openError(err error, cfg *mysql.Config, what string) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	code, why := openErrorCode(err)
	var me *mysql.MySQLError
	if what == opCreateDatabase && errors.As(err, &me) && (me.Number == erDBAccessDenied || me.Number == erTableAccessDenied) {
		why = "access denied: the user may not create databases (if the database exists, set skip_db_creation)"
	}
	cause := fmt.Errorf("%s(%s)/%s as %q: %w", cfg.Net, cfg.Addr, cfg.DBName, cfg.User, err)
	return errcode.Wrap(code, cause, "mysqlstore: %s: %s", what, why)
}

// openErrorCode classifies an error of opening a connection.
func openErrorCode(err error) (errcode.Code, string) {
	var (
		me       *mysql.MySQLError
		dnsErr   *net.DNSError
		timeout  *timeoutError
		tooMany  *tooManyConnectionsError
		certErr  *tls.CertificateVerificationError
		alertErr tls.AlertError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &timeout):
		return errcode.Unavailable, "the database server does not answer (timeout)"
	case errors.As(err, &tooMany):
		return errcode.Unavailable, "the database server has too many connections"
	case errors.As(err, &me):
		switch me.Number {
		case erAccessDenied, erAccessDeniedNoPw:
			return errcode.Unauthenticated, "access denied: the database server rejected the user name or password"
		case erDBAccessDenied, erTableAccessDenied:
			return errcode.PermissionDenied, "access denied: the user has no rights on the database"
		case erUnknownDB:
			return errcode.NotFound, "the database does not exist (and skip_db_creation is set)"
		case erConCount:
			return errcode.Unavailable, "the database server has too many connections"
		case erServerShutdown, erConnectionKilled, erQueryInterrupted, erServerGone, erServerLost:
			return errcode.Unavailable, "the connection to the database server broke"
		}
		return errcode.Internal, fmt.Sprintf("the database server answered error %d", me.Number)
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return errcode.InvalidArgument, "the database host name does not resolve"
	case errors.Is(err, mysql.ErrNoTLS):
		return errcode.FailedPrecondition, "TLS is required but the database server does not offer it"
	case errors.As(err, &certErr), errors.As(err, &alertErr), errors.As(err, &unknown),
		errors.As(err, &hostErr), errors.As(err, &invalid):
		return errcode.FailedPrecondition, "the TLS handshake with the database server failed"
	}
	switch (&dialect{}).Classify(err) {
	case sqlstore.ClassUnavailable, sqlstore.ClassConnectionLost:
		return errcode.Unavailable, "the database server cannot be reached"
	}
	return errcode.Internal, "unexpected error"
}

// Explain says what was wrong with a request the server refused as
// invalid (see sqlstore.Explainer); the server's own message names
// columns and tables.
func (*dialect) Explain(err error) string {
	var me *mysql.MySQLError
	if !errors.As(err, &me) {
		return ""
	}
	switch me.Number {
	case erDataOutOfRange:
		return "a numeric value is out of range (overflow in an expression)"
	case erWarnDataOutOfRange:
		return "a value is out of range for its column"
	case erDataTooLong:
		return "a value is too long for its column"
	case erBadNull:
		return "a required value is missing"
	case erTruncatedWrongValue, erWrongValueForField:
		return "a value has the wrong type for its column"
	}
	return ""
}
