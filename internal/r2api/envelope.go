package r2api

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
)

// envelope is a Cloudflare v4 answer that said success=true. result is nil
// when the API left it out or sent null; what that means is the caller's to
// say (an empty policy for DecodeCORS, an error for DecodeBucketList).
type envelope struct {
	schema  string
	result  jsonexact.Object
	members jsonexact.Object
}

// resultInfo decodes result_info (nil when absent or null). Only paged
// calls read it, so an answer that does not page is not judged by it.
func (e envelope) resultInfo() (jsonexact.Object, error) {
	var info jsonexact.Object
	if err := e.members.Field("result_info", &info); err != nil {
		return nil, schemaError(e.schema, err)
	}
	return info, nil
}

// decodeEnvelope reads a 2xx body as the v4 envelope (success, errors,
// result, result_info), by exact member names. Anything that is not the
// envelope is an error; success=false is an *Error carrying the API's error
// entries, so that a 200 that failed reads like any other failure.
// schema names the answer in messages ("the List Buckets schema").
//
// The whole body is checked first (jsonexact.CheckDocument): a member named
// twice, invalid UTF-8 or a lone surrogate is an error, never a guess at
// what was meant, since a second "success" or "rules" could otherwise turn
// a failure into an empty policy.
func decodeEnvelope(body []byte, schema string) (envelope, error) {
	if !json.Valid(body) {
		_, err := jsonexact.Decode(body) // For encoding/json's own words.
		return envelope{}, fmt.Errorf("the API's answer is not valid JSON: %w", err)
	}
	if err := jsonexact.CheckDocument(body); err != nil {
		return envelope{}, fmt.Errorf("the API's answer is not strict JSON: %w", err)
	}
	env, err := jsonexact.Decode(body)
	if err != nil {
		return envelope{}, fmt.Errorf("the API's answer is not valid JSON: %w", err)
	}
	var success *bool
	if err := env.Field("success", &success); err != nil || success == nil {
		return envelope{}, errors.New(`the API's answer is not a Cloudflare v4 envelope (no boolean "success" field)`)
	}
	if !*success {
		var msgs []APIMessage
		_ = env.Field("errors", &msgs) // Best effort: the failure is what matters.
		return envelope{}, &Error{Errors: printableMessages(msgs), Reason: "the API answered success=false"}
	}
	out := envelope{schema: schema, members: env}
	if err := env.Field("result", &out.result); err != nil {
		return envelope{}, schemaError(schema, err)
	}
	return out, nil
}

func schemaError(schema string, err error) error {
	return fmt.Errorf("the API's answer does not match the %s schema: %w", schema, err)
}
