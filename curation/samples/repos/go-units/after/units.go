package units

import "fmt"

var binaryUnits = []string{"KiB", "MiB", "GiB", "TiB"}

// Format renders a byte count with the largest binary unit that keeps it >= 1.
func Format(bytes int64) string {
	if bytes < 1024 {
		return fmt.Sprintf("%d B", bytes)
	}
	value := float64(bytes) / 1024
	unit := 0
	for value >= 1024 && unit < len(binaryUnits)-1 {
		value /= 1024
		unit++
	}
	return fmt.Sprintf("%.1f %s", value, binaryUnits[unit])
}
