// Package figure rounds the figures the project writes, in JSON, YAML and
// text, to what they are known to: one rounding for the Status's shapes,
// the HTTP handlers, the backtest's and the risk analysis's reports.
package figure

import (
	"math"
	"strconv"
)

// Tidy returns x rounded to 12 significant digits, for writing: float
// arithmetic leaves noise in the last digits of a figure (1 - 0.54 is
// 0.45999999999999996, 0.0144 / 0.001 is 14.399999999999999), which a reader
// takes for a measurement. No figure the project reports is known to more
// than 12 digits, so the rounding only removes the noise. An integer is
// kept as it is, however large, since a count that is whole is exact; NaN
// and the infinities are kept too, for the writer to write as null.
// Decoding reads what Tidy wrote as written.
func Tidy(x float64) float64 {
	if x == math.Trunc(x) || math.IsNaN(x) {
		return x // whole, an infinity, or NaN
	}
	// 'g' with 12 digits rounds half to even in decimal, once; parsing the
	// text back gives the float nearest that decimal.
	y, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 12, 64), 64)
	if err != nil {
		return x // unreachable: FormatFloat writes a number ParseFloat reads
	}
	return y
}
