package ui

import "strings"

// reflow joins the hard line breaks of hand-written text (TOML multi-line
// strings keep them) so labels can wrap it to the window; a blank line
// still separates paragraphs.
func reflow(s string) string {
	paras := strings.Split(strings.TrimSpace(s), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// quote shows a customer line.
func quote(text string) string { return "Customer: “" + reflow(text) + "”" }
