"""The second factor (TOTP authenticator and recovery codes) of privileged users."""
