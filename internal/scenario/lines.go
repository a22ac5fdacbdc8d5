package scenario

import (
	"fmt"
	"strings"
)

// lineIndex maps field paths ("persona.name", "turn[2].softened.text") to
// the line they are defined on. The TOML decoder reports lines only for
// syntax errors, so validation finds them with this small scanner, which
// knows just enough TOML (strings, comments, arrays, inline tables, table
// headers, dotted keys) to tell a key at the start of a line from a value.
type lineIndex struct {
	lines map[string]int
	order []keyLine
}

type keyLine struct {
	path string
	line int
}

func indexLines(src string) lineIndex {
	ix := lineIndex{lines: map[string]int{}}
	arrays := map[string]int{} // array-of-tables name (unindexed) -> elements seen
	table := ""                // indexed path of the current table
	line := 1
	depth := 0       // nesting of [ and { inside a value
	var quote string // open string delimiter: ", ', """ or '''
	atLineStart := true
	for i := 0; i < len(src); {
		c := src[i]
		if quote != "" {
			switch {
			case c == '\\' && (quote == `"` || quote == `"""`) && i+1 < len(src):
				if src[i+1] == '\n' {
					line++
				}
				i += 2
			case strings.HasPrefix(src[i:], quote):
				i += len(quote)
				quote = ""
			case c == '\n':
				line++
				i++
				if len(quote) == 1 { // unterminated single-line string
					quote = ""
					atLineStart = true
				}
			default:
				i++
			}
			continue
		}
		if atLineStart {
			atLineStart = false
			j := i
			for j < len(src) && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			if depth == 0 && j < len(src) {
				if src[j] == '[' {
					if name, arr, end, ok := parseHeader(src, j); ok {
						unindexed := ""
						indexed := ""
						for k, part := range name {
							if k > 0 {
								unindexed += "."
								indexed += "."
							}
							unindexed += part
							indexed += part
							if arr && k == len(name)-1 {
								arrays[unindexed]++
							}
							if n := arrays[unindexed]; n > 0 {
								indexed += fmt.Sprintf("[%d]", n)
							}
						}
						table = indexed
						ix.add(table, line)
						i = end
						continue
					}
				} else if key, end, ok := parseKey(src, j); ok {
					p := strings.Join(key, ".")
					if table != "" {
						p = table + "." + p
					}
					ix.add(p, line)
					i = end
					continue
				}
			}
			i = j
			continue
		}
		switch {
		case c == '\n':
			line++
			atLineStart = true
			i++
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], `"""`):
			quote = `"""`
			i += 3
		case strings.HasPrefix(src[i:], `'''`):
			quote = `'''`
			i += 3
		case c == '"' || c == '\'':
			quote = string(c)
			i++
		case c == '[' || c == '{':
			depth++
			i++
		case c == ']' || c == '}':
			if depth > 0 {
				depth--
			}
			i++
		default:
			i++
		}
	}
	return ix
}

func (ix *lineIndex) add(path string, line int) {
	if _, ok := ix.lines[path]; !ok {
		ix.lines[path] = line
	}
	ix.order = append(ix.order, keyLine{path, line})
}

// find returns the line of path or, failing that, of its nearest parent.
func (ix lineIndex) find(path string) int {
	for path != "" {
		if l, ok := ix.lines[path]; ok {
			return l
		}
		path = parent(path)
	}
	return 0
}

// findAll returns every indexed key whose path without indexes is key, as
// the decoder names undecoded keys ("turn.colour").
func (ix lineIndex) findAll(key string) []keyLine {
	var out []keyLine
	for _, kl := range ix.order {
		if stripIndexes(kl.path) == key {
			out = append(out, kl)
		}
	}
	return out
}

func parent(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func stripIndexes(path string) string {
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseHeader reads "[a.b]" or "[[a.b]]" at src[i]; end is just past it.
func parseHeader(src string, i int) (name []string, array bool, end int, ok bool) {
	i++
	if i < len(src) && src[i] == '[' {
		array = true
		i++
	}
	name, i, ok = parseDotted(src, i)
	if !ok {
		return nil, false, 0, false
	}
	closing := "]"
	if array {
		closing = "]]"
	}
	if !strings.HasPrefix(src[i:], closing) {
		return nil, false, 0, false
	}
	return name, array, i + len(closing), true
}

// parseKey reads a (dotted) key followed by '=' at src[i]; end is just past
// the '='.
func parseKey(src string, i int) (key []string, end int, ok bool) {
	key, i, ok = parseDotted(src, i)
	if !ok || i >= len(src) || src[i] != '=' {
		return nil, 0, false
	}
	return key, i + 1, true
}

func parseDotted(src string, i int) (parts []string, end int, ok bool) {
	for {
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i >= len(src) {
			return nil, 0, false
		}
		var part string
		switch c := src[i]; {
		case c == '"' || c == '\'':
			j := strings.IndexByte(src[i+1:], c)
			if j < 0 || strings.ContainsRune(src[i+1:i+1+j], '\n') {
				return nil, 0, false
			}
			part = src[i+1 : i+1+j]
			i += j + 2
		default:
			j := i
			for j < len(src) && isBare(src[j]) {
				j++
			}
			if j == i {
				return nil, 0, false
			}
			part = src[i:j]
			i = j
		}
		parts = append(parts, part)
		for i < len(src) && (src[i] == ' ' || src[i] == '\t') {
			i++
		}
		if i < len(src) && src[i] == '.' {
			i++
			continue
		}
		return parts, i, true
	}
}

func isBare(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
