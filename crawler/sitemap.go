package crawler

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"golang.org/x/net/html/charset"
)

type sitemapKind int

const (
	sitemapUnknown sitemapKind = iota
	sitemapURLSet
	sitemapIndex
)

// sitemapResult summarises one streamed sitemap file.
type sitemapResult struct {
	Kind      sitemapKind
	Count     int  // <loc> entries seen (up to the cap)
	Truncated bool // URL or byte cap reached
}

// errSitemapCap stops the stream once maxURLs entries were seen.
var errSitemapCap = errors.New("sitemap url cap reached")

// parseSitemap streams a sitemap (urlset or sitemapindex; plain or gzip by
// magic bytes) from r, calling fn for each <loc> up to maxURLs. At most
// maxBytes of (decompressed) XML are read. Malformed XML ends the parse with
// what was found so far and an error.
func parseSitemap(r io.Reader, maxBytes int64, maxURLs int, fn func(loc string, kind sitemapKind)) (sitemapResult, error) {
	var res sitemapResult
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return res, errors.Join(errDecompression, err)
		}
		defer gz.Close()
		src = gz
	}
	lim := &io.LimitedReader{R: src, N: maxBytes + 1}
	dec := xml.NewDecoder(lim)
	dec.Strict = false
	dec.CharsetReader = charset.NewReaderLabel
	var inLoc bool
	var loc strings.Builder
	depth := 0
	for {
		tok, err := dec.RawToken()
		if err != nil {
			if lim.N <= 0 {
				res.Truncated = true
				return res, nil
			}
			if err == io.EOF {
				if res.Kind == sitemapUnknown {
					return res, errors.New("sitemap: no urlset or sitemapindex")
				}
				return res, nil
			}
			var corrupt flate.CorruptInputError
			if errors.As(err, &corrupt) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) {
				return res, errors.Join(errDecompression, err)
			}
			return res, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			name := strings.ToLower(t.Name.Local)
			if res.Kind == sitemapUnknown && depth == 1 {
				switch name {
				case "urlset":
					res.Kind = sitemapURLSet
				case "sitemapindex":
					res.Kind = sitemapIndex
				default:
					return res, errors.New("sitemap: unexpected root element " + truncate(name, 40))
				}
			}
			if name == "loc" && depth == 3 {
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc && loc.Len() < 4096 {
				loc.Write(t)
			}
		case xml.EndElement:
			depth--
			if inLoc && strings.EqualFold(t.Name.Local, "loc") {
				inLoc = false
				if s := strings.TrimSpace(loc.String()); s != "" {
					if res.Count >= maxURLs {
						res.Truncated = true
						return res, nil
					}
					res.Count++
					fn(s, res.Kind)
				}
			}
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
