"""AWS credential providers and the default chain, in the order the AWS SDKs use."""
