// Command awsfed signs people into AWS through their company's SAML single
// sign-on. Everything happens in internal/app.
package main

import (
	"os"

	"github.com/awsfed/awsfed/internal/app"
)

func main() { os.Exit(app.Main()) }
