package main

import "context"

// Filled in once the dashboard and reviews land.
func benchDashboard(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	return nil, errPhaseNotReady
}

func benchReviews(ctx context.Context, env *Env, db dbFlags, bf benchFlags) ([]benchResult, error) {
	return nil, errPhaseNotReady
}
