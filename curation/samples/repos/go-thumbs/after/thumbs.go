package thumbs

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
)

var safeName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// Resize writes a thumbnail of the uploaded image. The name and width come from the
// request, so they are checked and passed as arguments, never through a shell.
func Resize(name string, width string) error {
	if !safeName.MatchString(name) || filepath.Base(name) != name {
		return fmt.Errorf("invalid image name %q", name)
	}
	pixels, err := strconv.Atoi(width)
	if err != nil || pixels <= 0 || pixels > 4096 {
		return fmt.Errorf("invalid width %q", width)
	}
	cmd := exec.Command("convert", name, "-resize", strconv.Itoa(pixels), "thumb_"+name)
	return cmd.Run()
}
