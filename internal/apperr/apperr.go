// Package apperr holds the typed errors that features return and that the web
// layer alone turns into statuses, French pages or problem+json documents.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"time"
)

// Code classifies an error for the web layer.
type Code string

const (
	Invalid      Code = "invalid"      // input fails validation; Fields says where
	NotFound     Code = "not_found"    // absent, or present but not for this actor
	Forbidden    Code = "forbidden"    // the actor may not do this
	Unauthorized Code = "unauthorized" // no or bad credentials
	Conflict     Code = "conflict"     // state changed under the request
	TooMany      Code = "too_many"     // throttled; RetryAt says until when
	TooLarge     Code = "too_large"    // the request body is over the limit
	Internal     Code = "internal"     // anything else; never shown in detail
)

// Error is the error type every feature returns for expected failures.
// Message and field messages are French, ready to show to the user.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	RetryAt time.Time
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return fmt.Sprintf("%s: %s %v", e.Code, e.Message, keys)
}

// New returns an error of the given code with a French message.
func New(code Code, message string) *Error { return &Error{Code: code, Message: message} }

// Errorf is New with formatting.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of err, Internal for errors that are not *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error when it is one.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Is reports whether err carries the given code.
func Is(err error, code Code) bool { return err != nil && CodeOf(err) == code }

// Validation collects per-field messages; Err returns nil when none were added.
type Validation struct {
	fields map[string]string
}

// Add records a message for field, keeping the first one given.
func (v *Validation) Add(field, message string) {
	if v.fields == nil {
		v.fields = map[string]string{}
	}
	if _, ok := v.fields[field]; !ok {
		v.fields[field] = message
	}
}

// Check adds message for field when ok is false.
func (v *Validation) Check(ok bool, field, message string) {
	if !ok {
		v.Add(field, message)
	}
}

// Has reports whether field already has a message.
func (v *Validation) Has(field string) bool { _, ok := v.fields[field]; return ok }

// Err returns an Invalid error with the collected fields, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "Certaines informations sont à corriger.", Fields: v.fields}
}

// ErrSaying is Err with a message of the caller's, that says what was not done.
func (v *Validation) ErrSaying(message string) error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: message, Fields: v.fields}
}
