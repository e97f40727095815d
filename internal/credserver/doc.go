// Package credserver owns the local container-credentials endpoint that
// `awsfed exec` hands to its child through AWS_CONTAINER_CREDENTIALS_FULL_URI
// and AWS_CONTAINER_AUTHORIZATION_TOKEN, so that long-running AWS SDK clients
// can fetch fresh keys when theirs expire.
//
// It listens on 127.0.0.1 only, on a random port and a random path, and
// answers only callers that present the random token. It knows nothing of
// SAML, STS, caches or files: the caller's get function decides where keys
// come from. It must never write a secret anywhere but into a successful
// response body: not into errors, logs or the OnError callback.
package credserver
