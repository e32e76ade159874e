import { spawn } from 'node:child_process';
import { docker, dockerOk } from './docker-cli';

/** The OCI label the consumer Dockerfile sets to the BASE_IMAGE it was built on. */
const BASE_LABEL = 'org.opencontainers.image.base.name';

/**
 * The paths in `image`'s filesystem that its base image (named by its base-name label) does not
 * have, sorted: what the image's own layers added. Both filesystems are read as `docker export`
 * writes them (a container created, never started, then removed), listed by `tar -t`.
 */
export async function filesAddedOnTop(image: string): Promise<string[]> {
  const base = (
    await dockerOk(['image', 'inspect', '--format', `{{index .Config.Labels "${BASE_LABEL}"}}`, image])
  ).trim();
  if (base === '' || base === '<no value>')
    throw new Error(`${image} has no ${BASE_LABEL} label naming its base image.`);
  const [mine, theirs] = await Promise.all([exportedPaths(image), exportedPaths(base)]);
  return [...mine].filter((path) => !theirs.has(path)).sort();
}

async function exportedPaths(image: string): Promise<Set<string>> {
  const container = (await dockerOk(['create', '--entrypoint', 'true', image])).trim();
  try {
    return new Set((await listExport(container)).filter((path) => path !== ''));
  } finally {
    await docker(['rm', '--force', container], 30_000);
  }
}

/** `docker export CONTAINER | tar -t`, without holding the archive in memory; bounded at 2 minutes. */
function listExport(container: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const exporting = spawn('docker', ['export', container], { stdio: ['ignore', 'pipe', 'pipe'] });
    const listing = spawn('tar', ['-t'], { stdio: ['pipe', 'pipe', 'pipe'] });
    exporting.stdout.pipe(listing.stdin);
    let names = '';
    let errors = '';
    listing.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      names += chunk;
    });
    exporting.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      errors += chunk;
    });
    const timer = setTimeout(() => {
      exporting.kill();
      listing.kill();
      reject(new Error(`docker export ${container} | tar -t took more than 2 minutes`));
    }, 120_000);
    listing.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(names.split('\n'));
      else reject(new Error(`docker export ${container} | tar -t failed (tar exit ${code}): ${errors.trim()}`));
    });
  });
}
