// Package jsonexact decodes JSON objects by their exact member names.
//
// encoding/json matches member names to struct fields case-insensitively,
// so an answer holding both "rules" and "RULES" could fill a field from the
// wrong one. Cloudflare's schema names members exactly, and a member it does
// not name is an unknown extra field to ignore, never a stand-in for a known one.
package jsonexact

import (
	"encoding/json"
	"fmt"
)

// Object holds an object's members by exact name.
type Object map[string]json.RawMessage

// Decode reads b as a JSON object; null gives a nil Object.
func Decode(b []byte) (Object, error) {
	var o Object
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	return o, nil
}

// Field decodes member key into dst, if present; dst is left as it is when
// the member is absent, and set to its zero value for null.
func (o Object) Field(key string, dst any) error {
	raw, ok := o[key]
	if !ok {
		return nil
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	return nil
}
