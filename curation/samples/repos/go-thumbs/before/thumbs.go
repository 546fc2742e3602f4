package thumbs

import (
	"os/exec"
)

// Resize writes a thumbnail of the uploaded image.
func Resize(name string, width string) error {
	cmd := exec.Command("sh", "-c", "convert "+name+" -resize "+width+" thumb_"+name)
	return cmd.Run()
}
