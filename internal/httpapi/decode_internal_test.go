package httpapi

import (
	"bytes"
	"encoding/json"
	"testing"

	taskbox "github.com/taskboxhq/taskbox"
)

// decoderKeys counts the top-level keys of a JSON object token by token, as
// noDuplicates's slow path reads them.
func decoderKeys(t testing.TB, raw []byte) int {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	n := 0
	for dec.More() {
		var skip json.RawMessage
		if _, err := dec.Token(); err != nil {
			t.Fatal(err)
		}
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

var keyBodies = []string{
	`{}`, ` { } `, `{"a":1}`, `{"a":1,"a":2}`, `{"name":"x","na\u006de":"y"}`, `{"a":"b:c","d":"\":\""}`,
	`{"a":{"b":1,"c":{"d":[1,{"e":2}]}},"f":[{"g":1},{"g":1}]}`, `{"a\\":1,"b\\\"":":"}`,
	`{"a":[":",":"],"b":"{","c":"}","d":"[","e":"]"}`, "{\n\t\"a\" : 1 ,\r\n \"b\"\t:\t2\n}",
	`{"email_lead_map_id":1,"name":"Follow up","description":"x","priority":"HIGH","due_date":"2025-12-15T09:00:00Z"}`,
	`{"x":"\u2028\ud83d\ude00 ü","x":null}`, `{"":1,"":2}`, `{"a":true,"b":false,"c":null,"d":-1.5e3}`,
}

// TestTopLevelKeys: the count noDuplicates trusts is the decoder's count on
// valid objects with colons, brackets and escapes inside strings.
func TestTopLevelKeys(t *testing.T) {
	for _, b := range keyBodies {
		if got, want := topLevelKeys([]byte(b)), decoderKeys(t, []byte(b)); got != want {
			t.Errorf("topLevelKeys(%s) = %d, want %d", b, got, want)
		}
	}
}

// TestDuplicateKeys: a key given twice, also under another spelling of the
// same name, is still a 422 naming it, in a nested object too.
func TestDuplicateKeys(t *testing.T) {
	for _, tc := range []struct{ body, field string }{
		{`{"name":"a","name":"b"}`, "name"},
		{`{"name":"a","na\u006de":"b","priority":"LOW"}`, "name"},
		{`{"a":1,"b":{"c":1,"c":2}}`, ""},
	} {
		var fe taskbox.FieldErrors
		o, err := decodeObject([]byte(tc.body), &fe)
		if err != nil {
			t.Fatal(err)
		}
		if tc.field == "" {
			if fe != nil {
				t.Fatalf("%s: %v", tc.body, fe)
			}
			if _, ok := o.sub(o.fields["b"], "b"); !ok {
				t.Fatal("sub")
			}
			tc.field = "b.c"
		}
		if len(fe) != 1 || fe[0].Field != tc.field || fe[0].Message != "must be given only once" {
			t.Errorf("%s: field errors %v, want %s given only once", tc.body, fe, tc.field)
		}
	}
	var fe taskbox.FieldErrors
	if _, err := decodeObject([]byte(keyBodies[10]), &fe); err != nil || fe != nil {
		t.Errorf("a body without duplicates: %v %v", err, fe)
	}
}

// FuzzTopLevelKeys compares topLevelKeys with the decoder on every valid
// JSON object the fuzzer finds.
func FuzzTopLevelKeys(f *testing.F) {
	for _, b := range keyBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || m == nil {
			return
		}
		if got, want := topLevelKeys(b), decoderKeys(t, b); got != want {
			t.Fatalf("topLevelKeys(%q) = %d, want %d", b, got, want)
		}
	})
}

var arrayBodies = []string{
	`[]`, ` [ ] `, `[1]`, `[1,2,3]`, ` [ {} , [] , "" , null ] `, `["a,b","c]","d[","\"",",\\"]`,
	`[{"a":[1,2,{"b":"],"}]},[[],[[]]],"x"]`, "[\n\t1 ,\r\n 2\t]", `[-1.5e3,true,false,null]`,
	`{"a":1}`, `"[1,2]"`, `1`, `null`,
}

// splitArray finds the entries encoding/json finds, without decoding them,
// and stops counting at max+1.
func FuzzSplitArray(f *testing.F) {
	for _, b := range arrayBodies {
		f.Add([]byte(b), 2)
	}
	f.Fuzz(func(t *testing.T, raw []byte, max int) {
		if !json.Valid(raw) || max < 0 || max > 1000 {
			return
		}
		var want []json.RawMessage
		isArray := json.Unmarshal(raw, &want) == nil && bytes.TrimSpace(raw)[0] == '['
		items, n := splitArray(raw, max)
		switch {
		case !isArray:
			if n != -1 {
				t.Fatalf("splitArray(%s) = %d entries, want -1 (not an array)", raw, n)
			}
		case len(want) > max:
			if n != max+1 || items != nil {
				t.Fatalf("splitArray(%s, %d) = %d, %q; want %d and none", raw, max, n, items, max+1)
			}
		default:
			if n != len(want) || len(items) != len(want) {
				t.Fatalf("splitArray(%s) = %d, %q; want %q", raw, n, items, want)
			}
			for i := range want {
				if !bytes.Equal(items[i], bytes.TrimSpace(want[i])) {
					t.Fatalf("splitArray(%s)[%d] = %s, want %s", raw, i, items[i], want[i])
				}
			}
		}
	})
}
