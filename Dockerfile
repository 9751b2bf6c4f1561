# Gatehouse image: build the workspace with the toolchain native modules need, run on a slim Node 22.
FROM node:22-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json tsconfig.base.json ./
COPY packages ./packages
COPY examples ./examples
RUN npm ci --no-audit --no-fund && npx tsc -b && npm prune --omit=dev

FROM node:22-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
COPY package.json ./
USER node
EXPOSE 3000
# a young generation of 2 MB keeps idle memory ≈ 20 MB lower; without V8's memory reducer the
# server does not slow down after an idle spell (docs/operating.md, "Process memory")
CMD ["node", "--max-semi-space-size=2", "--v8-pool-size=1", "--no-memory-reducer", "packages/server/dist/src/main.js"]
