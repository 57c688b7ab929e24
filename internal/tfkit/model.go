package tfkit

import (
	"fmt"
	"reflect"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/attr"
)

// modelField is one attribute of a model: its name in the schema (the
// field's tfsdk tag) and the field's index in the struct.
type modelField struct {
	name  string
	index int
}

type modelInfo struct {
	fields []modelField
	err    error
}

// models caches modelFields by model type: a type's tags are read once per
// process, not on every read.
var models sync.Map // reflect.Type -> modelInfo

// modelFields lists the attributes of a model, given the type of a pointer
// to it, with State.Set's rules: every exported field has a tfsdk tag naming
// its attribute, or "-" to be left out; unexported fields are left out.
// Unlike State.Set, each field must be one of the framework's value types
// (types.String, types.List, ...: a struct that is an attr.Value, never
// nil), and embedded structs are refused: SetState writes values, it does
// not convert Go types to them.
func modelFields(t reflect.Type) ([]modelField, error) {
	if t == nil {
		return nil, fmt.Errorf("the model is nil")
	}
	if info, ok := models.Load(t); ok {
		i, _ := info.(modelInfo)
		return i.fields, i.err
	}
	fields, err := readModel(t)
	models.Store(t, modelInfo{fields: fields, err: err})
	return fields, err
}

var attrValue = reflect.TypeFor[attr.Value]()

func readModel(ptr reflect.Type) ([]modelField, error) {
	if ptr.Kind() != reflect.Pointer || ptr.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("the model is a %s, not a pointer to a struct", ptr)
	}
	t := ptr.Elem()
	var fields []modelField
	seen := map[string]string{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag, tagged := f.Tag.Lookup("tfsdk")
		switch {
		case tag == "-":
			continue
		case f.Anonymous:
			return nil, fmt.Errorf("the model %s embeds %s: name its attributes in the model itself", t, f.Type)
		case !f.IsExported():
			continue
		case !tagged || tag == "":
			return nil, fmt.Errorf("the model %s has no tfsdk tag on %s", t, f.Name)
		case f.Type.Kind() != reflect.Struct || !f.Type.Implements(attrValue):
			return nil, fmt.Errorf("the model %s has %s of type %s, which is not a value type such as types.String", t, f.Name, f.Type)
		case seen[tag] != "":
			return nil, fmt.Errorf("the model %s names %q twice (%s and %s)", t, tag, seen[tag], f.Name)
		}
		seen[tag] = f.Name
		fields = append(fields, modelField{name: tag, index: i})
	}
	return fields, nil
}
