package main

import (
	"context"
	"errors"
)

// Placeholder until the dashboard lands (the dashboard helper replaces this file).
func cmdExport(ctx context.Context, env *Env, args []string) error {
	return errors.New("export: not built yet")
}
