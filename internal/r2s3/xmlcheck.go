package r2s3

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/r2tf/terraform-provider-r2/internal/cors"
	"github.com/r2tf/terraform-provider-r2/internal/r2api"
)

// The S3 SDK parses the answer, and its parse is what the reader maps; but
// it is lenient where a reader of untrusted answers must not be: it takes
// element names case-insensitively (Unicode folding: "CORſRule" is
// "CORSRule" to it), keeps the last of two <ID>, ignores what it does not
// know (a renamed <AllowedOrigins> would read as a rule without origins),
// truncates a MaxAgeSeconds past 32 bits, and ignores the root element's
// name and everything after it. So every body is checked first, by a strict
// token scan (encoding/xml, which expands no entity but the five XML
// defines), before the SDK sees it; the scan also records the shape of what
// it accepted, which the SDK's reading must match (mapRules).
//
// A body is refused when it has:
//   - a DOCTYPE or any other declaration (<!...>), a processing instruction
//     other than the XML declaration, a comment, or an encoding other than
//     UTF-8: S3's answers have none, and a DOCTYPE is how entities are
//     defined;
//   - anything that is not well-formed XML, a character XML does not allow
//     (a character reference to U+001B, say), more than one root, text
//     where S3's schema has elements, or elements nested deeper than
//     maxDepth;
//   - a root other than <CORSConfiguration> (a 2xx answer) or <Error>;
//   - an element whose name the SDK would take for a known one but which is
//     not it (another case, another Unicode form), or which looks like a
//     renamed one (r2api's folding: <AllowedOrigins>, <Allowed_Origin>, the
//     REST API's <origins>, <CORSRules> in the configuration);
//   - an element twice where S3 allows it once (<ID>, <MaxAgeSeconds>,
//     <Code>, <Message>), a value in pieces (a CDATA section next to text),
//     or an element inside a value;
//   - more than cors.MaxRules rules, a rule without <AllowedMethod> or
//     <AllowedOrigin> (S3's schema requires both, as the REST API's does),
//     or a MaxAgeSeconds that cors.ValidateMaxAge refuses or that is not a
//     whole number within 32 bits (S3's type).
//
// The size bound is the transport's: a body over r2api.MaxPolicyBytes is
// refused as it is read, before this scan.

// maxDepth bounds nesting: S3's CORS XML is three deep.
const maxDepth = 16

// ErrRefusedXML is in the error chain of every body the strict scan
// refused; r2api.ErrRenamedMember is in it too for a renamed element.
var ErrRefusedXML = errors.New("the XML answer was refused")

// ruleShape is what the scan read of one rule, for the SDK's reading to be
// compared with.
type ruleShape struct {
	id                                bool
	methods, origins, headers, expose int
	maxAge                            *int64
}

// The element names of S3's CORS configuration.
const (
	elConfiguration = "CORSConfiguration"
	elRule          = "CORSRule"
	elID            = "ID"
	elMethod        = "AllowedMethod"
	elOrigin        = "AllowedOrigin"
	elHeader        = "AllowedHeader"
	elExpose        = "ExposeHeader"
	elMaxAge        = "MaxAgeSeconds"
	elError         = "Error"
	elCode          = "Code"
	elMessage       = "Message"
)

// s3Namespace is S3's XML namespace; an element may be in it or in none.
const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

var (
	ruleElements  = []string{elID, elMethod, elOrigin, elHeader, elExpose, elMaxAge}
	errorElements = []string{elCode, elMessage}
	// restNames are the REST API's names for a rule's members, folded: in a
	// CORSRule they are a policy written for the other API.
	restNames = map[string]string{
		"allowed": elMethod + " and " + elOrigin, "method": elMethod, "origin": elOrigin, "header": elHeader,
	}
)

func refusedf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrRefusedXML}, args...)...)
}

// scanner walks one body token by token.
type scanner struct {
	d      *xml.Decoder
	tokens int // tokens read so far
}

func newScanner(body []byte) *scanner {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true // The default; said here because everything rests on it.
	return &scanner{d: d}
}

// next returns the next token that matters, refusing what no S3 answer has.
// It returns io.EOF at the end.
func (s *scanner) next() (xml.Token, error) {
	tok, err := s.d.Token()
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, refusedf("not well-formed XML: %s", r2api.Printable(err.Error()))
	}
	s.tokens++
	switch t := tok.(type) {
	case xml.Directive:
		return nil, refusedf("a declaration (<!%s…>): S3's answers have none, and a DOCTYPE can define entities", shorten(firstWord(t)))
	case xml.ProcInst:
		if t.Target != "xml" || s.tokens != 1 {
			return nil, refusedf("a processing instruction <?%s?>: only the XML declaration may open the answer", shorten(t.Target))
		}
		if enc := declaredEncoding(t.Inst); enc != "" && !strings.EqualFold(enc, "UTF-8") {
			return nil, refusedf("the encoding %q: S3 answers in UTF-8", shorten(enc))
		}
		return s.next()
	case xml.Comment:
		return nil, refusedf("a comment: S3's answers have none")
	case xml.CharData:
		if bad, ok := outsideXMLChars(t); ok {
			return nil, refusedf("the character %U, which XML does not allow (it came from a character reference)", bad)
		}
	case xml.StartElement:
		if t.Name.Space != "" && t.Name.Space != s3Namespace {
			return nil, refusedf("the element <%s> in the namespace %q, not S3's", shorten(t.Name.Local), shorten(t.Name.Space))
		}
	}
	return tok, nil
}

func firstWord(d xml.Directive) string {
	f := strings.Fields(string(d))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// declaredEncoding reads encoding="..." from an XML declaration.
func declaredEncoding(inst []byte) string {
	s := string(inst)
	i := strings.Index(s, "encoding")
	if i < 0 {
		return ""
	}
	s = strings.TrimLeft(s[i+len("encoding"):], " \t\r\n")
	s, ok := strings.CutPrefix(s, "=")
	if !ok {
		return ""
	}
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return ""
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return ""
	}
	return s[1 : end+1]
}

// outsideXMLChars finds a rune that XML 1.0 does not allow (Char): the
// decoder refuses one written raw, not one from a character reference.
func outsideXMLChars(b []byte) (rune, bool) {
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		b = b[n:]
		switch {
		case r == 0x9 || r == 0xA || r == 0xD,
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD && (r != utf8.RuneError || n != 1),
			r >= 0x10000 && r <= 0x10FFFF:
			continue
		}
		return r, true
	}
	return 0, false
}

func blank(b []byte) bool { return len(bytes.TrimLeft(b, " \t\r\n")) == 0 }

// root reads up to the root element and checks its name.
func (s *scanner) root(want string) error {
	for {
		tok, err := s.next()
		if err == io.EOF {
			return refusedf("no <%s> element: the answer is empty", want)
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != want {
				return refusedf("the root element is <%s>, not <%s>", shorten(t.Name.Local), want)
			}
			return nil
		case xml.CharData:
			if !blank(t) {
				return refusedf("text before the root element")
			}
		}
	}
}

// end reads what follows the root: only blanks.
func (s *scanner) end() error {
	for {
		tok, err := s.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.CharData); !ok || !blank(t) {
			return refusedf("more after the root element: an answer is one document")
		}
	}
}

// value reads the text of a value element whose start was read, up to its
// end: one piece of text at most (an empty element is "").
func (s *scanner) value(name string) (string, error) {
	var text []byte
	pieces := 0
	for {
		tok, err := s.next()
		if err == io.EOF {
			return "", refusedf("the answer ends inside <%s>", name)
		}
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			pieces++
			if pieces > 1 {
				return "", refusedf("the value of <%s> is in pieces (text and a CDATA section): the S3 SDK reads one", name)
			}
			text = append(text, t...)
		case xml.StartElement:
			return "", refusedf("the element <%s> inside <%s>, which holds text only", shorten(t.Name.Local), name)
		case xml.EndElement:
			return string(text), nil
		}
	}
}

// skip reads past an element the schema does not know (its start read) at
// depth, with the same refusals as everywhere.
func (s *scanner) skip(depth int) error {
	for open := 1; open > 0; {
		tok, err := s.next()
		if err != nil {
			if err == io.EOF {
				return refusedf("the answer ends inside an element")
			}
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			open++
			if depth+open > maxDepth {
				return refusedf("elements nested more than %d deep: S3's CORS XML is three", maxDepth)
			}
		case xml.EndElement:
			open--
		}
	}
	return nil
}

// children reads the children of an element that holds elements only (its
// start read), up to its end, calling child with each child's start; blank
// text between them is allowed. endsInside and textInside name the element
// in the refusals of an answer that ends inside it and of other text.
func (s *scanner) children(endsInside, textInside string, child func(xml.StartElement) error) error {
	for {
		tok, err := s.next()
		if err != nil {
			if err == io.EOF {
				return refusedf("the answer ends inside %s", endsInside)
			}
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if !blank(t) {
				return refusedf("text inside %s, which holds elements only", textInside)
			}
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if err := child(t); err != nil {
				return err
			}
		}
	}
}

// lookalike returns the known element that name would be read as, or
// looks like a renamed form of, when it is not exactly one of known; ""
// when it is known or unrelated. extra maps folded names of the other API
// to the known ones they stand for.
func lookalike(name string, known []string, extra map[string]string) string {
	if slices.Contains(known, name) {
		return ""
	}
	folded := r2api.FoldName(name)
	for _, k := range known {
		// EqualFold is the SDK's own comparison of element names.
		if strings.EqualFold(name, k) || folded == r2api.FoldName(k) {
			return k
		}
	}
	return extra[folded]
}

func renamed(where, name, known string) error {
	return fmt.Errorf("%w: the element <%s>%s looks like a renamed <%s>, or is one to the S3 SDK; the provider will not guess which holds the policy%w",
		ErrRefusedXML, shorten(name), where, known, r2api.Silently(r2api.ErrRenamedMember))
}

// checkPolicyXML checks a 2xx Get Bucket CORS body and returns the shape of
// its rules. A configuration without rules is an empty policy (no rules).
func checkPolicyXML(body []byte) ([]ruleShape, error) {
	s := newScanner(body)
	if err := s.root(elConfiguration); err != nil {
		return nil, err
	}
	rules := []ruleShape{}
	inConfiguration := "<" + elConfiguration + ">"
	err := s.children(inConfiguration, inConfiguration, func(t xml.StartElement) error {
		name := t.Name.Local
		if name == elRule {
			if len(rules) == cors.MaxRules {
				return refusedf("more than the %d rules a CORS policy may hold", cors.MaxRules)
			}
			r, err := s.rule(len(rules))
			if err != nil {
				return err
			}
			rules = append(rules, r)
			return nil
		}
		if strings.EqualFold(name, elRule) || r2api.LooksLikeRules(name) {
			return renamed(" in "+inConfiguration, name, elRule)
		}
		return s.skip(2)
	})
	if err != nil {
		return nil, err
	}
	return rules, s.end()
}

// rule reads one CORSRule (its start read), the i-th.
func (s *scanner) rule(i int) (ruleShape, error) {
	var r ruleShape
	at := fmt.Sprintf(" in rule %d", i)
	err := s.children(fmt.Sprintf("rule %d", i), fmt.Sprintf("<%s> (rule %d)", elRule, i), func(t xml.StartElement) error {
		name := t.Name.Local
		if known := lookalike(name, ruleElements, restNames); known != "" {
			return renamed(at, name, known)
		}
		if !slices.Contains(ruleElements, name) {
			return s.skip(3)
		}
		v, err := s.value(name)
		if err != nil {
			return err
		}
		switch name {
		case elID:
			if r.id {
				return refusedf("two <%s> elements in rule %d: S3 allows one, and which one a reader takes is a guess", elID, i)
			}
			r.id = true
		case elMethod:
			r.methods++
		case elOrigin:
			r.origins++
		case elHeader:
			r.headers++
		case elExpose:
			r.expose++
		case elMaxAge:
			if r.maxAge != nil {
				return refusedf("two <%s> elements in rule %d: S3 allows one, and which one a reader takes is a guess", elMaxAge, i)
			}
			n, err := checkMaxAge(v)
			if err != nil {
				return fmt.Errorf("%w: rule %d: %w", ErrRefusedXML, i, err)
			}
			r.maxAge = &n
		}
		return nil
	})
	switch {
	case err != nil:
		return r, err
	case r.methods == 0:
		return r, refusedf("rule %d has no <%s>: S3's schema requires one at least, as the REST API's requires methods", i, elMethod)
	case r.origins == 0:
		return r, refusedf("rule %d has no <%s>: S3's schema requires one at least, as the REST API's requires origins", i, elOrigin)
	}
	return r, nil
}

// checkMaxAge checks a MaxAgeSeconds as the REST decoder checks
// maxAgeSeconds (cors.ValidateMaxAge), and that it is what S3's XML
// carries: a whole number within 32 bits, which the SDK reads exactly.
func checkMaxAge(v string) (int64, error) {
	if err := cors.ValidateMaxAge(json.Number(v)); err != nil {
		return 0, fmt.Errorf("<%s>: %w", elMaxAge, err)
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("<%s> %q is not a whole number of seconds written in digits within 32 bits: S3's XML carries an integer "+
			"(the REST API's JSON can carry %s; read this bucket through it)", elMaxAge, v, v)
	}
	return n, nil
}

// checkErrorXML checks a non-2xx body as S3's error document (<Error> with
// at most one <Code> and one <Message>) and returns its code.
func checkErrorXML(body []byte) (string, error) {
	s := newScanner(body)
	if err := s.root(elError); err != nil {
		return "", err
	}
	var code *string
	seenMessage := false
	inError := "<" + elError + ">"
	err := s.children(inError, inError, func(t xml.StartElement) error {
		name := t.Name.Local
		if known := lookalike(name, errorElements, nil); known != "" {
			return renamed(" in "+inError, name, known)
		}
		if !slices.Contains(errorElements, name) {
			return s.skip(2)
		}
		v, err := s.value(name)
		if err != nil {
			return err
		}
		if name == elCode {
			if code != nil {
				return refusedf("two <%s> elements in <%s>: which one a reader takes is a guess", elCode, elError)
			}
			code = &v
			return nil
		}
		if seenMessage {
			return refusedf("two <%s> elements in <%s>: which one a reader takes is a guess", elMessage, elError)
		}
		seenMessage = true
		return nil
	})
	switch {
	case err != nil:
		return "", err
	case code == nil:
		return "", refusedf("no <%s> in <%s>", elCode, elError)
	}
	return *code, s.end()
}

// shorten keeps the start of server text for a message, escaped.
func shorten(s string) string {
	const most = 64
	if len(s) > most {
		cut := most
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return r2api.Printable(s)
}
