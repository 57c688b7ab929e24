// Package jsonexact decodes JSON objects by their exact member names.
//
// encoding/json matches member names to struct fields case-insensitively,
// so an answer holding both "rules" and "RULES" could fill a field from the
// wrong one. Cloudflare's schema names members exactly, and a member it does
// not name is an unknown extra field to ignore, never a stand-in for a known one.
//
// encoding/json also smooths over what an answer should never hold: of two
// members with the same name the last wins, invalid UTF-8 becomes U+FFFD and
// null inside a list of strings becomes "". CheckDocument and Field make each
// of these an error instead.
package jsonexact

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"
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
// the member is absent, and set to its zero value for null. A list of
// strings holding null is an error, not "".
func (o Object) Field(key string, dst any) error {
	raw, ok := o[key]
	if !ok {
		return nil
	}
	if ss, isList := dst.(*[]string); isList {
		return stringList(key, raw, ss)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	return nil
}

// stringList decodes a list of strings, refusing null elements.
func stringList(key string, raw json.RawMessage, dst *[]string) error {
	var ptrs []*string
	if err := json.Unmarshal(raw, &ptrs); err != nil {
		return fmt.Errorf("%q: %w", key, err)
	}
	if ptrs == nil {
		*dst = nil
		return nil
	}
	out := make([]string, len(ptrs))
	for i, p := range ptrs {
		if p == nil {
			return fmt.Errorf("%q: element %d is null, not a string", key, i)
		}
		out[i] = *p
	}
	*dst = out
	return nil
}

// CheckDocument checks a whole JSON document for what encoding/json would
// let through silently: an object with two members of the same name (at any
// depth; the last would win), text that is not valid UTF-8, and a \u escape
// that is half of a surrogate pair (both would become U+FFFD). Syntax errors
// are reported too. Its cost is linear in len(b).
func CheckDocument(b []byte) error {
	if !utf8.Valid(b) {
		return errors.New("the text is not valid UTF-8")
	}
	if err := checkEscapes(b); err != nil {
		return err
	}
	return checkMembers(b)
}

// checkEscapes finds \u escapes that are a lone surrogate. In JSON a
// backslash only occurs inside a string, where it starts an escape, so the
// bytes can be scanned without parsing.
func checkEscapes(b []byte) error {
	for i := bytes.IndexByte(b, '\\'); i >= 0; {
		if i+1 >= len(b) {
			return nil // A syntax error; checkMembers reports it.
		}
		next := i + 2
		if b[i+1] == 'u' {
			r, ok := hex4(b, i+2)
			if !ok {
				return nil // Likewise a syntax error.
			}
			next = i + 6
			switch {
			case utf16.IsSurrogate(r) && r < 0xdc00: // High: a low one must follow.
				low, ok := rune(0), false
				if next+1 < len(b) && b[next] == '\\' && b[next+1] == 'u' {
					low, ok = hex4(b, next+2)
				}
				if !ok || utf16.DecodeRune(r, low) == utf8.RuneError {
					return fmt.Errorf(`the text holds a lone surrogate escape \u%04x at byte %d`, r, i)
				}
				next += 6
			case utf16.IsSurrogate(r):
				return fmt.Errorf(`the text holds a lone surrogate escape \u%04x at byte %d`, r, i)
			}
		}
		j := bytes.IndexByte(b[next:], '\\')
		if j < 0 {
			return nil
		}
		i = next + j
	}
	return nil
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// frame is an open object (names != nil) or array while checkMembers walks.
type frame struct {
	names    map[string]struct{}
	wantName bool
}

// checkMembers walks the tokens and refuses an object naming a member twice.
func checkMembers(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // Numbers are not converted: their text is not our business here.
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				return io.ErrUnexpectedEOF
			}
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if top != nil && top.names != nil {
				top.wantName = true // The container is this member's value.
			}
			f := &frame{}
			if tok == json.Delim('{') {
				f.names, f.wantName = map[string]struct{}{}, true
			}
			stack = append(stack, f)
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			if top == nil || top.names == nil {
				continue
			}
			if !top.wantName {
				top.wantName = true // A member's value; a name comes next.
				continue
			}
			name, _ := tok.(string)
			if _, dup := top.names[name]; dup {
				return fmt.Errorf("member %q appears twice in one object", name)
			}
			top.names[name] = struct{}{}
			top.wantName = false
		}
	}
}
