package r2s3

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// mapRules refuses an SDK reading that differs from the strict check's in
// any count, presence or max age: the two readers must agree, or nothing
// is guessed. (No body is known to make them differ; this pins the guard.)
func TestMapRules_refusesAReadingTheCheckDidNotSee(t *testing.T) {
	five := int64(5)
	rule := types.CORSRule{ID: aws.String("a"), AllowedMethods: []string{"GET"}, AllowedOrigins: []string{"*"},
		AllowedHeaders: []string{"x"}, ExposeHeaders: []string{"y"}, MaxAgeSeconds: aws.Int32(5)}
	shape := ruleShape{id: true, methods: 1, origins: 1, headers: 1, expose: 1, maxAge: &five}
	got, err := mapRules([]types.CORSRule{rule}, []ruleShape{shape})
	if err != nil || len(got) != 1 || *got[0].MaxAgeSeconds != "5" {
		t.Fatalf("%+v %v", got, err)
	}
	six := int64(6)
	for name, sh := range map[string]ruleShape{
		"id":      {methods: 1, origins: 1, headers: 1, expose: 1, maxAge: &five},
		"methods": {id: true, methods: 2, origins: 1, headers: 1, expose: 1, maxAge: &five},
		"origins": {id: true, methods: 1, headers: 1, expose: 1, maxAge: &five},
		"headers": {id: true, methods: 1, origins: 1, expose: 1, maxAge: &five},
		"expose":  {id: true, methods: 1, origins: 1, headers: 1, maxAge: &five},
		"max age": {id: true, methods: 1, origins: 1, headers: 1, expose: 1, maxAge: &six},
		"no age":  {id: true, methods: 1, origins: 1, headers: 1, expose: 1},
	} {
		if _, err := mapRules([]types.CORSRule{rule}, []ruleShape{sh}); err == nil || !strings.Contains(err.Error(), "otherwise") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := mapRules(nil, []ruleShape{shape}); err == nil {
		t.Error("a missing rule passed")
	}
	if got, err := mapRules(nil, []ruleShape{}); err != nil || got == nil {
		t.Errorf("no rules: %v %v, want []", got, err)
	}
}
