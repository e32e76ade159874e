import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENTRY_ENVIRONMENT } from '../../src/composition/entry-environment';
import { readEntryConfig } from '../../src/composition/entry-config';

// The README's configuration table is what operators set a deployment from: it must list exactly
// the variables the OrderProcessor reads, with the defaults the code applies.
const README = readFileSync(join(__dirname, '../../../../README.md'), 'utf8');

interface TableRow {
  readonly names: readonly string[];
  readonly defaultCell: string;
}

function configurationTable(markdown: string): TableRow[] {
  const section = markdown.split(/^## /m).find((part) => part.startsWith('Configuration'));
  if (section === undefined) throw new Error('README has no "## Configuration" section');
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const [names = '', defaultCell = ''] = line.split('|').slice(1, 3);
      return {
        names: [...names.matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1] as string),
        defaultCell: defaultCell.replaceAll('`', '').trim(),
      };
    });
}

const rows = configurationTable(README);

it('the README lists every variable the OrderProcessor reads, and no other', () => {
  expect(rows.flatMap((row) => row.names).sort()).toEqual(ENTRY_ENVIRONMENT.map((variable) => variable.name).sort());
});

it.each(ENTRY_ENVIRONMENT.map((variable) => [variable.name, variable.default] as const))(
  'the README states the default of %s as the code has it (%s)',
  (name, defaultValue) => {
    const row = rows.find((candidate) => candidate.names.includes(name));
    expect(row).toBeDefined();
    if (defaultValue === undefined) expect(row?.defaultCell).toBe('—');
    else expect(row?.defaultCell).toContain(defaultValue);
  },
);

it('the literal defaults listed are the ones readEntryConfig applies', () => {
  const config = readEntryConfig({});
  const listed = new Map<string, string | undefined>(
    ENTRY_ENVIRONMENT.map((variable) => [variable.name, variable.default]),
  );
  expect({
    ORDERS_TABLE_NAME: config.tableName,
    ORDERS_REPOSITORY: config.repository,
    POWERTOOLS_LOG_LEVEL: config.logLevel,
    POWERTOOLS_SERVICE_NAME: config.serviceName,
    POWERTOOLS_METRICS_NAMESPACE: config.metricsNamespace,
    ORDERS_CONCURRENCY: String(config.concurrency),
    ORDERS_MAX_RECEIVE_COUNT: config.maxReceiveCount,
  }).toEqual({
    ORDERS_TABLE_NAME: listed.get('ORDERS_TABLE_NAME'),
    ORDERS_REPOSITORY: listed.get('ORDERS_REPOSITORY'),
    POWERTOOLS_LOG_LEVEL: listed.get('POWERTOOLS_LOG_LEVEL'),
    POWERTOOLS_SERVICE_NAME: listed.get('POWERTOOLS_SERVICE_NAME'),
    POWERTOOLS_METRICS_NAMESPACE: listed.get('POWERTOOLS_METRICS_NAMESPACE'),
    ORDERS_CONCURRENCY: listed.get('ORDERS_CONCURRENCY'),
    ORDERS_MAX_RECEIVE_COUNT: listed.get('ORDERS_MAX_RECEIVE_COUNT'),
  });
});

it('LOG_LEVEL wins over POWERTOOLS_LOG_LEVEL, AWS_REGION over AWS_DEFAULT_REGION, a service endpoint over AWS_ENDPOINT_URL', () => {
  const config = readEntryConfig({
    LOG_LEVEL: 'warn',
    POWERTOOLS_LOG_LEVEL: 'debug',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: 'http://shared:4566',
    AWS_ENDPOINT_URL_SQS: 'http://sqs:4566',
  });
  expect(config).toMatchObject({
    logLevel: 'warn',
    region: 'eu-west-1',
    endpoint: 'http://shared:4566',
    sqsEndpoint: 'http://sqs:4566',
  });
  expect(readEntryConfig({ POWERTOOLS_LOG_LEVEL: 'debug', AWS_DEFAULT_REGION: 'us-east-1' })).toMatchObject({
    logLevel: 'debug',
    region: 'us-east-1',
  });
});
