import { defaultProvider, readEnvironmentCredentials } from '../../src/runtime/lambda-environment-credentials';

describe('the Lambda bundle credential provider', () => {
  it('reads the credentials Lambda puts in the environment', () => {
    expect(
      readEnvironmentCredentials({
        AWS_ACCESS_KEY_ID: 'AKIA',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_CREDENTIAL_EXPIRATION: '2026-01-01T00:00:00Z',
      }),
    ).toEqual({
      accessKeyId: 'AKIA',
      secretAccessKey: 'secret',
      sessionToken: 'token',
      expiration: new Date('2026-01-01T00:00:00Z'),
    });
  });

  it('says which variables are missing, in one sentence, instead of searching elsewhere', () => {
    expect(() => readEnvironmentCredentials({ AWS_ACCESS_KEY_ID: 'AKIA' })).toThrow(/AWS_SECRET_ACCESS_KEY/);
    expect(() => readEnvironmentCredentials({})).toThrow(
      expect.objectContaining({ code: 'missing_credentials', tryNextLink: false }),
    );
  });

  it('has the shape the SDK runtime config calls', async () => {
    const saved = { ...process.env };
    process.env['AWS_ACCESS_KEY_ID'] = 'id';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'key';
    delete process.env['AWS_SESSION_TOKEN'];
    try {
      await expect(defaultProvider({})()).resolves.toEqual({ accessKeyId: 'id', secretAccessKey: 'key' });
    } finally {
      process.env = saved;
    }
  });
});
