package main

import (
	"io"

	"github.com/journeyslo/journeyslo/slo/slobacktest"
)

// writeBacktest writes the replay's report in format, as package slobacktest
// writes it: text (a table), json, or html (a page titled title).
func writeBacktest(w io.Writer, format, title string, res *slobacktest.Result) error {
	switch format {
	case "json":
		return res.WriteJSON(w)
	case "html":
		return res.WriteHTML(w, title)
	}
	return res.WriteText(w)
}
