package dashboard

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

// markdownHTML renders trusted markdown (docs/METHOD.md) to HTML. Raw HTML
// in the source is dropped (goldmark's default), and GOV.UK classes are added
// by the method template's CSS scope.
func markdownHTML(md string) (string, error) {
	g := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	var buf bytes.Buffer
	if err := g.Convert([]byte(md), &buf); err != nil {
		return "", err
	}
	return buf.String(), nil
}
