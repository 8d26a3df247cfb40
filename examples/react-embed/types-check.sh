#!/usr/bin/env bash
# Type-checks types-check.ts against the SDK's .d.ts files (webchat.d.ts, react.d.ts) with TypeScript
# and React's types from npm, installed into a temporary folder (nothing lands in the repository).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund typescript@5.9.3 @types/react@18.3.8
cat > tsconfig.json <<JSON
{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "ES2022", "module": "ESNext", "moduleResolution": "Bundler",
    "lib": ["ES2022", "DOM"], "types": [],
    "baseUrl": ".", "paths": { "react": ["./node_modules/@types/react/index.d.ts"] }
  },
  "files": ["$here/types-check.ts"]
}
JSON
./node_modules/.bin/tsc -p tsconfig.json
echo "types-check.ts: no type errors"
