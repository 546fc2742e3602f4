package csv

import "fmt"

// Row is one line of the export.
type Row struct {
	ID    int
	Name  string
	Score float64
}

// Render returns the rows as CSV text.
func Render(rows []Row) string {
	out := "id,name,score\n"
	for _, row := range rows {
		out += fmt.Sprintf("%d,%s,%.2f\n", row.ID, row.Name, row.Score)
	}
	return out
}
