"""Identity and signing: SigV4, the AWS credential chain, bearer tokens, auth schemes."""
