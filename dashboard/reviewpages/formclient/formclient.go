// Package formclient is a client of the review pages' forms: it fetches a
// form, reads its token and posts a review, as a browser would. The review
// bench (`councildash bench`) and the tests post reviews with it. It uses no
// test packages.
package formclient

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

var tokenRE = regexp.MustCompile(`name="form_token" value="([^"]+)"`)

// FormToken returns the first form token in a page.
func FormToken(body string) (string, error) {
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no form_token in the page")
	}
	return m[1], nil
}

var signInRE = regexp.MustCompile(`name="token" value="([^"]*)"`)

// SignInForm reads a peer sign-in page's form: what its button posts to
// /peer/signin.
func SignInForm(body string) (url.Values, error) {
	tok, err := FormToken(body)
	if err != nil {
		return nil, err
	}
	m := signInRE.FindStringSubmatch(body)
	if m == nil {
		return nil, fmt.Errorf("no sign-in token in the page")
	}
	return url.Values{"form_token": {tok}, "token": {html.UnescapeString(m[1])}}, nil
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
