package main

import (
	"context"
	"errors"
)

// Placeholder until reviews land (the reviews helper replaces this file).
func cmdReviewers(ctx context.Context, env *Env, args []string) error {
	return errors.New("reviewers: not built yet")
}
