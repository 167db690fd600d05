package race

import "context"

// FindToolchain reports whether Run can work here.
func FindToolchain() error {
	_, err := findToolchain(context.Background())
	return err
}
