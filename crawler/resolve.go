package crawler

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"strings"
)

// InShard reports whether council belongs to shard i of n (stable FNV-1a
// hash), so n machines can split one run. n < 1 means one shard.
func InShard(council string, i, n int) bool {
	if n <= 1 {
		return true
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(council))
	return int(h.Sum32()%uint32(n)) == i
}

// ParseResolve parses host overrides of the form "host=ip:port" (host may be
// "*" for every host, or host:port). Blank entries and # comments are skipped.
func ParseResolve(entries []string) (map[string]string, error) {
	m := make(map[string]string, len(entries))
	for _, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" || strings.HasPrefix(e, "#") {
			continue
		}
		host, addr, ok := strings.Cut(e, "=")
		host, addr = strings.ToLower(strings.TrimSpace(host)), strings.TrimSpace(addr)
		if !ok || host == "" || addr == "" {
			return nil, fmt.Errorf("%w: resolve entry %q: want host=ip:port", ErrConfig, e)
		}
		if addr != resolveNXDomain {
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return nil, fmt.Errorf("%w: resolve entry %q: %v", ErrConfig, e, err)
			}
		}
		m[host] = addr
	}
	return m, nil
}

// ReadResolve parses the file form of ParseResolve: one entry per line.
func ReadResolve(r io.Reader) (map[string]string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return ParseResolve(lines)
}

const resolveNXDomain = "nxdomain"

// dialer applies Config.Resolve so that URLs and Host headers stay real.
type dialer struct {
	d       net.Dialer
	resolve map[string]string
}

func (d *dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if len(d.resolve) > 0 {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		host = strings.ToLower(host)
		to, ok := d.resolve[strings.ToLower(addr)]
		if !ok {
			to, ok = d.resolve[host]
		}
		if !ok {
			to, ok = d.resolve["*"]
		}
		if ok {
			if to == resolveNXDomain {
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
			}
			addr = to
		}
	}
	return d.d.DialContext(ctx, network, addr)
}
