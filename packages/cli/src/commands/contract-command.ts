import { Command } from 'commander';

interface ContractCommandOptions {
  readonly asyncapi: boolean;
}

/**
 * `orders contract`: the order contract a producer validates against or generates types from —
 * the JSON Schema (default) or the AsyncAPI document — on stdout and nothing else, so it pipes.
 */
export function contractCommand(): Command {
  return new Command('contract')
    .description(
      'Print the order contract: the JSON Schema (draft 2020-12) of an order, or --asyncapi the AsyncAPI 3.0 document',
    )
    .option('--asyncapi', 'print the AsyncAPI document (YAML) instead of the JSON Schema', false)
    .action(async (options: ContractCommandOptions) => {
      // The generator (and the YAML writer) load only when the contract is asked for.
      const { generateContractFiles } = await import('../contract/contract-documents.js');
      const { schema, asyncApi } = generateContractFiles();
      process.stdout.write(options.asyncapi ? asyncApi.text : schema.text);
    });
}
