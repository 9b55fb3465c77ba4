// Package reviewstest holds helpers shared by the review tests and the
// review bench: the contract's route table for the review pages (the
// dashboard owns the real one and routes the same paths) and a form client.
package reviewstest

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
)

// Pages are the review handlers (reviews/web's *Handlers satisfies it).
type Pages interface {
	Form(c *gin.Context)
	Submit(c *gin.Context)
	Thanks(c *gin.Context)
	Random(c *gin.Context)
	PeerSignIn(c *gin.Context)
	PeerHome(c *gin.Context)
	PeerSignOut(c *gin.Context)
	Respond(c *gin.Context)
	Moderation(c *gin.Context)
	AdminSignIn(c *gin.Context)
	Moderate(c *gin.Context)
}

// Routes registers the review pages on r with the paths of the contract
// between the dashboard and reviews (docs: WEB_CONTRACT).
func Routes(r gin.IRouter, p Pages) {
	r.GET("/councils/:code/review", p.Form)
	r.POST("/councils/:code/review", p.Submit)
	r.GET("/councils/:code/review/thanks", p.Thanks)
	r.GET("/review/random", p.Random)
	r.GET("/peer/signin", p.PeerSignIn)
	r.GET("/peer", p.PeerHome)
	r.POST("/peer/signout", p.PeerSignOut)
	r.POST("/councils/:code/responses", p.Respond)
	r.GET("/moderation", p.Moderation)
	r.POST("/moderation/signin", p.AdminSignIn)
	r.POST("/moderation/:id", p.Moderate)
}

var tokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// FormToken returns the first form token in a page.
func FormToken(body string) (string, error) {
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no form_token in the page")
	}
	return m[1], nil
}

// Response is a read response.
type Response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

// Do sends a request without following redirects and reads the body.
// form nil means GET; forwardedFor, when set, is sent as X-Forwarded-For.
func Do(c *http.Client, method, u string, form url.Values, forwardedFor string) (Response, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		return Response{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	resp, err := c.Do(req)
	if err != nil {
		return Response{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Response{}, err
	}
	return Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location"), Header: resp.Header}, nil
}

// NoRedirects makes a client return redirects instead of following them.
func NoRedirects(c *http.Client) *http.Client {
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return c
}

// ReviewForm returns form values of a valid review.
func ReviewForm(token, task, comment string) url.Values {
	return url.Values{"form_token": {token}, "task": {task}, "route-nav": {"very-easy"}, "route-atoz": {"difficult"},
		"route-search-engine": {"easy"}, "route-site-search": {"gave-up"}, "importance": {"4"}, "comment": {comment},
		"end_url": {"https://www.example.gov.uk/council-tax"}, "kind": {"resident"}, "website": {""}}
}
