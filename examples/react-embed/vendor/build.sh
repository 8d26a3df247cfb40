#!/usr/bin/env bash
# Rebuilds the vendored React for the example: ES modules made from the npm packages (production,
# minified). react.js and react-dom-client.js share one chunk, so both see the same React.
set -euo pipefail
out="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

npm init -y >/dev/null
npm install --silent --no-audit --no-fund react@18.3.1 react-dom@18.3.1 esbuild@0.28.2

# React 18 ships CommonJS only: each entry re-exports a package's names as ES module exports.
node -e '
  const fs = require("fs");
  const entry = (pkg, file) => {
    const names = Object.keys(require(pkg)).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default");
    fs.writeFileSync(file, `import m from "${pkg}";\nexport default m;\nexport const { ${names.join(", ")} } = m;\n`);
  };
  entry("react", "react.js");
  entry("react-dom/client", "react-dom-client.js");
'

rm -f "$out"/react.js "$out"/react-dom-client.js "$out"/shared-*.js
NODE_ENV=production npx esbuild react.js react-dom-client.js --bundle --splitting --format=esm --minify \
  --define:process.env.NODE_ENV='"production"' --legal-comments=eof --chunk-names='shared-[hash]' \
  --outdir="$out"
ls -l "$out"/*.js
