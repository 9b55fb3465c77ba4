package reviewpages

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/councildash/councildash/reviews"
)

// The thanks page follows a review that was sent: a stored review (or its
// duplicate) sets a short-lived cookie naming the council, and the thanks
// page without it sends the visitor to the form. A plain visit never reads
// "your review is saved".

// SentCookie marks a review just sent (its value is the council's code).
const SentCookie = "councildash_review_sent"

// sentFor is how long after a review its thanks page can be seen again.
const sentFor = 10 * time.Minute

func (h *Handlers) markSent(c *gin.Context, code string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SentCookie, Value: code, Path: reviewPath(code) + "/thanks", MaxAge: int(sentFor / time.Second),
		HttpOnly: true, Secure: h.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
}

func wasSent(c *gin.Context, code string) bool {
	v, err := c.Cookie(SentCookie)
	return err == nil && v == code
}

// wayHints say each way of looking for a task in plain words.
var wayHints = map[reviews.Way]string{
	reviews.WayNav:          "Start on the council's home page and follow its menus and links.",
	reviews.WayAtoZ:         "Use the site's A to Z list of services, if it has one.",
	reviews.WaySearchEngine: "Search for the task with a web search engine, such as Google or Bing, and follow a result to the council's site.",
	reviews.WaySiteSearch:   "Use the search box on the council's own website.",
}
