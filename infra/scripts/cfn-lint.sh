#!/usr/bin/env bash
# Synthesizes the CDK app into infra/cdk.out (offline) and runs cfn-lint on every template.
# Usage: bash infra/scripts/cfn-lint.sh [-c key=value ...]   (context is passed to the synth)
# Fails on cfn-lint errors and warnings; informational findings (I*) are not reported.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint is not on PATH (pip install cfn-lint)." >&2
  exit 127
fi

# The same synth as `pnpm synth` (tsx resolves from the workspace root's node_modules).
node --conditions=source --import tsx src/main.ts "$@"

shopt -s nullglob
templates=(cdk.out/*.template.json)
if ((${#templates[@]} == 0)); then
  echo "No template in infra/cdk.out: the synth wrote nothing." >&2
  exit 1
fi

# Ignored rule, with the reason:
#   W3005 (redundant DependsOn): aws-cdk-lib's lambda.Function always adds an explicit DependsOn
#   on its execution role next to the Fn::GetAtt of the role ARN. Redundant, harmless, not ours
#   to change without an escape hatch on generated code.
cfn-lint --version
cfn-lint --ignore-checks W3005 -- "${templates[@]}"
echo "cfn-lint: ${#templates[@]} template(s) clean: ${templates[*]}"
