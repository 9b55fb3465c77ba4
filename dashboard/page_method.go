package dashboard

import (
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"
)

// The method page: docs/METHOD.md (or the scoring method's own text),
// rendered once at start. It needs no data.

type methodPage struct {
	HTML    template.HTML
	Version string
}

func (s *Server) methodPage(c *gin.Context) {
	// The markdown is the project's own docs/METHOD.md, rendered with raw
	// HTML disabled: safe to embed.
	s.render.Render(c, http.StatusOK, "method", "How the scores are worked out",
		methodPage{HTML: template.HTML(s.methodMD), Version: s.method})
}
