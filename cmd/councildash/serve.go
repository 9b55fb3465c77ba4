package main

import (
	"context"
	"errors"
)

// Placeholder until the dashboard lands (the dashboard helper replaces this file).
func cmdServe(ctx context.Context, env *Env, args []string) error {
	return errors.New("serve: not built yet")
}
