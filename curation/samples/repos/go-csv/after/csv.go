package csv

import (
	"fmt"
	"strings"
)

// Row is one line of the export.
type Row struct {
	ID    int
	Name  string
	Score float64
}

// Render returns the rows as CSV text, built in one growing buffer.
func Render(rows []Row) string {
	var out strings.Builder
	out.Grow(16 + 32*len(rows))
	out.WriteString("id,name,score\n")
	for _, row := range rows {
		fmt.Fprintf(&out, "%d,%s,%.2f\n", row.ID, row.Name, row.Score)
	}
	return out.String()
}
