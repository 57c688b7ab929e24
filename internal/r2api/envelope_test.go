package r2api

import (
	"strings"
	"testing"
)

// The envelope's cases are tested here once; DecodeCORS and DecodeBucketList
// are tested only for what they add.
func TestDecodeEnvelope(t *testing.T) {
	cases := []struct {
		name, body, err string
		result, info    bool
	}{
		{name: "not JSON", body: `<html>`, err: "not valid JSON"},
		{name: "no success", body: `{"result":{}}`, err: `no boolean "success" field`},
		{name: "success not a bool", body: `{"success":"yes"}`, err: `no boolean "success" field`},
		{name: "success false keeps the entries", body: `{"success":false,"errors":[{"code":10001,"message":"boom"}]}`, err: "code 10001: boom"},
		{name: "result not an object", body: `{"success":true,"result":[]}`, err: "does not match the Test schema"},
		{name: "result null", body: `{"success":true,"result":null}`},
		{name: "result absent", body: `{"success":true}`},
		{name: "result and info", body: `{"success":true,"result":{"a":1},"result_info":{"cursor":"c"}}`, result: true, info: true},
		{name: "exact names only", body: `{"success":true,"RESULT":{"a":1},"Result_Info":{}}`},
		{name: "a second success does not win", body: `{"success":false,"errors":[{"code":10001,"message":"boom"}],"success":true,"result":{"rules":[]}}`,
			err: `not strict JSON: member "success" appears twice`},
		{name: "a second result_info does not replace the cursor", body: `{"success":true,"result":{},"result_info":{"cursor":"c"},"result_info":{}}`,
			err: `member "result_info" appears twice`},
		{name: "a duplicate deep down", body: `{"success":true,"result":{"rules":[{"allowed":{"origins":["a"],"origins":["*"]}}]}}`,
			err: `member "origins" appears twice`},
		{name: "invalid UTF-8", body: "{\"success\":true,\"result\":{\"x\":\"\xff\"}}", err: "not valid UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env, err := decodeEnvelope([]byte(tc.body), "Test")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			info, err := env.resultInfo()
			if err != nil {
				t.Fatal(err)
			}
			if (env.result != nil) != tc.result || (info != nil) != tc.info {
				t.Errorf("result %v, result_info %v; want present %v, %v", env.result, info, tc.result, tc.info)
			}
		})
	}
}
