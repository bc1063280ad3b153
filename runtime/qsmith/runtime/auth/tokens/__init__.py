"""Bearer token providers: static, environment, token files, the AWS SSO cache, refreshing."""
