// Runs first thing in <body>: tells GOV.UK Frontend's CSS that JavaScript
// is on, before the page paints (no flash of the no-JS layout).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
