/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundle only (see
 * scripts/bundle.mjs). Lambda gives a function its execution role's credentials in environment
 * variables, so the default chain's other providers — SSO, login, STS web identity, INI files,
 * container and instance metadata — can never run there, yet they are about 70 KB of the bundle
 * and of every cold start. Library and CLI builds keep the SDK's full chain.
 */
interface EnvironmentCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export class EnvironmentCredentialsMissingError extends Error {
  override readonly name = 'CredentialsProviderError';
  readonly code = 'missing_credentials';
  /** The SDK's retry logic reads this: trying again will not make the variables appear. */
  readonly tryNextLink = false;
}

export function readEnvironmentCredentials(env: NodeJS.ProcessEnv = process.env): EnvironmentCredentials {
  const accessKeyId = env['AWS_ACCESS_KEY_ID'];
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'];
  if (!accessKeyId || !secretAccessKey) {
    throw new EnvironmentCredentialsMissingError(
      'the OrderProcessor bundle reads AWS credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, as Lambda sets them; they are not set',
    );
  }
  const sessionToken = env['AWS_SESSION_TOKEN'];
  const expiration = env['AWS_CREDENTIAL_EXPIRATION'];
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/** The shape the SDK's runtime config calls: `defaultProvider(init)()` → credentials. */
export const defaultProvider = (_init?: unknown) => async (): Promise<EnvironmentCredentials> =>
  readEnvironmentCredentials();
