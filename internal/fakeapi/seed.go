package fakeapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Seed is the JSON format read by LoadSeed, so that the demo and scripts
// can describe accounts, buckets and credentials in a file.
type Seed struct {
	Tokens     []SeedToken            `json:"tokens"`
	GlobalKeys []SeedGlobalKey        `json:"global_keys"`
	Accounts   map[string]SeedAccount `json:"accounts"`
}

// SeedToken is an API token; empty Accounts means every account.
type SeedToken struct {
	Token    string   `json:"token"`
	Accounts []string `json:"accounts"`
}

// SeedGlobalKey is a legacy global API key; empty Accounts means every
// account.
type SeedGlobalKey struct {
	Email    string   `json:"email"`
	Key      string   `json:"key"`
	Accounts []string `json:"accounts"`
}

// SeedAccount lists an account's buckets, and the jurisdictions it may not
// use (see Server.NotEntitled).
type SeedAccount struct {
	Buckets     []SeedBucket `json:"buckets"`
	NotEntitled []string     `json:"not_entitled_jurisdictions"`
}

// SeedBucket is a bucket. CORSRules keeps the raw JSON of the rules so that
// they are served byte for byte; absent or null means no CORS policy.
// CORSResult, when set, is the raw "result" object served instead (e.g.
// {} for a result without rules).
type SeedBucket struct {
	Name         string          `json:"name"`
	Jurisdiction string          `json:"jurisdiction"`
	Location     string          `json:"location"`
	StorageClass string          `json:"storage_class"`
	CreationDate string          `json:"creation_date"`
	CORSRules    json.RawMessage `json:"cors_rules"`
	CORSResult   json.RawMessage `json:"cors_result"`
}

// LoadSeed adds the credentials, accounts and buckets described by a JSON
// seed (see Seed) to the server. Unknown members, values of the wrong type
// and names R2 would refuse are errors that name their path (checkSeedShape).
// Nothing is added when the seed is invalid.
func (s *Server) LoadSeed(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading seed: %w", err)
	}
	if err := checkSeedShape(raw); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var seed Seed
	if err := dec.Decode(&seed); err != nil {
		return fmt.Errorf("reading seed: %w", err)
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return errors.New("reading seed: data after the JSON object")
	}
	if err := seed.check(); err != nil {
		return err
	}
	for _, t := range seed.Tokens {
		s.AddToken(t.Token, t.Accounts...)
	}
	for _, k := range seed.GlobalKeys {
		s.AddGlobalKey(k.Email, k.Key, k.Accounts...)
	}
	for id, acc := range seed.Accounts {
		s.AddAccount(id)
		for _, j := range acc.NotEntitled {
			s.NotEntitled(id, j)
		}
		for _, b := range acc.Buckets {
			s.AddBucket(id, Bucket{
				Name:         b.Name,
				Jurisdiction: b.Jurisdiction,
				Location:     b.Location,
				StorageClass: b.StorageClass,
				CreationDate: b.CreationDate,
				CORSRules:    rawOrEmpty(b.CORSRules),
			})
			if res := rawOrEmpty(b.CORSResult); res != "" {
				s.SetCORSResult(id, b.Jurisdiction, b.Name, res)
			}
		}
	}
	return nil
}

// check checks what checkSeedShape does not: credentials that are there.
func (seed *Seed) check() error {
	for i, t := range seed.Tokens {
		if t.Token == "" {
			return fmt.Errorf("seed: tokens[%d] has no token", i)
		}
	}
	for i, k := range seed.GlobalKeys {
		if k.Email == "" || k.Key == "" {
			return fmt.Errorf("seed: global_keys[%d] needs email and key", i)
		}
	}
	return nil
}

// rawOrEmpty maps an absent or null raw value to "".
func rawOrEmpty(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || bytes.Equal(t, []byte("null")) {
		return ""
	}
	return string(raw)
}
