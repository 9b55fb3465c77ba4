//go:build race

package archive

import "sync"

// libMu serialises gowarc's option set-up under the race detector (see
// newBuilder).
var libMu sync.Mutex

func libLock() func() {
	libMu.Lock()
	return libMu.Unlock
}
