import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

// examples/kubernetes: the Deployment and the KEDA ScaledObject for the consumer image parse, and
// agree with the image (its user, its entrypoint's stop timeout) and with each other.

const EXAMPLES = join(__dirname, '..', '..', '..', '..', 'examples', 'kubernetes');
const DOCKERFILE = join(__dirname, '..', '..', 'container', 'Dockerfile');

type Manifest = { kind: string; metadata: { name: string; namespace?: string } } & Record<string, unknown>;

function manifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(join(EXAMPLES, file), 'utf8')).map((document) => {
    expect(document.errors).toEqual([]);
    return document.toJS() as Manifest;
  });
}

function byKind<T>(list: Manifest[], kind: string): T {
  const found = list.filter((m) => m.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as unknown as T;
}

interface Deployment {
  metadata: { name: string; namespace: string };
  spec: {
    replicas?: number;
    template: {
      spec: {
        serviceAccountName: string;
        terminationGracePeriodSeconds: number;
        securityContext: { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number };
        containers: Array<{
          args: string[];
          resources: { requests: Record<string, string>; limits: Record<string, string> };
          securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
        }>;
      };
    };
  };
}

interface ScaledObject {
  metadata: { namespace: string };
  spec: {
    scaleTargetRef: { name: string };
    minReplicaCount: number;
    maxReplicaCount: number;
    triggers: Array<{ type: string; authenticationRef: { name: string }; metadata: Record<string, string> }>;
  };
}

const deploymentFile = manifests('consumer.yaml');
const scalingFile = manifests('keda-scaledobject.yaml');
const deployment = byKind<Deployment>(deploymentFile, 'Deployment');
const container = deployment.spec.template.spec.containers[0]!;
const optionAfter = (args: readonly string[], option: string): string | undefined => {
  const at = args.lastIndexOf(option);
  return at < 0 ? undefined : args[at + 1];
};

describe('examples/kubernetes', () => {
  it('runs the image as its own numeric non-root user, read-only, with resources set', () => {
    const user = /^USER (\d+):(\d+)$/m.exec(readFileSync(DOCKERFILE, 'utf8'));
    expect(user).not.toBeNull();
    expect(deployment.spec.template.spec.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: Number(user![1]),
      runAsGroup: Number(user![2]),
    });
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits['memory']).toBeDefined();
    // KEDA owns the replica count.
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it('finishes the graceful stop (its stop timeout, at most 2 s of hand-back, 1 s for the last spans) inside the grace period', () => {
    const stopTimeout = Number(optionAfter(container.args, '--stop-timeout'));
    expect(stopTimeout).toBeGreaterThan(0);
    expect(stopTimeout + 2 + 1).toBeLessThan(deployment.spec.template.spec.terminationGracePeriodSeconds);
    expect(optionAfter(container.args, '--queue')).toBe('OrderQueue');
    expect(optionAfter(container.args, '--table')).toBe('Orders');
  });

  it('scales that Deployment on OrderQueue, depth and age, with the workload’s own AWS identity', () => {
    const scaled = byKind<ScaledObject>(scalingFile, 'ScaledObject');
    const auth = byKind<{ metadata: { name: string }; spec: { podIdentity: Record<string, string> } }>(
      scalingFile,
      'TriggerAuthentication',
    );
    expect(scaled.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
    expect(scaled.metadata.namespace).toBe(deployment.metadata.namespace);
    expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
    expect(auth.spec.podIdentity).toEqual({ provider: 'aws', identityOwner: 'workload' });
    expect(scaled.spec.triggers.map((t) => t.type)).toEqual(['aws-sqs-queue', 'aws-cloudwatch']);
    for (const trigger of scaled.spec.triggers) expect(trigger.authenticationRef.name).toBe(auth.metadata.name);
    const [depth, age] = scaled.spec.triggers;
    expect(depth!.metadata['queueURL']).toMatch(/\/OrderQueue$/);
    expect(Number(depth!.metadata['queueLength'])).toBeGreaterThan(0);
    expect(age!.metadata).toMatchObject({
      namespace: 'AWS/SQS',
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensionName: 'QueueName',
      dimensionValue: 'OrderQueue',
      metricStat: 'Maximum',
    });
  });

  it('uses the service account whose role holds exactly what the consumer and KEDA call', () => {
    const account = byKind<{ metadata: { name: string; annotations: Record<string, string> } }>(
      deploymentFile,
      'ServiceAccount',
    );
    expect(deployment.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    const policy = JSON.parse(readFileSync(join(EXAMPLES, 'iam-policy.json'), 'utf8')) as {
      Statement: Array<{ Action: string | string[]; Resource: string }>;
    };
    const grants = policy.Statement.flatMap((s) => [s.Action].flat().map((a) => `${a} ${s.Resource}`)).sort();
    expect(grants).toEqual(
      [
        'cloudwatch:GetMetricData *',
        'dynamodb:PutItem arn:aws:dynamodb:eu-west-1:123456789012:table/Orders',
        ...['ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage'].map(
          (action) => `sqs:${action} arn:aws:sqs:eu-west-1:123456789012:OrderQueue`,
        ),
      ].sort(),
    );
  });
});
