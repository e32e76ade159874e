import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientOptions, awsClientConfig } from './aws-client-config';
import { toInfrastructureError } from './aws-error-translation';

/** Who the credentials are, and where: what a command says before it changes anything in an account. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  readonly region: string;
}

/**
 * One STS GetCallerIdentity, bounded like every other call. It needs no permission (any valid
 * credentials may call it), so it also tells a user early that their credentials work at all.
 */
export async function callerIdentity(options: AwsClientOptions = {}): Promise<CallerIdentity> {
  const client = new STSClient(awsClientConfig(options));
  try {
    const result = await client.send(new GetCallerIdentityCommand({}));
    const region = await client.config.region();
    return { account: result.Account ?? 'unknown', arn: result.Arn ?? 'unknown', region };
  } catch (error) {
    throw toInfrastructureError(error, { service: 'STS', operation: 'GetCallerIdentity' });
  } finally {
    client.destroy();
  }
}
