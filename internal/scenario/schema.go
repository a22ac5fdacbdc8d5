package scenario

import (
	"fmt"
	"sort"
	"strings"
)

// The decoder stops at the first value of the wrong type, and which one it
// meets first depends on map order. So the file is first decoded into
// generic values and every type is checked here, in a fixed order; the
// typed decode runs only when all types are right.

type kind int

const (
	kString kind = iota
	kInt
	kStrings
	kTable
	kTables
)

type field struct {
	kind   kind
	fields schema // for kTable and kTables
}

type schema map[string]field

var (
	lineSchema = schema{
		"text":  {kind: kString},
		"audio": {kind: kString},
		"tags":  {kind: kStrings},
	}
	fileSchema = schema{
		"id":         {kind: kString},
		"title":      {kind: kString},
		"brief":      {kind: kString},
		"difficulty": {kind: kInt},
		"persona": {kind: kTable, fields: schema{
			"name": {kind: kString}, "company": {kind: kString}, "role": {kind: kString},
			"mood": {kind: kString}, "voice": {kind: kString},
		}},
		"turn": {kind: kTables, fields: schema{
			"id":          {kind: kString},
			"step":        {kind: kString},
			"text":        {kind: kString},
			"audio":       {kind: kString},
			"tags":        {kind: kStrings},
			"softened":    {kind: kTable, fields: lineSchema},
			"escalated":   {kind: kTable, fields: lineSchema},
			"still_there": {kind: kTable, fields: lineSchema},
			"model":       {kind: kString},
			"checks":      {kind: kStrings},
			"min_latency": {kind: kString},
			"max_latency": {kind: kString},
		}},
	}
)

var kindNames = map[kind]string{
	kString:  "a string",
	kInt:     "an integer",
	kStrings: "an array of strings",
	kTable:   "a table",
	kTables:  "an array of tables ([[...]])",
}

// checkTypes adds a problem for every value in m whose type does not match
// sc. Unknown keys are left to the decoder's Undecoded list.
func (v *validator) checkTypes(prefix string, m map[string]any, sc schema) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := k
		if prefix != "" {
			p = prefix + "." + k
		}
		f, ok := sc[k]
		if !ok {
			// The decoder matches field names regardless of case, so "Tags"
			// beside "tags" would fill one field from whichever it meets
			// first (map order: a different scenario from run to run). Names
			// are case-sensitive here; other unknown keys are reported
			// after decoding (Undecoded).
			for name := range sc {
				if strings.EqualFold(name, k) {
					v.add(p, "unknown field (field names are lower case: %s)", name)
				}
			}
			continue
		}
		val := m[k]
		good := false
		switch f.kind {
		case kString:
			_, good = val.(string)
		case kInt:
			_, good = val.(int64)
		case kStrings:
			arr, isArr := val.([]any)
			good = isArr
			for i, e := range arr {
				if _, s := e.(string); !s {
					v.add(fmt.Sprintf("%s[%d]", p, i+1), "want a string, not %s", typeName(e))
				}
			}
		case kTable:
			var t map[string]any
			t, good = val.(map[string]any)
			if good {
				v.checkTypes(p, t, f.fields)
			}
		case kTables:
			var ts []map[string]any
			ts, good = val.([]map[string]any)
			for i, t := range ts {
				v.checkTypes(fmt.Sprintf("%s[%d]", p, i+1), t, f.fields)
			}
		}
		if !good {
			v.add(p, "want %s, not %s", kindNames[f.kind], typeName(val))
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case []map[string]any:
		return "an array of tables"
	}
	return fmt.Sprintf("a %T", v) // dates and times
}
