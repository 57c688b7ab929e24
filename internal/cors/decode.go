package cors

import (
	"encoding/json"

	"github.com/r2tf/terraform-provider-r2/internal/jsonexact"
)

// UnmarshalJSON decodes a rule by exact member names (see jsonexact).
func (r *Rule) UnmarshalJSON(b []byte) error {
	o, err := jsonexact.Decode(b)
	if err != nil {
		return err
	}
	var out Rule
	if err := o.Field("id", &out.ID); err != nil {
		return err
	}
	if err := o.Field("allowed", &out.Allowed); err != nil {
		return err
	}
	if err := o.Field("exposeHeaders", &out.ExposeHeaders); err != nil {
		return err
	}
	if err := o.Field("maxAgeSeconds", &out.MaxAgeSeconds); err != nil {
		return err
	}
	*r = out
	return nil
}

// UnmarshalJSON decodes the allowed block by exact member names.
func (a *Allowed) UnmarshalJSON(b []byte) error {
	o, err := jsonexact.Decode(b)
	if err != nil {
		return err
	}
	var out Allowed
	if err := o.Field("methods", &out.Methods); err != nil {
		return err
	}
	if err := o.Field("origins", &out.Origins); err != nil {
		return err
	}
	if err := o.Field("headers", &out.Headers); err != nil {
		return err
	}
	*a = out
	return nil
}

var (
	_ json.Unmarshaler = (*Rule)(nil)
	_ json.Unmarshaler = (*Allowed)(nil)
)
