package sandbox

import (
	"html/template"
	"sync"
)

// The pages follow SimpleSAMLphp's markup (error box class "message-box
// error", form action "?", hidden AuthState) so that the generic form
// provider meets what it meets in the field. They are parsed on first use:
// parsing at package init would cost every awsfed start about a millisecond.
var (
	loginPage = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("login").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Enter your username and password</title>
</head>
<body>
<div id="wrap">
  <div id="header"><h1>awsfed sandbox IdP</h1></div>
  <div id="content">
{{- if .Error}}
    <div class="message-box error"><p>{{.Error}}</p></div>
{{- end}}
    <h2 class="main">Enter your username and password</h2>
    <p class="logintext">A service has requested you to authenticate yourself.</p>
    <form action="?" method="post" name="f">
      <label for="username">Username</label>
      <input id="username" type="text" name="username" value="{{.Username}}" autocomplete="username">
      <label for="password">Password</label>
      <input id="password" type="password" name="password" autocomplete="current-password">
      <input type="hidden" name="AuthState" value="{{.AuthState}}">
      <button class="btn" type="submit" id="submit_button">Login</button>
    </form>
  </div>
</div>
</body>
</html>
`))
	})

	autoPostPage = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("post").Parse(`<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>POST data</title>
</head>
<body onload="document.forms[0].submit();">
  <noscript>
    <p><strong>Note:</strong> Since your browser does not support JavaScript, you must press the button below once to proceed.</p>
  </noscript>
  <form method="post" action="{{.Action}}">
    <input type="hidden" name="SAMLResponse" value="{{.SAMLResponse}}">
    <input type="hidden" name="RelayState" value="{{.RelayState}}">
    <noscript><button type="submit" class="btn">Submit</button></noscript>
  </form>
</body>
</html>
`))
	})

	errorPage = sync.OnceValue(func() *template.Template {
		return template.Must(template.New("error").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{.Title}}</title>
</head>
<body>
<div id="content">
  <div class="message-box error">
    <h3>{{.Title}}</h3>
    <p>{{.Message}}</p>
  </div>
</div>
</body>
</html>
`))
	})
)

type loginData struct{ Error, Username, AuthState string }

type postData struct{ Action, SAMLResponse, RelayState string }

type errorData struct{ Title, Message string }
