import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';

type Environment = Readonly<Record<string, string | undefined>>;

/** Reads a shared AWS file; undefined when it cannot be read (the SDK then takes it as empty). */
export type SharedFileReader = (path: string) => string | undefined;

export const readSharedFile: SharedFileReader = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** A setting the SDK passed over because its value is neither `true` nor `false`. */
export interface MisreadSetting {
  /** Where it is: the variable, or the key with its profile and file. */
  readonly setting: string;
  readonly value: string;
}

export interface EndpointUrlIgnoring {
  /** Set when the SDK ignores AWS_ENDPOINT_URL* and `endpoint_url`: the setting that says so. */
  readonly ignoredBy: string | undefined;
  /** Settings the SDK could not read on the way (e.g. `TRUE`): a user who wrote one meant something. */
  readonly misread: readonly MisreadSetting[];
}

const ENV_SETTING = 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS';
const CONFIG_SETTING = 'ignore_configured_endpoint_urls';

/**
 * Whether the AWS SDK for JavaScript will ignore the configured endpoint URLs — AWS_ENDPOINT_URL,
 * AWS_ENDPOINT_URL_<SERVICE>, and `endpoint_url` in the shared config file — and talk to AWS
 * itself. This follows the SDK's own rule (@smithy/core's getEndpointFromConfig and its
 * booleanSelector), which reads, first to decide:
 * 1. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: exactly `true` ignores them, exactly `false` does not
 *    (the file is then not read); any other value, `TRUE` and `1` included, is passed over;
 * 2. `ignore_configured_endpoint_urls` in the active profile (AWS_PROFILE, else `default`) of the
 *    shared config file (AWS_CONFIG_FILE, else ~/.aws/config), over the same profile of the
 *    credentials file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials): exactly `true`;
 * 3. otherwise they are used.
 * An endpoint given to a client in code (the CLI's --endpoint) is used whatever these say.
 */
export function endpointUrlIgnoring(
  env: Environment,
  readFile: SharedFileReader = readSharedFile,
): EndpointUrlIgnoring {
  const misread: MisreadSetting[] = [];
  const fromEnv = env[ENV_SETTING];
  if (fromEnv === 'true') return { ignoredBy: `${ENV_SETTING}=true`, misread };
  if (fromEnv === 'false') return { ignoredBy: undefined, misread };
  // Blank is as good as unset; anything else was meant, but the SDK does not understand it.
  if (fromEnv !== undefined && fromEnv.trim() !== '') misread.push({ setting: ENV_SETTING, value: fromEnv });

  const profile = env['AWS_PROFILE'] || 'default';
  const home = homeDirectory(env);
  const configPath = expandHome(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'), home);
  const credentialsPath = expandHome(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'), home);
  const fromConfig = configFileProfiles(readFile(configPath))[profile]?.[CONFIG_SETTING];
  const fromCredentials = credentialsFileProfiles(readFile(credentialsPath))[profile]?.[CONFIG_SETTING];
  // The config file's profile wins over the credentials file's, key by key.
  const [value, path] = fromConfig !== undefined ? [fromConfig, configPath] : [fromCredentials, credentialsPath];
  const where = `${CONFIG_SETTING} in profile ${profile} of ${path}`;
  if (value === 'true') return { ignoredBy: `${where} = true`, misread };
  if (value !== undefined && value !== 'false') misread.push({ setting: where, value });
  return { ignoredBy: undefined, misread };
}

/** The SDK's home directory: HOME, USERPROFILE, HOMEDRIVE + HOMEPATH, else the OS's. */
function homeDirectory(env: Environment): string {
  if (env['HOME']) return env['HOME'];
  if (env['USERPROFILE']) return env['USERPROFILE'];
  if (env['HOMEPATH']) return `${env['HOMEDRIVE'] ?? `C:${sep}`}${env['HOMEPATH']}`;
  return homedir();
}

const expandHome = (path: string, home: string): string => (path.startsWith('~/') ? join(home, path.slice(2)) : path);

type Sections = Record<string, Record<string, string>>;

/** The config file's profiles: `[default]`, and `[profile name]` (which wins for `default`). */
function configFileProfiles(text: string | undefined): Sections {
  const profiles: Sections = {};
  const sections = parseIni(text ?? '');
  if (sections['default'] !== undefined) profiles['default'] = sections['default'];
  for (const [name, keys] of Object.entries(sections)) {
    const profile = /^profile\s(["'])?([\w\-@+.%:/]+)\1$/.exec(name)?.[2];
    if (profile !== undefined) profiles[profile] = keys;
  }
  return profiles;
}

/** The credentials file's profiles: every section, by its name. */
function credentialsFileProfiles(text: string | undefined): Sections {
  return parseIni(text ?? '');
}

/**
 * The sections of an INI file as the SDK reads them: `;` and `#` start a comment (at the start of
 * a line or after a space), `key = value` pairs, and a key with no value opens a sub-section whose
 * indented keys are read as `parent.key` (so they never pass for a top-level setting).
 */
function parseIni(text: string): Sections {
  const sections: Sections = {};
  let section: string | undefined;
  let subSection: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const trimmed = (line.split(/(?:^|\s)[;#]/)[0] ?? '').trim();
    if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
      section = trimmed.slice(1, -1);
      subSection = undefined;
      continue;
    }
    const equals = trimmed.indexOf('=');
    if (section === undefined || equals <= 0) continue;
    const key = trimmed.slice(0, equals).trim();
    const value = trimmed.slice(equals + 1).trim();
    if (value === '') {
      subSection = key;
      continue;
    }
    if (subSection !== undefined && line.trimStart() === line) subSection = undefined;
    sections[section] = { ...sections[section], [subSection === undefined ? key : `${subSection}.${key}`]: value };
  }
  return sections;
}
