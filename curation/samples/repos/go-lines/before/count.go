package count

import (
	"os"
	"strings"
)

func Lines(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return len(strings.Split(string(data), "\n")) - 1, nil
}
