package doctor

import (
	"context"

	"github.com/awsfed/awsfed/internal/config"
)

// signIn is --sign-in: not done yet.
func (d *doctor) signIn(ctx context.Context, logins []*config.Login) []Result {
	return nil
}
