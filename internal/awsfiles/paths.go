package awsfiles

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/awsfed/awsfed/internal/userdir"
)

// CredentialsPath is where the AWS CLI looks for credentials:
// $AWS_SHARED_CREDENTIALS_FILE (a leading ~/ expanded), else ~/.aws/credentials.
func CredentialsPath(env func(string) string) (string, error) {
	return awsPath(env, "AWS_SHARED_CREDENTIALS_FILE", "credentials")
}

// ConfigPath is where the AWS CLI looks for its configuration:
// $AWS_CONFIG_FILE (a leading ~/ expanded), else ~/.aws/config.
func ConfigPath(env func(string) string) (string, error) {
	return awsPath(env, "AWS_CONFIG_FILE", "config")
}

func awsPath(env func(string) string, variable, name string) (string, error) {
	if p := env(variable); p != "" {
		p, err := expandHome(env, p)
		if err != nil {
			return "", fmt.Errorf("%s: %w", variable, err)
		}
		return p, nil
	}
	home, err := userdir.Home(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".aws", name), nil
}

func expandHome(env func(string) string, p string) (string, error) {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, "~"+string(os.PathSeparator)) {
		return p, nil
	}
	home, err := userdir.Home(env)
	if err != nil {
		return "", err
	}
	return filepath.Join(home, p[1:]), nil
}
