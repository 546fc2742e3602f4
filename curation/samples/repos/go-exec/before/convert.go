package convert

import (
	"os/exec"
)

// ToPNG converts the uploaded file to PNG with ImageMagick.
func ToPNG(name string) error {
	cmd := exec.Command("sh", "-c", "convert uploads/"+name+" out/"+name+".png")
	return cmd.Run()
}
