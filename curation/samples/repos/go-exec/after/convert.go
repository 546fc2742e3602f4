package convert

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ToPNG converts the uploaded file to PNG with ImageMagick.
func ToPNG(name string) error {
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, "-") {
		return fmt.Errorf("invalid upload name %q", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	src := filepath.Join("uploads", name)
	dst := filepath.Join("out", name+".png")
	return exec.CommandContext(ctx, "convert", "--", src, dst).Run()
}
